import { signIn, trpc } from "./api";
import { createDatabase } from "@flowgate/db";
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { descendantsOf, embeddedDatabaseUrl, freePort, isRunning, newDataDir, removeDataDir, startProduct, stopStartedProducts, type Product } from "./product";

const dataDir = newDataDir();
afterAll(async () => {
  await stopStartedProducts();
  await removeDataDir(dataDir);
});

function processesUsing(dir: string): string[] {
  try {
    return execFileSync("pgrep", ["-af", dir], { encoding: "utf8" })
      .split("\n")
      .filter((line) => line.trim() && !line.includes("pgrep"));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/**
 * A published, enabled webhook flow answers on the real Next.js route (/api/hooks/<token>) with 202
 * and its run id, and the product's worker runs it with the posted records.
 */
async function webhookReachesTheWorker(url: string, cookie: string) {
  const shop = ((await trpc(url, cookie, "connections.list")) as { id: string; kind: string }[]).find((c) => c.kind === "postgres")!;
  const { id: flowId } = (await trpc(url, cookie, "flows.create", { name: "Products by webhook" }, "POST")) as { id: string };
  const node = (id: string, kind: string, x: number, config: Record<string, unknown>) => ({ id, kind, kindVersion: 1, label: id, position: { x, y: 0 }, config });
  const document = {
    schemaVersion: 1,
    nodes: [node("hook", "trigger.webhook", 0, {}), node("shop", "destination.postgres", 260, { connectionId: shop.id, table: "shop.products", keyColumns: ["sku"] })],
    edges: [{ id: "e1", source: "hook", sourcePort: "out", target: "shop", targetPort: "in" }],
    settings: { batchSize: 100, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "fail" },
  };
  await trpc(url, cookie, "flows.saveDraft", { flowId, document, baseRevision: 0 }, "POST");
  await trpc(url, cookie, "flows.publish", { flowId }, "POST");
  await trpc(url, cookie, "flows.setEnabled", { flowId, enabled: true }, "POST");
  const hook = (await trpc(url, cookie, "webhooks.get", { flowId })) as { url: string; listening: boolean };
  expect(hook.url.startsWith(`${url}/api/hooks/`)).toBe(true);
  expect(hook.listening).toBe(true);

  const delivered = await fetch(hook.url, {
    method: "POST",
    headers: { "content-type": "application/json", "webhook-id": "msg_e2e_1" },
    body: JSON.stringify([{ sku: "WEBHOOK-1", name: "Sent by webhook", price: 9.5, stock: 2 }]),
  });
  expect(delivered.status).toBe(202);
  const { runId } = (await delivered.json()) as { runId: string };
  await expect
    .poll(async () => ((await trpc(url, cookie, "runs.get", { runId })) as { status: string }).status, { timeout: 60_000, interval: 250 })
    .toBe("succeeded");
  expect(((await trpc(url, cookie, "runs.get", { runId })) as { counts: { written: number } }).counts.written).toBe(1);

  const unknown = await fetch(`${url}/api/hooks/not-a-token`, { method: "POST", body: "[]" });
  expect(unknown.status).toBe(404);
  expect(((await unknown.json()) as { error: string }).error).toMatch(/No webhook is listening at this address/);
  const get = await fetch(hook.url);
  expect([get.status, get.headers.get("allow")]).toEqual([405, "POST"]);
}

const DEMO_FLOW = "Supplier products → shop";
const SUPPLIER_PRODUCTS = 5000;

interface RunSummary {
  id: string;
  trigger: string;
  status: string;
  counts: { read: number; written: number; errors: number };
}

/** The product's demo supplier process (scripts/supplier.ts, started by start.ts). */
function supplierProcess(product: Product): { pid: number; command: string } {
  const found = descendantsOf(product.process.pid!).filter((p) => p.command.includes("scripts/supplier.ts"));
  expect(found, "npm start runs one demo supplier process").toHaveLength(1);
  return found[0]!;
}

/** After a stop: the supplier's process is gone and nothing answers at its address any more. */
async function expectSupplierGone(supplier: { pid: number }, supplierUrl: string) {
  expect(isRunning(supplier.pid)).toBe(false);
  await expect(fetch(`${supplierUrl}/products?per_page=1`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
}

/**
 * The demo flow npm start seeds is published and enabled, runs at once against the supplier it serves
 * on loopback, and fills the shop table; returns the flow and that first run.
 */
async function demoFlowRuns(product: Product, cookie: string): Promise<{ flowId: string; runId: string }> {
  const flows = (await trpc(product.url, cookie, "flows.list")) as { id: string; name: string; enabled: boolean; activeVersionNumber: number | null; triggerKind: string | null }[];
  const demo = flows.find((f) => f.name === DEMO_FLOW);
  expect(demo).toMatchObject({ enabled: true, activeVersionNumber: 1, triggerKind: "trigger.schedule" });
  expect(product.supplierUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(product.output.join("")).toContain(`demo supplier API on ${product.supplierUrl}: 5,000 products`);

  // The run seeding queued (by hand, not waiting for the first 5-minute slot), once it has finished.
  let run: RunSummary | undefined;
  await expect
    .poll(
      async () => {
        const { items } = (await trpc(product.url, cookie, "runs.list", { flowId: demo!.id })) as { items: RunSummary[] };
        run = items.find((r) => r.trigger === "manual");
        return run && !["queued", "running"].includes(run.status);
      },
      { timeout: 60_000, interval: 500 },
    )
    .toBe(true);
  expect(run).toMatchObject({ status: "succeeded", counts: { read: SUPPLIER_PRODUCTS, written: SUPPLIER_PRODUCTS, errors: 0 } });

  const shop = createDatabase(await embeddedDatabaseUrl(product), { max: 1 });
  try {
    expect((await shop.pool.query("select count(*)::int as n from shop.products")).rows[0]).toEqual({ n: SUPPLIER_PRODUCTS });
  } finally {
    await shop.close();
  }
  return { flowId: demo!.id, runId: run!.id };
}

describe("npm start", () => {
  it("prints the URL and the demo sign-in, stops cleanly on Ctrl-C, and keeps the data for the next start", async () => {
    const first = await startProduct({ dataDir });
    const log = first.output.join("");
    expect(log).toContain(`Flowgate is running at ${first.url}`);
    expect(first.demo?.email).toBe("admin@demo.flowgate.local");

    const cookie = await signIn(first.url, first.demo!.email, first.demo!.password);
    // Before anything else writes into the shop table.
    const demo = await demoFlowRuns(first, cookie);
    const firstSupplier = supplierProcess(first);
    await trpc(first.url, cookie, "flows.create", { name: "Made before the restart" }, "POST");
    await webhookReachesTheWorker(first.url, cookie);

    expect(await first.stop()).toBe(0);
    expect(first.output.join("")).toContain("PostgreSQL stopped");
    expect(processesUsing(dataDir)).toEqual([]);
    await expectSupplierGone(firstSupplier, first.supplierUrl!);

    const startedAt = Date.now();
    const second = await startProduct({ dataDir });
    const secondStart = Date.now() - startedAt;
    const secondSupplier = supplierProcess(second);
    try {
      // Later starts skip the build: the issue asks for 20 s; allow a loaded CI machine some slack.
      expect(secondStart).toBeLessThan(40_000);
      expect(second.demo?.email).toBe("admin@demo.flowgate.local");
      const again = await signIn(second.url, second.demo!.email, second.demo!.password);
      const names = ((await trpc(second.url, again, "flows.list")) as { name: string }[]).map((f) => f.name);
      expect(names).toContain("Made before the restart");
      // The demo flow is seeded once, and only the start that seeded it queued a run by hand.
      expect(names.filter((n) => n === DEMO_FLOW)).toHaveLength(1);
      const runs = ((await trpc(second.url, again, "runs.list", { flowId: demo.flowId })) as { items: RunSummary[] }).items;
      expect(runs.filter((r) => r.trigger === "manual").map((r) => r.id)).toEqual([demo.runId]);
    } finally {
      expect(await second.stop()).toBe(0);
    }
    expect(processesUsing(dataDir)).toEqual([]);
    await expectSupplierGone(secondSupplier, second.supplierUrl!);
  });

  it("says in one line what to do when the port is taken", async () => {
    const port = await freePort();
    const blocker = createServer().listen(port, "0.0.0.0");
    await new Promise((r) => blocker.once("listening", r));
    try {
      await expect(startProduct({ dataDir, port, readyTimeoutMs: 60_000 })).rejects.toThrow(
        new RegExp(`Port ${port} is already in use .* PORT=3001 npm start`),
      );
    } finally {
      blocker.close();
    }
    expect(processesUsing(dataDir)).toEqual([]);
  });

  it("says in one line what to do when PostgreSQL cannot start", async () => {
    const broken = newDataDir();
    // A data folder from an incompatible PostgreSQL: the server refuses to start on it.
    await mkdir(path.join(broken, "pg", "data"), { recursive: true });
    await writeFile(path.join(broken, "pg", "data", "PG_VERSION"), "9\n");
    try {
      const failure = await startProduct({ dataDir: broken, readyTimeoutMs: 60_000 }).catch((error: Error) => error.message);
      expect(failure).toMatch(/Flowgate could not start: PostgreSQL could not start in .*pg\/data .*move that folder away to start fresh, or set DATABASE_URL/);
      expect(failure).toMatch(/\(postgres: could not access the server configuration file/); // PostgreSQL's own reason
      expect(failure).not.toMatch(/\n\s+at /); // no stack trace
      expect(processesUsing(broken)).toEqual([]);
    } finally {
      await removeDataDir(broken);
    }
  });

  it("uses DATABASE_URL when given and starts no embedded PostgreSQL", async () => {
    // A PostgreSQL of "the user's": the embedded one of the first test's data folder, started by hand.
    const { startEmbeddedPostgres } = await import("@flowgate/db/embedded");
    const own = await startEmbeddedPostgres({ dataDir: `${dataDir}-external`, database: "mine", ephemeral: true });
    const productDir = newDataDir();
    try {
      const product = await startProduct({ dataDir: productDir, env: { DATABASE_URL: own.connectionString } });
      const log = product.output.join("");
      expect(log).toContain("using DATABASE_URL");
      expect(log).not.toContain("starting embedded PostgreSQL");
      expect(product.demo).toBeNull();
      expect(await product.stop()).toBe(0);
      expect(processesUsing(productDir)).toEqual([]);
    } finally {
      await own.stop();
      await removeDataDir(productDir);
    }
  });
});
