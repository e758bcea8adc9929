import { kindRegistry } from "@flowgate/nodes/definitions";
import { installWorkerSchema, postgresConnectionParts, startTestWorker, startWebhookReceiver, type TestWorker, type WebhookReceiver } from "@flowgate/runtime/testing";
import { createWebhookIntake, type WebhookIntake } from "@flowgate/runtime/webhooks";
import {
  createShopProductsTable,
  generateProducts,
  merchantFeedXml,
  polishProductsCsv,
  seedShopProducts,
  startShopApi,
  startSupplierApi,
  type ShopApi,
  type SupplierApi,
} from "@flowgate/testkit";
import { readdir, readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestUser } from "./testing";

/**
 * Acceptance 2 of issue 8: each built-in template is installed with real connections to the test kit
 * (its supplier API, its shop API, the shop tables in this test's database, files served on
 * loopback), published, and RUN on a real worker; the test reads what reached the destination.
 */

let api: Awaited<ReturnType<typeof createTestApi>>;
let worker: TestWorker;
let intake: WebhookIntake;
let supplier: SupplierApi;
let shopApi: ShopApi;
let fulfilment: WebhookReceiver;
let files: { url: string; server: Server };
let ana: TestUser;
const ids: Record<"supplier" | "shopDb" | "shopApi" | "fulfilment", string> = { supplier: "", shopDb: "", shopApi: "", fulfilment: "" };

/** The test kit's files on loopback, as a supplier's web server would publish them. */
async function serveFiles(): Promise<{ url: string; server: Server }> {
  const bodies: Record<string, { type: string; body: Buffer }> = {
    "/prices.csv": { type: "text/csv; charset=windows-1250", body: polishProductsCsv().bytes },
    "/feed.xml": { type: "application/xml", body: Buffer.from(merchantFeedXml().text) },
  };
  const server = createServer((req, res) => {
    const file = bodies[new URL(req.url ?? "/", "http://x").pathname];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": file.type }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

beforeAll(async () => {
  api = await createTestApi({ registry: kindRegistry });
  await installWorkerSchema(api.database.pool);
  await createShopProductsTable(api.database.pool);
  [supplier, shopApi, fulfilment, files] = await Promise.all([startSupplierApi({ count: 20, seed: 81 }), startShopApi(), startWebhookReceiver(), serveFiles()]);
  ana = await api.signUp("Ana");
  const shopParts = postgresConnectionParts(api.database.connectionString);
  ids.supplier = (await ana.caller.connections.create({ kind: "http", name: "Supplier", settings: { baseUrl: supplier.url } })).id;
  ids.shopDb = (await ana.caller.connections.create({ kind: "postgres", name: "Shop DB", settings: shopParts.settings, secret: shopParts.secret })).id;
  ids.shopApi = (await ana.caller.connections.create({ kind: "http", name: "Shop API", settings: { baseUrl: shopApi.url } })).id;
  ids.fulfilment = (await ana.caller.connections.create({ kind: "http", name: "Fulfilment", settings: { baseUrl: new URL(fulfilment.url).origin } })).id;
  intake = createWebhookIntake({ db: api.database.db, secrets: api.deps.secrets });
  worker = await startTestWorker({ db: api.database.db, pool: api.database.pool, secrets: api.deps.secrets });
});

afterAll(async () => {
  await worker?.stop();
  await Promise.all([supplier?.close(), shopApi?.close(), fulfilment?.close(), new Promise((resolve) => files?.server.close(resolve))]);
  await api?.dispose();
});

/** Installs the template, checks it arrived disabled with nothing left to fix, and publishes it. */
async function install(templateId: string, connections: Record<string, string>, parameters: Record<string, string | number> = {}) {
  const { flowId, problems } = await ana.caller.templates.install({ templateId, connections, parameters });
  expect(problems).toEqual([]);
  expect(await ana.caller.flows.get({ flowId })).toMatchObject({ enabled: false, activeVersionId: null });
  await ana.caller.flows.publish({ flowId });
  return flowId;
}

async function waitForStatus(runId: string, statuses: string[]) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const run = await ana.caller.runs.get({ runId });
    if (statuses.includes(run.status)) return run;
    if (["failed", "cancelled"].includes(run.status)) throw new Error(`run ${runId} ${run.status}: ${run.error?.message}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${runId} did not reach ${statuses.join(" or ")}`);
}

const FINISHED = ["succeeded", "succeeded_with_errors"];
const run = async (flowId: string, until = FINISHED) => waitForStatus((await ana.caller.runs.start({ flowId })).runId, until);
const rows = async (sql: string) => (await api.database.pool.query(sql)).rows;

describe("built-in templates, installed and run against the test kit", () => {
  it("1. supplier API → shop database: syncs stock and prices, holding a price change over 10 % for approval", async () => {
    const flowId = await install("builtin.supplier-stock-prices", { supplier: ids.supplier, shop: ids.shopDb });
    const first = await run(flowId);
    expect(first.counts).toMatchObject({ read: 20, written: 20, errors: 0 });
    const shop = "select sku, price::float8 as price, stock from shop.products order by sku";
    expect(await rows(shop)).toEqual(supplier.products.map((p) => ({ sku: p.sku, price: p.price, stock: p.stock })));

    const [small, big] = supplier.products;
    const before = { small: small!.price, big: big!.price };
    supplier.setPrices({ [small!.sku]: Math.round(before.small * 105) / 100, [big!.sku]: Math.round(before.big * 150) / 100 });
    const second = await run(flowId, ["awaiting_approval"]);
    const prices = async () => Object.fromEntries((await rows(shop)).map((r: { sku: string; price: number }) => [r.sku, r.price]));
    // The 5 % change went through; the 50 % one waits for a person.
    expect(await prices()).toMatchObject({ [small!.sku]: Math.round(before.small * 105) / 100, [big!.sku]: before.big });
    const { items } = await ana.caller.approvals.list({ status: "pending" });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ runId: second.id });
    await ana.caller.approvals.decide({ changeSetId: items[0]!.id, decision: "approve", filter: {} });
    const deadline = Date.now() + 30_000;
    while ((await prices())[big!.sku] !== Math.round(before.big * 150) / 100 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect((await prices())[big!.sku]).toBe(Math.round(before.big * 150) / 100);
  });

  it("2. CSV price list by URL (windows-1250, decimal commas) → shop database", async () => {
    const table = await createShopProductsTable(api.database.pool, { schema: "pricelist" });
    const flowId = await install("builtin.csv-price-list", { shop: ids.shopDb }, { url: `${files.url}/prices.csv`, table });
    expect((await run(flowId)).counts).toMatchObject({ read: 4, written: 4, errors: 0 });
    expect(await rows(`select sku, name, price::float8 as price, stock from ${table} order by sku`)).toEqual([
      { sku: "PL-001", name: "Żółć ogrodowa", price: 12.5, stock: 7 },
      { sku: "PL-002", name: "Łyżka drewniana", price: 1234.56, stock: 120 },
      { sku: "PL-003", name: "Gęś pluszowa; duża", price: -0.5, stock: 0 },
      { sku: "PL-004", name: 'Źdźbło "premium"', price: 99, stock: 3 },
    ]);
  });

  it("3. webhook orders → fulfilment API, as they arrive", async () => {
    const flowId = await install("builtin.webhook-orders", { fulfilment: ids.fulfilment });
    await ana.caller.flows.setEnabled({ flowId, enabled: true });
    const { url } = await ana.caller.webhooks.get({ flowId });
    const orders = [
      { id: "ORD-1", customer: { email: "ola@example.test", name: "Ola" }, items: [{ sku: "SKU-1", qty: 2 }], total: "25.00", note: "leave at door" },
      { id: "ORD-2", customer: { email: "jan@example.test" }, items: [{ sku: "SKU-2", qty: 1 }, { sku: "SKU-3", qty: 4 }], total: 99.5 },
    ];
    const token = new URL(url).pathname.split("/").pop()!;
    const response = await intake.handle(new Request(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(orders) }), token);
    expect(response.status).toBe(202);
    const { runId } = (await response.json()) as { runId: string };
    expect((await waitForStatus(runId, FINISHED)).counts).toMatchObject({ read: 2, written: 2, errors: 0 });
    expect(fulfilment.received.map((r) => r.body)).toEqual([
      { order_id: "ORD-1", email: "ola@example.test", lines: [{ sku: "SKU-1", qty: 2 }], total: 25 },
      { order_id: "ORD-2", email: "jan@example.test", lines: [{ sku: "SKU-2", qty: 1 }, { sku: "SKU-3", qty: 4 }], total: 99.5 },
    ]);
  });

  it("4. shop database, changed products → a marketplace API", async () => {
    const table = await createShopProductsTable(api.database.pool, { schema: "market" });
    const products = generateProducts(5, 84);
    await seedShopProducts(api.database.pool, products, { schema: "market" });
    shopApi.reset();
    const flowId = await install("builtin.shop-to-marketplace", { shop: ids.shopDb, marketplace: ids.shopApi }, { table });
    expect((await run(flowId)).counts).toMatchObject({ read: 5, written: 5, errors: 0 });
    expect([...shopApi.state.values()].sort((a, b) => a.sku.localeCompare(b.sku))).toEqual(
      products.map((p) => ({ sku: p.sku, title: p.name, price: p.price, quantity: p.stock })),
    );
    expect(shopApi.writes.map((w) => w.method)).toEqual(Array(5).fill("PUT"));

    // Only what changed since the last run goes the next time.
    await api.database.pool.query(`update ${table} set price = 1.25, updated_at = now() + interval '1 minute' where sku = $1`, [products[2]!.sku]);
    expect((await run(flowId)).counts).toMatchObject({ read: 1, written: 1 });
    expect(shopApi.state.get(products[2]!.sku)).toMatchObject({ price: 1.25 });
  });

  it("5. XML product feed (Google Merchant) → a JSON API", async () => {
    shopApi.reset();
    const flowId = await install("builtin.merchant-feed", { api: ids.shopApi }, { feedUrl: `${files.url}/feed.xml` });
    expect((await run(flowId)).counts).toMatchObject({ read: 2, written: 2, errors: 0 });
    expect(Object.fromEntries(shopApi.state)).toEqual({
      "SKU-1": { sku: "SKU-1", title: 'Kubek <ceramiczny> "Łódź"', price: 12.5, available: true },
      "SKU-2": { sku: "SKU-2", title: "Czajnik", price: 149, available: false },
    });
  });

  it("6. PostgreSQL table → CSV file", async () => {
    const table = await createShopProductsTable(api.database.pool, { schema: "export" });
    const products = generateProducts(3, 86);
    await seedShopProducts(api.database.pool, products, { schema: "export" });
    const flowId = await install("builtin.table-to-csv", { database: ids.shopDb }, { table, fileName: "nightly-{date}.csv", delimiter: ";" });
    const done = await run(flowId);
    expect(done.counts).toMatchObject({ read: 3, errors: 0 });
    // The worker keeps a run's files under <data dir>/artifacts/<run id>/.
    const dataDirs = (await readdir(tmpdir())).filter((name) => name.startsWith("flowgate-runtime-")).map((name) => path.join(tmpdir(), name, "artifacts", done.id));
    const found = (await Promise.all(dataDirs.map((dir) => readdir(dir).then((names) => names.map((n) => path.join(dir, n)), () => [])))).flat();
    expect(found).toHaveLength(1);
    const lines = (await readFile(found[0]!, "utf8")).trim().split(/\r?\n/);
    expect(lines[0]).toBe("sku;name;price;stock;updated_at");
    expect(lines.slice(1).map((line) => line.split(";").slice(0, 2))).toEqual(products.map((p) => [p.sku, p.name]));
  });
});
