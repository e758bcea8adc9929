import { connections, flowSchedules, flows, runs } from "@flowgate/db";
import { kindRegistry } from "@flowgate/nodes/definitions";
import { installWorkerSchema, startTestWorker, waitFor, type TestWorker } from "@flowgate/runtime/testing";
import { startSupplierApi, type SupplierApi } from "@flowgate/testkit";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "./root";
import { DEMO_EMAIL, DEMO_FLOW_NAME, seedDemo, seedDemoFlow } from "./seed";
import { createTestApi, TEST_SECRET } from "./testing";
import { createTRPCContext } from "./trpc";

const PRODUCTS = 5000;
const PASSWORD = "demo password 123";

let api: Awaited<ReturnType<typeof createTestApi>>;
let supplier: SupplierApi;
let worker: TestWorker;

beforeAll(async () => {
  api = await createTestApi({ registry: kindRegistry });
  await installWorkerSchema(api.database.pool);
  supplier = await startSupplierApi({ count: PRODUCTS, seed: 2024, maxPageSize: 1000 });
});
afterAll(async () => {
  await worker?.stop();
  await supplier?.close();
  await api?.dispose();
});

const deps = () => ({ db: api.database.db, secret: TEST_SECRET });
const systems = () => ({ supplierUrl: supplier.url, shopDatabaseUrl: api.database.connectionString });

async function demoCaller() {
  const signedIn = await api.auth.api.signInEmail({ body: { email: DEMO_EMAIL, password: PASSWORD }, returnHeaders: true });
  const cookie = signedIn.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return createCaller(createTRPCContext({ headers: new Headers({ cookie }) }, api.deps));
}

async function finishedRun(caller: Awaited<ReturnType<typeof demoCaller>>, runId: string) {
  for (let i = 0; i < 300; i++) {
    const run = await caller.runs.get({ runId });
    if (run.finishedAt) return run;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run ${runId} did not finish in 30 s`);
}

const shopCount = async () => Number((await api.database.pool.query("select count(*) from shop.products")).rows[0].count);

describe("the demo npm start seeds", () => {
  it("adds nothing to an install without the demo admin", async () => {
    expect(await seedDemoFlow(deps(), systems())).toEqual({ seeded: null, repointed: [] });
    expect(await api.database.db.select().from(flows)).toEqual([]);
  });

  it("gives the demo workspace a published, enabled flow every 5 minutes with its first run queued, which fills the shop", async () => {
    expect(await seedDemo({ db: api.database.db, auth: api.auth, secret: TEST_SECRET }, PASSWORD)).toMatchObject({ email: DEMO_EMAIL });
    const before = Date.now();
    const { seeded } = await seedDemoFlow(deps(), systems());
    expect(seeded).not.toBeNull();
    const caller = await demoCaller();

    const flow = await caller.flows.get({ flowId: seeded!.flowId });
    expect(flow).toMatchObject({ name: DEMO_FLOW_NAME, enabled: true, activeVersionNumber: 1, hasUnpublishedChanges: false, problems: [] });
    const [schedule] = await api.database.db.select().from(flowSchedules).where(eq(flowSchedules.flowId, seeded!.flowId));
    expect(schedule!.nextRunAt.getTime()).toBeGreaterThan(before);
    expect(schedule!.nextRunAt.getTime()).toBeLessThanOrEqual(before + 5 * 60_000);
    const names = (await caller.connections.list()).map((c) => c.name).sort();
    expect(names).toEqual(["Demo shop database", "Demo supplier API"]);

    const { items } = await caller.runs.list({ flowId: seeded!.flowId });
    expect(items.map((r) => [r.id, r.status])).toEqual([[seeded!.runId, "queued"]]);

    worker = await startTestWorker({ db: api.database.db, pool: api.database.pool, secrets: api.deps.secrets });
    const first = await finishedRun(caller, seeded!.runId);
    expect(first).toMatchObject({ status: "succeeded", counts: { read: PRODUCTS, written: PRODUCTS, errors: 0 } });
    expect(await shopCount()).toBe(PRODUCTS);
    const sample = supplier.products[41]!;
    const [row] = (await api.database.pool.query("select price::float8 as price, stock from shop.products where sku = $1", [sample.sku])).rows;
    expect(row).toEqual({ price: Math.round(sample.price * 125) / 100, stock: sample.stock });

    // The supplier changes a few percent; the next run reads everything and writes only those whose
    // price moved less than 10 %; the bigger moves wait in a change set for an admin.
    const pricesBefore = new Map(supplier.products.map((p) => [p.sku, p.price]));
    const changed = supplier.changePercent(2);
    const small = changed.filter((sku) => {
      const before = pricesBefore.get(sku)!;
      return Math.abs(supplier.products.find((p) => p.sku === sku)!.price - before) / before < 0.1;
    });
    expect(small.length).toBeGreaterThan(0);
    expect(small.length).toBeLessThan(changed.length);
    const { runId } = await caller.runs.start({ flowId: seeded!.flowId });
    await waitFor("the run to wait for approval", async () => ((await caller.runs.get({ runId })).status === "awaiting_approval" ? true : undefined), 60_000);
    expect((await caller.runs.get({ runId })).counts).toMatchObject({ read: PRODUCTS, written: small.length });
    const [after] = (await api.database.pool.query("select stock from shop.products where sku = $1", [small[0]])).rows;
    expect(after.stock).toBe(supplier.products.find((p) => p.sku === small[0])!.stock);
    const { items: waiting } = await caller.approvals.list({});
    expect(waiting.map((c) => [c.runId, c.counts.pending])).toEqual([[runId, changed.length - small.length]]);
  });

  it("adds the flow once: a later start only points the demo connections at this start's supplier", async () => {
    const [demoFlow] = await api.database.db.select().from(flows).where(eq(flows.name, DEMO_FLOW_NAME));
    const runsBefore = (await api.database.db.select().from(runs)).length;
    expect(await seedDemoFlow(deps(), systems())).toEqual({ seeded: null, repointed: [] });

    const movedUrl = "http://127.0.0.1:4999";
    const outcome = await seedDemoFlow(deps(), { ...systems(), supplierUrl: movedUrl });
    expect(outcome).toEqual({ seeded: null, repointed: [{ name: "Demo supplier API", address: movedUrl }] });
    const [supplierConnection] = await api.database.db.select().from(connections).where(eq(connections.name, "Demo supplier API"));
    expect(supplierConnection!.settings).toMatchObject({ baseUrl: movedUrl, auth: { type: "none" } });
    await seedDemoFlow(deps(), systems());

    expect((await api.database.db.select().from(flows).where(eq(flows.name, DEMO_FLOW_NAME))).map((f) => f.id)).toEqual([demoFlow!.id]);
    expect((await api.database.db.select().from(runs)).length).toBe(runsBefore);
  });

  it("does not bring back a demo flow the user deleted", async () => {
    const caller = await demoCaller();
    const [demoFlow] = await api.database.db.select().from(flows).where(eq(flows.name, DEMO_FLOW_NAME));
    await caller.flows.delete({ flowId: demoFlow!.id });
    expect((await seedDemoFlow(deps(), systems())).seeded).toBeNull();
    expect(await api.database.db.select().from(flows).where(eq(flows.name, DEMO_FLOW_NAME))).toEqual([]);
  });
});
