import { startSupplierApi, type SupplierApi } from "@flowgate/testkit";
import { malformedCsv, merchantFeedXml, nonWellFormedXml, polishProductsCsv, truncatedJson } from "@flowgate/testkit/files";
import type { Checkpoint } from "@flowgate/engine";
import type { FlowInput } from "@flowgate/flow";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestServices, type TestServices } from "../testing/services";
import { configure, fixtureFlow, runFixture, type FixtureRunOptions } from "../testing/fixtures";
import readUpload from "./fixtures/read-upload.json";
import supplierDump from "./fixtures/supplier-dump-by-url.json";

let services: TestServices;
let supplier: SupplierApi;
beforeAll(async () => {
  supplier = await startSupplierApi({ count: 250 });
});
afterAll(async () => {
  await supplier?.close();
});
beforeEach(() => {
  services = createTestServices();
});
afterEach(async () => {
  await services.close();
});

/** The upload fixture reading `bytes` with the given source settings. */
function uploadFlow(bytes: Buffer | string, fileName: string, config: Record<string, unknown>, change?: (doc: FlowInput) => void) {
  const uploadId = services.addUpload(bytes);
  return fixtureFlow(readUpload, (doc) => {
    configure(doc, "read", { location: { type: "upload", uploadId, fileName }, ...config });
    change?.(doc);
  });
}

async function run(flow: ReturnType<typeof uploadFlow>, options: FixtureRunOptions = {}) {
  return runFixture(flow, { services, ...options });
}

describe("source.file", () => {
  it("reads a windows-1250 CSV with ; and decimal commas, Polish letters intact (fixture flow)", async () => {
    const file = polishProductsCsv();
    const report = await run(fixtureFlow(readUpload, (doc) => configure(doc, "read", { location: { type: "upload", uploadId: services.addUpload(file.bytes), fileName: "cennik.csv" } })));
    expect(report.status).toBe("succeeded");
    expect(report.records).toEqual(file.records);
    expect(report.records[0]).toMatchObject({ name: "Żółć ogrodowa", city: "Łódź", price: "12,50" });
    expect(report.records[1]).toMatchObject({ price: "1 234,56", city: "Kraków" });
  });

  it("reads ISO-8859-2 when told so", async () => {
    const iconv = (await import("iconv-lite")).default;
    const file = polishProductsCsv();
    const report = await run(uploadFlow(iconv.encode(file.text, "iso-8859-2"), "cennik.csv", { csv: { delimiter: ";", encoding: "iso-8859-2" } }));
    expect(report.records).toEqual(file.records);
  });

  it("fails on a malformed CSV line, naming the file and line 4", async () => {
    const { text, badLine } = malformedCsv();
    const report = await run(uploadFlow(text, "products.csv", { csv: { encoding: "utf-8" } }));
    expect(report.status).toBe("failed");
    expect(report.error?.nodeId).toBe("read");
    expect(report.error?.message).toContain(`Could not read “products.csv” as CSV: Line ${badLine} opens a quoted value that is never closed`);
  });

  it("skips a malformed line when asked, logs it with its line, and reads the rest", async () => {
    const text = "sku,name,price\nA-1,Mug,12.50\nA-2,Kettle,30,extra\nA-3,Lamp,45\n";
    const report = await run(uploadFlow(text, "products.csv", { csv: { encoding: "utf-8" }, skipBadLines: true }));
    expect(report.status).toBe("succeeded");
    expect(report.records.map((r) => r.sku)).toEqual(["A-1", "A-3"]);
    const warnings = report.logs.filter((l) => l.level === "warn" && l.nodeId === "read");
    expect(warnings[0]).toMatchObject({ message: expect.stringContaining("Skipped line 3 of “products.csv”"), data: { line: 3, text: "A-2,Kettle,30,extra" } });
    expect(warnings.at(-1)?.message).toBe("Skipped 1 malformed line of “products.csv”.");
  });

  it("skips the unclosed quote of line 4 when asked", async () => {
    const report = await run(uploadFlow(malformedCsv().text, "products.csv", { csv: { encoding: "utf-8" }, skipBadLines: true }));
    expect(report.status).toBe("succeeded");
    expect(report.records.map((r) => r.sku)).toEqual(["A-1", "A-2"]);
    expect(report.logs.some((l) => l.level === "warn" && /Skipped line 4 of “products.csv”/.test(l.message))).toBe(true);
  });

  it("reads a Google Merchant XML feed with its g: fields", async () => {
    const feed = merchantFeedXml();
    const report = await run(uploadFlow(feed.text, "feed.xml", { format: "xml", recordsPath: feed.recordsPath }));
    expect(report.status).toBe("succeeded");
    expect(report.records).toEqual(feed.items);
    expect(report.records[0]).toMatchObject({ "g:id": "SKU-1", "g:shipping": { "g:country": "PL" } });
  });

  it("names the line and column of non-well-formed XML", async () => {
    const { text, line } = nonWellFormedXml();
    const report = await run(uploadFlow(text, "broken.xml", { format: "xml", recordsPath: "products.product" }));
    expect(report.status).toBe("failed");
    expect(report.error?.message).toMatch(new RegExp(`Could not read “broken.xml” as XML: The XML is not well-formed at line ${line}, column \\d+`));
  });

  it("says a truncated JSON file looks truncated", async () => {
    const report = await run(uploadFlow(truncatedJson().text, "products.json", { format: "json" }));
    expect(report.status).toBe("failed");
    expect(report.error?.message).toMatch(/Could not read “products.json” as JSON: The JSON ends too early.*truncated/);
  });

  it("reads JSON under a records path and NDJSON", async () => {
    const json = JSON.stringify({ data: { items: [{ sku: "A", price: 1.5 }, { sku: "B", price: 2 }] } });
    expect((await run(uploadFlow(json, "p.json", { format: "json", recordsPath: "data.items" }))).records).toEqual([
      { sku: "A", price: 1.5 },
      { sku: "B", price: 2 },
    ]);
    const ndjson = '{"sku":"A"}\n\n{"sku":"B"}\n';
    expect((await run(uploadFlow(ndjson, "p.ndjson", { format: "ndjson" }))).records).toEqual([{ sku: "A" }, { sku: "B" }]);
  });

  it.each([
    ["csv", "/products.csv"],
    ["ndjson", "/products.ndjson"],
    ["xml", "/products.xml"],
  ] as const)("downloads the supplier's %s dump by URL, in batches (fixture flow)", async (format, path) => {
    const flow = fixtureFlow(supplierDump, (doc) =>
      configure(doc, "download", { location: { type: "url", url: `${supplier.url}${path}` }, format, ...(format === "xml" && { recordsPath: "products.product" }) }),
    );
    const report = await run(flow);
    expect(report.status).toBe("succeeded");
    expect(report.batches).toBe(3);
    expect(report.records).toHaveLength(250);
    const first = supplier.products[0]!;
    expect(report.records[0]).toMatchObject({ sku: first.sku, name: first.name, updated_at: first.updated_at });
    expect(Number(report.records[0]!.price)).toBe(first.price);
  });

  it("refuses a private address with the SSRF guard's message", async () => {
    const flow = fixtureFlow(supplierDump, (doc) => configure(doc, "download", { location: { type: "url", url: "http://10.0.0.1/x" } }));
    const report = await run(flow);
    expect(report.status).toBe("failed");
    expect(report.error?.nodeId).toBe("download");
    expect(report.error?.message).toMatch(/http:\/\/10\.0\.0\.1\/x leads to 10\.0\.0\.1, which is a .*address\. Flowgate refuses it to protect your network/);
  });

  it("names the URL and status of a missing file", async () => {
    const flow = fixtureFlow(supplierDump, (doc) => configure(doc, "download", { location: { type: "url", url: `${supplier.url}/nope.csv` } }));
    const report = await run(flow);
    expect(report.status).toBe("failed");
    expect(report.error?.message).toMatch(/404/);
    expect(report.error?.message).toContain("/nope.csv");
  });

  it("checkpoints the records reached and resumes from that cursor", async () => {
    const text = `sku\n${Array.from({ length: 7 }, (_, i) => `S-${i}`).join("\n")}\n`;
    const flow = uploadFlow(text, "s.csv", { csv: { encoding: "utf-8" } }, (doc) => {
      doc.settings = { batchSize: 3 };
    });
    const cursors: unknown[] = [];
    const full = await run(flow, { checkpoint: { save: async (c: Checkpoint) => void cursors.push(c.cursor) } });
    expect(full.records).toHaveLength(7);
    expect(cursors).toEqual([3, 6, 7, 7]);

    const resumed = await run(flow, {
      resumeFrom: { cursor: 3, batchIndex: 0, counts: { batches: 1, recordsRead: 3, errors: 0, nodes: {}, edges: {} } },
    });
    expect(resumed.status).toBe("succeeded");
    expect(resumed.records.map((r) => r.sku)).toEqual(["S-3", "S-4", "S-5", "S-6"]);
  });

  it("stops at the dry run's limit", async () => {
    const text = `sku\n${Array.from({ length: 50 }, (_, i) => `S-${i}`).join("\n")}\n`;
    const report = await run(uploadFlow(text, "s.csv", { csv: { encoding: "utf-8" } }), { run: { mode: "dry-run" }, dryRunLimit: 5 });
    expect(report.status).toBe("succeeded");
    expect(report.recordsRead).toBe(5);
  });

  it("refuses settings it cannot use at save time", () => {
    expect(() => fixtureFlow(readUpload, (doc) => configure(doc, "read", { location: { type: "url", url: "ftp://example.com/x.csv" } }))).toThrow(
      /http:\/\/ or https:\/\//,
    );
    expect(() => fixtureFlow(readUpload, (doc) => configure(doc, "read", { csv: { encoding: "klingon" } }))).toThrow(/encodings Flowgate reads/);
  });
});
