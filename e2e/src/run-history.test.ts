/**
 * Issue 7, acceptance 1 and 2, in a browser against `npm start`'s product:
 * 1. A flow whose destination (the test kit's shop API) refuses 5 specific records ends
 *    `succeeded_with_errors`; the admin sees the 5 errors with their records on the run page,
 *    removes the fault, retries the failed records only, and the run's errors clear; a lineage
 *    search for one of those SKUs shows the failed write and the successful retry.
 * 2. A long run shows live progress on its page, and cancelling it there stops it.
 * Screenshots: e2e/screenshots/history-*.png.
 */
import { startShopApi, startSupplierApi, type ShopApi, type SupplierApi } from "@flowgate/testkit";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, trpc } from "./api";
import { launchBrowser, screenshotDir } from "./browser";
import { signedInContext } from "./editor-page";
import { removeDataDir, startProduct, type Product } from "./product";

let product: Product;
let browser: Browser;
let shop: ShopApi;
let supplier: SupplierApi;
let context: BrowserContext;
let page: Page;
let cookie: string;

const call = <T>(name: string, input?: unknown, method: "GET" | "POST" = "GET") => trpc<T>(product.url, cookie, name, input, method);
const shot = (name: string) => page.screenshot({ path: path.join(screenshotDir, `history-${name}.png`), fullPage: true });

interface Run {
  id: string;
  status: string;
  counts: { read: number; written: number; errors: number };
}

const ENDED = ["succeeded", "succeeded_with_errors", "failed", "cancelled"];

async function waitForRun(runId: string, statuses: string[], timeout = 120_000): Promise<Run> {
  await expect.poll(async () => (await call<Run>("runs.get", { runId })).status, { timeout, interval: 300 }).toSatisfy((s: string) => statuses.includes(s));
  return call<Run>("runs.get", { runId });
}

/** A published flow: manual trigger → the supplier's products (pages of `pageSize`) → PUT each into the shop API. */
async function publishFlow(name: string, supplierUrl: string, pageSize: number): Promise<string> {
  const { id: connectionId } = await call<{ id: string }>("connections.create", { kind: "http", name: `${name} shop`, settings: { baseUrl: shop.url } }, "POST");
  const { id: flowId } = await call<{ id: string }>("flows.create", { name }, "POST");
  const node = (id: string, kind: string, label: string, config: Record<string, unknown>, x: number) => ({ id, kind, kindVersion: 1, label, position: { x, y: 0 }, config });
  const { problems } = await call<{ problems: unknown[] }>(
    "flows.saveDraft",
    {
      flowId,
      baseRevision: 0,
      document: {
        schemaVersion: 1,
        nodes: [
          node("start", "trigger.manual", "Start", {}, 0),
          node("read", "source.http", "Supplier products", { url: `${supplierUrl}/products`, recordsPath: "data", pagination: { mode: "page", pageSize } }, 260),
          node("shop", "destination.http", "Shop API", { connectionId, method: "PUT", url: "/products/{sku}", keyField: "sku", retries: 0 }, 520),
        ],
        edges: [
          { id: "e1", source: "start", sourcePort: "out", target: "read", targetPort: "in" },
          { id: "e2", source: "read", sourcePort: "out", target: "shop", targetPort: "in" },
        ],
        settings: { batchSize: pageSize, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "skip" },
      },
    },
    "POST",
  );
  expect(problems).toEqual([]);
  await call("flows.publish", { flowId }, "POST");
  return flowId;
}

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser();
  shop = await startShopApi();
  supplier = await startSupplierApi({ count: 2000, seed: 7 });
  cookie = await signIn(product.url, product.demo!.email, product.demo!.password);
  context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  await signedInContext(context, product.url, cookie);
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await shop?.close();
  await supplier?.close();
  await product?.stop();
  if (product) await removeDataDir(product.dataDir);
});

describe("run history", () => {
  it("shows the 5 records the shop refused, retries only them once the fault is gone, and traces them in the lineage", async () => {
    const flowId = await publishFlow("Products to the shop API", supplier.url, 200);
    const refused = supplier.products.slice(0, 400).filter((_, i) => i % 80 === 3).map((p) => p.sku);
    expect(refused).toHaveLength(5);
    for (const sku of refused) shop.failSku(sku, { status: 422, message: `Category of ${sku} is unknown` });

    const { runId } = await call<{ runId: string }>("runs.start", { flowId }, "POST");
    const run = await waitForRun(runId, ENDED);
    expect(run).toMatchObject({ status: "succeeded_with_errors", counts: { read: 2000, written: 1995, errors: 5 } });

    // The run page: its errors, each with its record.
    await page.goto(`${product.url}/runs/${runId}`);
    await page.getByRole("tab", { name: /Errors/ }).click();
    for (const sku of refused) await page.getByText(sku, { exact: true }).first().waitFor();
    await page.getByText(`Category of ${refused[0]} is unknown`).first().waitFor();
    await shot("1-errors");
    // Its timeline (a bar per batch) and its log.
    await page.getByRole("tab", { name: /Timeline/ }).click();
    await page.getByText(/batch/i).first().waitFor();
    await shot("1b-timeline");
    await page.getByRole("tab", { name: /Log/ }).click();
    await page.getByText(/Succeeded with errors|ended/i).first().waitFor();
    await shot("1c-log");
    await page.getByRole("tab", { name: /Errors/ }).click();

    // The fault is removed; retry the failed records only.
    shop.clearFailures();
    await page.getByRole("button", { name: /Retry all failed/ }).click();
    const confirm = page.getByRole("dialog");
    if (await confirm.isVisible().catch(() => false)) await confirm.getByRole("button", { name: /Retry/ }).last().click();
    await expect.poll(async () => (await call<{ items: Run[] }>("runs.list", { flowId })).items.length, { timeout: 15_000 }).toBe(2);
    const retry = (await call<{ items: Run[] }>("runs.list", { flowId })).items[0]!;
    expect(retry.id).not.toBe(runId);
    expect(await waitForRun(retry.id, ENDED)).toMatchObject({ status: "succeeded", counts: { written: 5, errors: 0 } });
    for (const sku of refused) expect(shop.state.has(sku), sku).toBe(true);

    // The original run's errors clear: nothing open is left to retry.
    const open = await call<{ items: unknown[] }>("runs.errors", { runId, status: "open" });
    expect(open.items).toEqual([]);
    await page.reload();
    await page.getByRole("tab", { name: /Errors/ }).click();
    await expect.poll(() => page.locator("table").getByText("Retried", { exact: true }).count(), { timeout: 15_000 }).toBe(5);
    await shot("2-errors-retried");

    // Lineage of one of them: the refused write, then the retry's write.
    await page.goto(`${product.url}/lineage?key=${encodeURIComponent(refused[0]!)}`);
    await page.getByText(/failed/i).first().waitFor();
    await page.getByText(/written/i).first().waitFor();
    const entries = await call<{ items: { runId: string; outcome: string }[] }>("lineage.search", { key: refused[0] });
    expect(entries.items.map((e) => [e.runId, e.outcome])).toEqual(
      expect.arrayContaining([
        [runId, "failed"],
        [retry.id, "written"],
      ]),
    );
    await shot("3-lineage");
  });

  it("a failing flow shows on the dashboard, as one alert for its two failures, and in the runs list", async () => {
    // A flow whose source answers 404: each run fails at once.
    const { id: flowId } = await call<{ id: string }>("flows.create", { name: "A gone supplier" }, "POST");
    const node = (id: string, kind: string, label: string, config: Record<string, unknown>, x: number) => ({ id, kind, kindVersion: 1, label, position: { x, y: 0 }, config });
    await call(
      "flows.saveDraft",
      {
        flowId,
        baseRevision: 0,
        document: {
          schemaVersion: 1,
          nodes: [node("start", "trigger.manual", "Start", {}, 0), node("read", "source.http", "Gone products", { url: `${supplier.url}/gone`, recordsPath: "data" }, 260)],
          edges: [{ id: "e1", source: "start", sourcePort: "out", target: "read", targetPort: "in" }],
          settings: { batchSize: 100, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "skip" },
        },
      },
      "POST",
    );
    await call("flows.publish", { flowId }, "POST");
    for (let i = 0; i < 2; i++) {
      const { runId } = await call<{ runId: string }>("runs.start", { flowId }, "POST");
      expect((await waitForRun(runId, ENDED)).status).toBe("failed");
    }

    await page.goto(`${product.url}/dashboard`);
    const failing = page.getByRole("region", { name: "Failing now" }).or(page.locator("section, div").filter({ hasText: /^Failing now/ })).first();
    await failing.getByText("A gone supplier").first().waitFor();
    await page.waitForTimeout(500);
    await shot("6-dashboard");

    await page.goto(`${product.url}/alerts`);
    await page.getByText(/A gone supplier/).first().waitFor();
    await page.getByText(/2 times/).first().waitFor();
    const open = await call<{ items: { flowId: string; occurrences: number; status: string }[] }>("alerts.list", {});
    expect(open.items.filter((a) => a.flowId === flowId)).toEqual([expect.objectContaining({ occurrences: 2, status: "open" })]);
    await shot("7-alerts");

    await page.goto(`${product.url}/runs`);
    await page.locator("table").getByText("A gone supplier").first().waitFor();
    await shot("8-runs");
    await page.goto(`${product.url}/runs?q=${encodeURIComponent("no such flow")}`);
    await page.getByText("No runs match these filters").waitFor();
    await shot("9-runs-no-match");
  });

  it("a long run shows its progress live, and cancelling it on its page stops it", async () => {
    // 20 pages, each answered slowly: a run of about 20 s.
    const slow = await startSupplierApi({ count: 2000, seed: 9 });
    try {
      slow.setFault({ kind: "latency", ms: 1000 });
      const flowId = await publishFlow("A slow supplier", slow.url, 100);
      const { runId } = await call<{ runId: string }>("runs.start", { flowId }, "POST");
      await page.goto(`${product.url}/runs/${runId}`);
      // Progress moves on without a reload.
      const readText = page.getByText(/[1-9][\d,]* records read/).first();
      await readText.waitFor({ timeout: 30_000 });
      const first = await readText.textContent();
      await expect.poll(async () => page.getByText(/[1-9][\d,]* records read/).first().textContent(), { timeout: 15_000 }).not.toBe(first);
      await shot("4-live");

      await page.getByRole("button", { name: /^Cancel/ }).click();
      const confirm = page.getByRole("dialog");
      if (await confirm.isVisible().catch(() => false)) await confirm.getByRole("button", { name: /Cancel the run|Stop|Cancel run/ }).last().click();
      const cancelled = await waitForRun(runId, ENDED, 30_000);
      expect(cancelled.status).toBe("cancelled");
      expect(cancelled.counts.read).toBeLessThan(2000);
      await page.getByText(/Cancelled/).first().waitFor();
      await shot("5-cancelled");
    } finally {
      await slow.close();
    }
  });
});
