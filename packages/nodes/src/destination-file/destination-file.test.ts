import { readCsv, readJson, readNdjson, readXml, type RecordBatch } from "@flowgate/connectors/formats";
import type { FlowInput } from "@flowgate/flow";
import iconv from "iconv-lite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configure, fixtureFlow, runFixture } from "../testing/fixtures";
import type { ArtifactWriter } from "../services";
import { createTestServices, type TestServices } from "../testing/services";
import exportFeed from "./fixtures/export-feed.json";

const products = [
  { sku: "PL-1", name: "Żółć ogrodowa; duża", price: 12.5, stock: 7, active: true },
  { sku: "PL-2", name: 'Łyżka "drewniana"', price: 1234.56, stock: 0, active: false },
  { sku: "PL-3", name: "Gęś\nz dwiema liniami", price: -0.5, stock: 3, active: true },
  { sku: "PL-4", name: "Kubek <duży> & mały", price: 99, stock: 1, active: true },
  { sku: "PL-5", name: "Źdźbło", price: 0.01, stock: 120, active: false },
];

let services: TestServices;
/** Every artifact the runs opened, with whether it was closed or dropped. */
let opened: { name: string; contentType: string; state: "open" | "closed" | "aborted" }[];
beforeEach(() => {
  services = createTestServices();
  opened = [];
  const create = services.artifacts.create.bind(services.artifacts);
  services.artifacts = {
    async create(name, contentType): Promise<ArtifactWriter> {
      const writer = await create(name, contentType);
      const entry = { name, contentType, state: "open" as "open" | "closed" | "aborted" };
      opened.push(entry);
      return {
        write: (chunk) => writer.write(chunk),
        close: async () => ((entry.state = "closed"), writer.close()),
        abort: async () => ((entry.state = "aborted"), writer.abort()),
      };
    },
  };
});
afterEach(async () => {
  await services.close();
});

function exportFlow(config: Record<string, unknown>, change?: (doc: FlowInput) => void) {
  const uploadId = services.addUpload(products.map((p) => JSON.stringify(p)).join("\n"));
  return fixtureFlow(exportFeed, (doc) => {
    configure(doc, "products", { location: { type: "upload", uploadId, fileName: "products.ndjson" } });
    const node = doc.nodes.find((n) => n.id === "export")!;
    node.config = config;
    change?.(doc);
  });
}

/** Runs the flow and returns the one artifact it wrote, with its bytes. */
async function exportOnce(config: Record<string, unknown>) {
  const report = await runFixture(exportFlow(config), { services });
  expect(report.status).toBe("succeeded");
  const written = report.logs.find((l) => l.nodeId === "export" && l.data?.artifactId);
  expect(written).toBeDefined();
  const id = written!.data!.artifactId as string;
  return { report, id, name: services.artifactFiles.get(id)!.name, bytes: await services.readArtifact(id) };
}

async function all(batches: AsyncIterable<RecordBatch>) {
  const out: Record<string, unknown>[] = [];
  for await (const batch of batches) out.push(...batch.records);
  return out;
}

describe("destination.file", () => {
  it("writes one windows-1250 CSV with ; and decimal commas over all batches, which reads back (fixture flow)", async () => {
    const report = await runFixture(exportFlow(structuredClone(exportFeed.nodes[2]!.config!)), { services });
    expect(report.status).toBe("succeeded");
    expect(report.batches).toBe(3);
    expect(opened).toEqual([{ name: "products-2024-01-01.csv", contentType: "text/csv; charset=windows-1250", state: "closed" }]);
    const id = [...services.artifactFiles.keys()][0]!;
    const bytes = await services.readArtifact(id);
    expect(iconv.decode(bytes, "windows-1250").split("\r\n")[0]).toBe("sku;name;price;stock;active");
    expect(await all(readCsv(bytes, { encoding: "windows-1250" }))).toEqual(
      products.map((p) => ({ ...p, price: String(p.price).replace(".", ","), stock: String(p.stock), active: String(p.active) })),
    );
    expect(report.logs).toContainEqual(
      expect.objectContaining({ level: "info", nodeId: "export", message: expect.stringMatching(/^Wrote 5 records to “products-2024-01-01.csv” \(\d+ bytes\)\.$/) }),
    );
  });

  it("writes JSON and NDJSON that read back equal", async () => {
    const json = await exportOnce({ format: "json", fileName: "export-{date}_{time}" });
    expect(json.name).toBe("export-2024-01-01_000000.json");
    expect(await all(readJson(json.bytes))).toEqual(products);
    const ndjson = await exportOnce({ format: "ndjson", fileName: "run-{run}" });
    expect(ndjson.name).toBe("run-run-1.ndjson");
    expect(await all(readNdjson(ndjson.bytes))).toEqual(products);
  });

  it("writes an XML feed under the records path with its namespace, which reads back", async () => {
    const xml = await exportOnce({ format: "xml", fileName: "feed.xml", xml: { recordsPath: "rss.channel.item", namespaces: { g: "http://base.google.com/ns/1.0" } } });
    const text = xml.bytes.toString("utf8");
    expect(text).toContain('<rss xmlns:g="http://base.google.com/ns/1.0"><channel>');
    expect(await all(readXml(xml.bytes, { recordsPath: "rss.channel.item" }))).toEqual(
      products.map((p) => ({ sku: p.sku, name: p.name, price: String(p.price), stock: String(p.stock), active: String(p.active) })),
    );
  });

  it("writes the columns asked for, in their order", async () => {
    const csv = await exportOnce({ format: "csv", fileName: "skus.csv", csv: { columns: ["stock", "sku"] } });
    expect(csv.bytes.toString("utf8")).toBe("stock,sku\r\n7,PL-1\r\n0,PL-2\r\n3,PL-3\r\n1,PL-4\r\n120,PL-5\r\n");
  });

  it("plans one create per record in a dry run and writes no file", async () => {
    const report = await runFixture(exportFlow({ format: "csv", fileName: "p.csv" }), { services, run: { mode: "dry-run" } });
    expect(report.status).toBe("succeeded");
    expect(report.planned?.export).toHaveLength(5);
    expect(report.planned?.export?.[0]).toEqual({ op: "create", key: "p.csv #1", after: products[0] });
    expect(report.planned?.export?.[4]?.key).toBe("p.csv #5");
    expect(opened).toEqual([]);
    expect(services.artifactFiles.size).toBe(0);
  });

  it("writes no file when no records reach it", async () => {
    const uploadId = services.addUpload("");
    const flow = fixtureFlow(exportFeed, (doc) => configure(doc, "products", { location: { type: "upload", uploadId, fileName: "empty.ndjson" } }));
    const report = await runFixture(flow, { services });
    expect(report.status).toBe("succeeded");
    expect(opened).toEqual([]);
    expect(report.logs).toContainEqual(expect.objectContaining({ nodeId: "export", message: "No records reached this step, so no file was written." }));
  });

  it("drops the half-written file when the run is cancelled", async () => {
    const controller = new AbortController();
    const flow = exportFlow({ format: "csv", fileName: "p.csv" });
    const report = await runFixture(flow, {
      services,
      signal: controller.signal,
      // Cancelled after the first batch was written.
      checkpoint: { save: async () => controller.abort() },
    });
    expect(report.status).toBe("cancelled");
    expect(opened).toEqual([expect.objectContaining({ name: "p.csv", state: "aborted" })]);
    expect(services.artifactFiles.size).toBe(0);
  });

  it("drops the half-written file when a later node fails the run", async () => {
    const flow = exportFlow({ format: "csv", fileName: "p.csv" }, (doc) => {
      doc.nodes.push({ id: "shop", kind: "destination.recorder", kindVersion: 1, label: "Shop", position: { x: 400, y: 200 }, config: { fail: true } });
      doc.edges.push({ id: "e3", source: "products", target: "shop" });
    });
    const report = await runFixture(flow, { services });
    expect(report.status).toBe("failed");
    expect(report.error).toMatchObject({ nodeId: "shop", message: expect.stringContaining("the shop is not answering") });
    // The first batch reached the file before the shop failed on it.
    expect(report.nodes["export"]!.in).toBe(2);
    expect(opened).toEqual([expect.objectContaining({ name: "p.csv", state: "aborted" })]);
    expect(services.artifactFiles.size).toBe(0);
  });

  it("refuses an unknown placeholder or a folder in the file name at save time", () => {
    expect(() => exportFlow({ format: "csv", fileName: "p-{day}.csv" })).toThrow(/placeholder “\{day\}”/);
    expect(() => exportFlow({ format: "csv", fileName: "../p.csv" })).toThrow(/without folders/);
  });
});
