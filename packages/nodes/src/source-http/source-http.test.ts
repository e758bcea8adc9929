import type { Checkpoint } from "@flowgate/engine";
import type { Flow, FlowInput } from "@flowgate/flow";
import { startSupplierApi, type FakeAuth, type SupplierApi } from "@flowgate/testkit";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { configure, createRecorder, fixtureFlow, runFixture, type FixtureRunOptions, type Recorder } from "../testing/fixtures";
import { createTestServices, type TestServices } from "../testing/services";
import { HttpSourceConfigSchema } from "./definition";
import supplierCsvDump from "./fixtures/supplier-csv-dump.json";
import supplierPages from "./fixtures/supplier-pages.json";

const fixtures = { "supplier-pages": supplierPages, "supplier-csv-dump": supplierCsvDump };

const COUNT = 250;
let supplier: SupplierApi;
let services: TestServices | undefined;
const servers: SupplierApi[] = [];

beforeAll(async () => {
  supplier = await startSupplierApi({ count: COUNT });
});
afterEach(async () => {
  supplier.setFault(null);
  supplier.requests.clear();
  await services?.close();
  services = undefined;
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await supplier.close();
});

/** The fixture flow with the source's config changed; a connection "supplier-api" points at `api`. */
function pagesFlow(config: Record<string, unknown>, change?: (flow: FlowInput) => void, fixture: keyof typeof fixtures = "supplier-pages") {
  const flow = fixtureFlow(fixtures[fixture], (doc) => {
    configure(doc, "supplier", config);
    change?.(doc);
  });
  return { flow, sink: createRecorder() };
}

function connect(api: SupplierApi, auth: Record<string, unknown> = {}, secret: Record<string, unknown> | null = null) {
  services = createTestServices();
  services.addConnection({ id: "supplier-api", kind: "http", name: "Supplier", settings: { baseUrl: api.url, ...auth }, secret });
  return services;
}

async function run(flow: Flow, sink: Recorder, options: FixtureRunOptions = {}) {
  return runFixture(flow, { services, recorder: sink, ...options });
}

/** Runs until the checkpoint after batch `stopAfter` (from 0), cancels there, and returns that checkpoint as a resume point. */
async function runUntil(flow: Flow, sink: Recorder, stopAfter: number) {
  const controller = new AbortController();
  let saved: Checkpoint | undefined;
  const report = await run(flow, sink, {
    signal: controller.signal,
    checkpoint: {
      async save(checkpoint) {
        saved = structuredClone(checkpoint);
        if (checkpoint.batchIndex === stopAfter) controller.abort();
      },
    },
  });
  return { report, saved: saved!, resumeFrom: { cursor: saved!.cursor, batchIndex: saved!.batchIndex, counts: saved!.counts } };
}

const allSkus = () => supplier.products.map((p) => p.sku);
const skusOf = (records: Record<string, unknown>[]) => records.map((r) => r.sku);

describe("source.http: pagination", () => {
  const modes: [string, Record<string, unknown>][] = [
    ["page", { url: "/products", recordsPath: "data", pagination: { mode: "page", pageSize: 40 } }],
    ["offset", { url: "/products/offset", recordsPath: "data", pagination: { mode: "offset", pageSize: 40 } }],
    ["cursor", { url: "/products/cursor", recordsPath: "data", pagination: { mode: "cursor", pageSize: 40, cursorPath: "next_cursor", cursorParam: "cursor" } }],
    ["link", { url: "/products/link", recordsPath: "", pagination: { mode: "link", pageSize: 40, pageSizeParam: "per_page" } }],
    ["next-url", { url: "/products/next-url", query: { envelope: "nested" }, recordsPath: "result.items", pagination: { mode: "next-url", pageSize: 40, nextUrlPath: "next" } }],
  ];

  it.each(modes)("%s pagination reads every product exactly once, in batches of the flow's size", async (_mode, config) => {
    connect(supplier);
    const { flow, sink } = pagesFlow(config);
    const report = await run(flow, sink);
    expect(report.error).toBeUndefined();
    expect(report.status).toBe("succeeded");
    expect(skusOf(sink.records)).toEqual(allSkus());
    // Pages of 40 re-cut into the flow's batches of 100.
    expect(sink.receivedBatches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(sink.records[0]).toEqual(supplier.products[0]);
    expect(report.cursor).toEqual({ done: true });
  });

  it("stops at the page limit and says so", async () => {
    connect(supplier);
    const logs: string[] = [];
    const { flow, sink } = pagesFlow({ pagination: { mode: "page", pageSize: 40, maxPages: 2 } });
    const report = await run(flow, sink, { log: (entry) => logs.push(entry.message) });
    expect(report.status).toBe("succeeded");
    expect(sink.records).toHaveLength(80);
    expect(supplier.requests.count).toBe(2);
    expect(logs.join("\n")).toMatch(/Stopped after 2 pages/);
  });

  it("resumes from a checkpoint at the next page, without asking for the pages already read", async () => {
    connect(supplier);
    const { flow, sink } = pagesFlow({ pagination: { mode: "page", pageSize: 40 } }, (doc) => (doc.settings = { batchSize: 40 }));
    const { report: first, saved, resumeFrom } = await runUntil(flow, sink, 1);
    expect(first.status).toBe("cancelled");
    expect(sink.records).toHaveLength(80);
    expect(saved.cursor).toMatchObject({ next: { pages: 2, records: 80 }, skip: 0 });

    supplier.requests.clear();
    const resumed = await run(flow, sink, { resumeFrom });
    expect(resumed.status).toBe("succeeded");
    expect(supplier.requests.log[0]!.query.page).toBe("3");
    expect(skusOf(sink.records)).toEqual(allSkus());
    expect(resumed.recordsRead).toBe(COUNT);
  });

  it("resumes in the middle of a page by asking for it again and skipping what was already read", async () => {
    connect(supplier);
    const { flow, sink } = pagesFlow({ url: "/products/cursor", pagination: { mode: "cursor", pageSize: 40 } }, (doc) => (doc.settings = { batchSize: 30 }));
    const { saved, resumeFrom } = await runUntil(flow, sink, 2);
    expect(sink.records).toHaveLength(90);
    // 90 records = two pages of 40 and 10 of the third.
    expect(saved.cursor).toMatchObject({ next: { pages: 2, records: 80 }, skip: 10 });
    const resumed = await run(flow, sink, { resumeFrom });
    expect(resumed.status).toBe("succeeded");
    expect(skusOf(sink.records)).toEqual(allSkus());
  });

  it("reads only the dry run's sample and stops asking for pages", async () => {
    connect(supplier);
    const { flow, sink } = pagesFlow({ pagination: { mode: "page", pageSize: 40 } });
    const report = await run(flow, sink, { run: { mode: "dry-run" }, dryRunLimit: 50 });
    expect(report.recordsRead).toBe(50);
    expect(supplier.requests.count).toBe(2);
  });
});

describe("source.http: authentication from the connection", () => {
  const cases: [string, FakeAuth, Record<string, unknown>, Record<string, unknown>][] = [
    ["bearer", { type: "bearer", token: "t-123" }, { auth: { type: "bearer" } }, { token: "t-123" }],
    ["basic", { type: "basic", username: "shop", password: "pa:ss" }, { auth: { type: "basic", username: "shop" } }, { password: "pa:ss" }],
    ["api key in a header", { type: "api-key", in: "header", name: "X-Api-Key", value: "k-1" }, { auth: { type: "api-key", in: "header", name: "X-Api-Key" } }, { apiKey: "k-1" }],
    ["api key in the query", { type: "api-key", in: "query", name: "api_key", value: "k-2" }, { auth: { type: "api-key", in: "query", name: "api_key" } }, { apiKey: "k-2" }],
  ];

  it.each(cases)("%s", async (_name, auth, settings, secret) => {
    const api = await startSupplierApi({ count: 90, auth });
    servers.push(api);
    connect(api, settings, secret);
    const { flow, sink } = pagesFlow({ pagination: { mode: "page", pageSize: 40 } });
    const report = await run(flow, sink);
    expect(report.error).toBeUndefined();
    expect(sink.records).toHaveLength(90);
  });

  it("OAuth2 client credentials: one token for many pages", async () => {
    const api = await startSupplierApi({ count: 200, auth: { type: "oauth2", clientId: "flowgate", clientSecret: "s3cret" } });
    servers.push(api);
    connect(api, { auth: { type: "oauth2", tokenUrl: `${api.url}/oauth/token`, clientId: "flowgate" } }, { clientSecret: "s3cret" });
    const { flow, sink } = pagesFlow({ pagination: { mode: "page", pageSize: 20 } });
    const report = await run(flow, sink);
    expect(report.error).toBeUndefined();
    expect(sink.records).toHaveLength(200);
    expect(api.requests.countFor("/products")).toBeGreaterThanOrEqual(10);
    expect(api.tokenRequests).toBe(1);
  });

  it("wrong credentials fail the run with a 401 that points at the connection", async () => {
    const api = await startSupplierApi({ count: 10, auth: { type: "bearer", token: "right" } });
    servers.push(api);
    connect(api, { auth: { type: "bearer" } }, { token: "wrong" });
    const { flow, sink } = pagesFlow({});
    const report = await run(flow, sink);
    expect(report.status).toBe("failed");
    expect(report.error!.message).toMatch(/answered 401.*credentials/);
    expect(report.error!.nodeId).toBe("supplier");
  });
});

describe("source.http: faults", () => {
  it("retries a 500 and goes on with the success that follows", async () => {
    connect(supplier);
    supplier.setFault({ kind: "status", status: 500, times: 2 });
    const { flow, sink } = pagesFlow({});
    const report = await run(flow, sink);
    expect(report.status).toBe("succeeded");
    expect(skusOf(sink.records)).toEqual(allSkus());
    expect(supplier.faultHits).toBe(2);
  });

  it("waits as long as a 429's Retry-After asks", async () => {
    connect(supplier);
    supplier.setFault({ kind: "retry-after", status: 429, retryAfter: 1, times: 1, after: 1 });
    const { flow, sink } = pagesFlow({});
    const started = performance.now();
    const report = await run(flow, sink);
    expect(report.status).toBe("succeeded");
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(sink.records).toHaveLength(COUNT);
  });

  it("an API dead after its retries fails the run, naming the URL (secrets hidden) and the status", async () => {
    const api = await startSupplierApi({ count: 10, auth: { type: "api-key", in: "query", name: "api_key", value: "very-secret" } });
    servers.push(api);
    connect(api, { auth: { type: "api-key", in: "query", name: "api_key" } }, { apiKey: "very-secret" });
    api.setFault({ kind: "status", status: 503 });
    const { flow, sink } = pagesFlow({ retries: 2 });
    const report = await run(flow, sink);
    expect(report.status).toBe("failed");
    const message = report.error!.message;
    expect(message).toContain(`${api.url}/products?`);
    expect(message).toMatch(/answered 503.*after 3 attempts/);
    expect(message).toContain("api_key=***");
    expect(message).not.toContain("very-secret");
    expect(api.faultHits).toBe(3);
  });

  it("malformed JSON fails with a clear error", async () => {
    connect(supplier);
    supplier.setFault({ kind: "malformed-json", after: 1, times: 1 });
    const { flow, sink } = pagesFlow({});
    const report = await run(flow, sink);
    expect(report.status).toBe("failed");
    expect(report.error!.message).toMatch(/products\?.*could not read: the body is not valid JSON/);
  });

  it("truncated JSON fails saying the response looks cut off", async () => {
    connect(supplier);
    supplier.setFault({ kind: "truncated-json", times: 1 });
    const { flow, sink } = pagesFlow({});
    const report = await run(flow, sink);
    expect(report.status).toBe("failed");
    expect(report.error!.message).toMatch(/ends too early.*cut off/);
  });

  it("a truncated unpaginated JSON document, read as a stream, names where it ends", async () => {
    connect(supplier);
    supplier.setFault({ kind: "truncated-json", times: 1 });
    const { flow, sink } = pagesFlow({ url: "/products?per_page=1000", pagination: { mode: "none" } });
    const report = await run(flow, sink);
    expect(report.status).toBe("failed");
    expect(report.error!.message).toMatch(/could not read as JSON: The JSON ends too early, at line 1/);
  });
});

describe("source.http: streamed formats", () => {
  it("reads a CSV export as it streams in (the fixture flow)", async () => {
    const big = await startSupplierApi({ count: 5000 });
    servers.push(big);
    connect(big);
    const { flow, sink } = pagesFlow({}, undefined, "supplier-csv-dump");
    const report = await run(flow, sink);
    expect(report.error).toBeUndefined();
    expect(sink.records).toHaveLength(5000);
    expect(sink.receivedBatches.every((b) => b.length === 100)).toBe(true);
    const first = big.products[0]!;
    expect(sink.records[0]).toEqual({ sku: first.sku, name: first.name, price: String(first.price), stock: String(first.stock), updated_at: first.updated_at });
  });

  it("reads NDJSON and XML", async () => {
    connect(supplier);
    let { flow, sink } = pagesFlow({ url: "/products.ndjson", format: "ndjson", recordsPath: undefined, pagination: { mode: "none" } });
    let report = await run(flow, sink);
    expect(report.error).toBeUndefined();
    expect(sink.records).toEqual(supplier.products);

    ({ flow, sink } = pagesFlow({ url: "/products.xml", format: "xml", recordsPath: "products.product", pagination: { mode: "none" } }));
    report = await run(flow, sink);
    expect(report.error).toBeUndefined();
    expect(skusOf(sink.records)).toEqual(allSkus());
    expect(sink.records[0]!.price).toBe(String(supplier.products[0]!.price));
  });

  it("resumes a streamed export after the records already read", async () => {
    connect(supplier);
    const { flow, sink } = pagesFlow({ url: "/products.ndjson", format: "ndjson", pagination: { mode: "none" } });
    const { saved, resumeFrom } = await runUntil(flow, sink, 0);
    expect(saved.cursor).toMatchObject({ skip: 100 });
    await run(flow, sink, { resumeFrom });
    expect(skusOf(sink.records)).toEqual(allSkus());
  });

  it("a truncated NDJSON export names the line that is cut off", async () => {
    const big = await startSupplierApi({ count: 3000 });
    servers.push(big);
    connect(big);
    big.setFault({ kind: "truncated-json" });
    const { flow, sink } = pagesFlow({ url: "/products.ndjson", format: "ndjson", pagination: { mode: "none" } });
    const report = await run(flow, sink);
    expect(report.status).toBe("failed");
    expect(report.error!.message).toMatch(/products\.ndjson sent a response Flowgate could not read as NDJSON: Line \d+ is not valid JSON/);
  });
});

describe("source.http: POST requests", () => {
  it("sends the body with every page request and pages until an empty page", async () => {
    const seen: { page: string | null; body: string; contentType: string | undefined }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        const page = new URL(req.url!, "http://x").searchParams.get("page");
        seen.push({ page, body, contentType: req.headers["content-type"] });
        const start = (Number(page) - 1) * 3;
        const items = Array.from({ length: Math.max(0, Math.min(3, 7 - start)) }, (_, i) => ({ sku: `P-${start + i + 1}` }));
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ hits: items }));
      });
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    try {
      services = createTestServices();
      const { port } = server.address() as AddressInfo;
      const { flow, sink } = pagesFlow({
        connectionId: undefined,
        url: `http://127.0.0.1:${port}/search`,
        method: "POST",
        body: '{"query":"chairs"}',
        recordsPath: "hits",
        pagination: { mode: "page" },
      });
      const report = await run(flow, sink);
      expect(report.error).toBeUndefined();
      expect(skusOf(sink.records)).toEqual(["P-1", "P-2", "P-3", "P-4", "P-5", "P-6", "P-7"]);
      expect(seen.map((r) => r.page)).toEqual(["1", "2", "3", "4"]);
      expect(seen.every((r) => r.body === '{"query":"chairs"}' && r.contentType === "application/json")).toBe(true);
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  });
});

describe("source.http: settings", () => {
  it("refuses cursor pagination of a CSV response at save time", () => {
    const result = HttpSourceConfigSchema.safeParse({ url: "/x", format: "csv", pagination: { mode: "cursor" } });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(["pagination", "mode"]);
    expect(result.error!.issues[0]!.message).toMatch(/JSON body/);
  });

  it("fills in defaults", () => {
    expect(HttpSourceConfigSchema.parse({ url: "/products" })).toMatchObject({
      method: "GET",
      format: "json",
      pagination: { mode: "none", maxPages: 1000 },
      timeoutSeconds: 30,
      retries: 3,
    });
  });

  it("a relative URL without a connection is a clear error", async () => {
    services = createTestServices();
    const { flow, sink } = pagesFlow({ connectionId: undefined });
    const report = await run(flow, sink);
    expect(report.status).toBe("failed");
    expect(report.error!.message).toMatch(/is not a full address.*choose a connection/);
  });
});
