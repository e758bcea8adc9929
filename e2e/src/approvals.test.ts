/**
 * Issue 6, acceptance 1: the seeded demo flow holds price changes over 10 % for approval. The
 * supplier changes 100 prices; the admin sees 100 updates with their price diffs, filters "price
 * change ≥ 20 %", rejects those and approves the rest; the shop then holds exactly the approved
 * prices; the next run proposes nothing for the rejected products until the supplier changes them
 * again. Screenshots: e2e/screenshots/approvals-*.png.
 */
import { createDatabase } from "@flowgate/db";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, trpc } from "./api";
import { launchBrowser, screenshotDir } from "./browser";
import { signedInContext } from "./editor-page";
import { embeddedDatabaseUrl, removeDataDir, startProduct, type Product } from "./product";
import path from "node:path";

let product: Product;
let browser: Browser;

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
  if (product) await removeDataDir(product.dataDir);
});

const DEMO_FLOW = "Supplier products → shop";

interface Run {
  id: string;
  status: string;
  counts: { read: number; written: number };
}

async function control(pathname: string, body: unknown) {
  const response = await fetch(`${product.supplierUrl}/_control/${pathname}`, { method: "POST", body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`supplier control ${pathname}: ${response.status}`);
  return response.json();
}

async function supplierPrice(sku: string): Promise<number> {
  return ((await (await fetch(`${product.supplierUrl}/products/${sku}`)).json()) as { price: number }).price;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

describe("approving the demo flow's price changes", () => {
  it("shows 100 price changes, rejects the big ones, writes the approved, and remembers the rejections", async () => {
    const cookie = await signIn(product.url, product.demo!.email, product.demo!.password);
    const call = <T>(name: string, input?: unknown, method: "GET" | "POST" = "GET") => trpc<T>(product.url, cookie, name, input, method);
    const flow = (await call<{ id: string; name: string }[]>("flows.list")).find((f) => f.name === DEMO_FLOW)!;
    const runOf = async (runId: string) => call<Run>("runs.get", { runId });
    const waitForRun = async (runId: string, statuses: string[]) => {
      await expect.poll(async () => (await runOf(runId)).status, { timeout: 120_000, interval: 500 }).toSatisfy((s: string) => statuses.includes(s));
      return runOf(runId);
    };
    // The first run writes the whole catalogue: new products need nobody's approval.
    const first = (await call<{ items: Run[] }>("runs.list", { flowId: flow.id })).items.at(-1)!;
    expect(await waitForRun(first.id, ["succeeded"])).toMatchObject({ counts: { written: 5000 } });
    // Nothing changes at the supplier but what this test changes.
    await control("automatic-changes", { paused: true });
    await call("flows.setEnabled", { flowId: flow.id, enabled: false }, "POST");

    // 100 price changes, all over 10 %: half of them by 20 % or more (+30 %, −30 %), half by +15 %.
    const skus = Array.from({ length: 100 }, (_, i) => `SKU-${String(1001 + i).padStart(6, "0")}`);
    const oldPrices = new Map<string, number>();
    const newPrices: Record<string, number> = {};
    for (const [i, sku] of skus.entries()) {
      const old = await supplierPrice(sku);
      oldPrices.set(sku, old);
      newPrices[sku] = round2(old * (i % 2 === 0 ? 1.15 : i % 4 === 1 ? 1.3 : 0.7));
    }
    const big = new Set(skus.filter((sku) => Math.abs(newPrices[sku]! - oldPrices.get(sku)!) / oldPrices.get(sku)! >= 0.2));
    expect(big.size).toBe(50);
    expect((await control("prices", newPrices)) as { changed: string[] }).toMatchObject({ changed: skus });

    const { runId } = await call<{ runId: string }>("runs.start", { flowId: flow.id }, "POST");
    expect(await waitForRun(runId, ["awaiting_approval"])).toMatchObject({ counts: { written: 0 } });

    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    await signedInContext(context, product.url, cookie);
    const page = await context.newPage();
    const shot = (name: string) => page.screenshot({ path: path.join(screenshotDir, `approvals-${name}.png`) });

    // The inbox lists the change set; it holds 100 updates with their price diffs.
    await page.goto(`${product.url}/approvals`);
    const link = page.getByRole("link", { name: new RegExp(`^${DEMO_FLOW}: review the changes`) });
    await link.first().waitFor();
    await shot("1-inbox");
    await link.first().click();
    const table = page.getByRole("table", { name: "Changes" });
    await table.waitFor();
    await page.getByText("100 changes", { exact: true }).waitFor();
    const firstSku = skus[0]!;
    const row = table.getByRole("row").filter({ hasText: firstSku });
    await expect.poll(() => row.textContent()).toMatch(/price/);
    expect(await row.textContent()).toMatch(/\+15\.0 %/);
    await shot("2-change-set");

    // Filter "price change ≥ 20 %": exactly the big ones; reject them all.
    await page.getByLabel("Numeric field", { exact: true }).selectOption("price");
    await page.getByLabel("Minimum change (%)", { exact: true }).fill("20");
    await page.getByLabel("Minimum change (%)", { exact: true }).press("Enter");
    await page.getByText("50 changes", { exact: true }).waitFor();
    await shot("3-filtered");
    await page.getByRole("button", { name: "Select all matching" }).click();
    await page.getByRole("button", { name: "Reject selected" }).click();
    const rejectDialog = page.getByRole("dialog");
    if (await rejectDialog.isVisible().catch(() => false)) await rejectDialog.getByRole("button", { name: /^Reject/ }).last().click();
    await page.getByText("0 changes", { exact: true }).or(page.getByText(/Nothing waits here/)).first().waitFor();

    // The rest: approve them all.
    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await page.getByText("50 changes", { exact: true }).waitFor();
    await page.getByRole("button", { name: "Select all matching" }).click();
    await page.getByRole("button", { name: "Approve selected" }).click();
    const approveDialog = page.getByRole("dialog");
    if (await approveDialog.isVisible().catch(() => false)) await approveDialog.getByRole("button", { name: /^Approve/ }).last().click();
    await page.getByText(/Nothing waits here/).first().waitFor({ timeout: 30_000 });
    await shot("4-decided");

    // The branch resumes: the run succeeds with the approved written.
    expect(await waitForRun(runId, ["succeeded"])).toMatchObject({ counts: { written: 50 } });
    const shop = createDatabase(await embeddedDatabaseUrl(product), { max: 1 });
    try {
      const rows = new Map(
        (await shop.pool.query<{ sku: string; price: string }>("select sku, price from shop.products where sku = any($1)", [skus])).rows.map((r) => [r.sku, Number(r.price)]),
      );
      for (const sku of skus) {
        const expected = big.has(sku) ? oldPrices.get(sku)! : newPrices[sku]!;
        expect(Math.abs(rows.get(sku)! - round2(expected * 1.25)), sku).toBeLessThan(0.0101);
      }

      // The next run proposes nothing: the rejected changes are remembered.
      const again = (await call<{ runId: string }>("runs.start", { flowId: flow.id }, "POST")).runId;
      expect(await waitForRun(again, ["succeeded"])).toMatchObject({ counts: { written: 0 } });
      expect((await call<{ items: unknown[] }>("approvals.list", { status: "pending" })).items).toHaveLength(0);

      // Until the supplier changes them again: then they are proposed.
      const bigSkus = [...big];
      await control("prices", Object.fromEntries(bigSkus.map((sku) => [sku, round2(newPrices[sku]! * 1.5)])));
      const third = (await call<{ runId: string }>("runs.start", { flowId: flow.id }, "POST")).runId;
      await waitForRun(third, ["awaiting_approval"]);
      const pending = (await call<{ items: { id: string; runId: string; counts: { pending: number } }[] }>("approvals.list", { status: "pending" })).items;
      expect(pending.map((c) => [c.runId, c.counts.pending])).toEqual([[third, 50]]);
      const proposed = await call<{ items: { key: string }[] }>("approvals.items", { changeSetId: pending[0]!.id, limit: 100 });
      expect(proposed.items.map((i) => i.key).sort()).toEqual(bigSkus.sort());

      // The keyboard: j moves down, a approves the focused change; x selects, r rejects the selection.
      const statusOf = async () =>
        new Map(
          (await call<{ items: { key: string; status: string }[] }>("approvals.items", { changeSetId: pending[0]!.id, limit: 100 })).items.map((i) => [i.key, i.status]),
        );
      const [k1, k2, k3, k4] = proposed.items.map((i) => i.key);
      await page.goto(`${product.url}/approvals/${pending[0]!.id}`);
      await page.getByText("50 changes", { exact: true }).waitFor();
      await page.keyboard.press("j");
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent ?? "")).toContain(k1!);
      await page.keyboard.press("a");
      await expect.poll(async () => (await statusOf()).get(k1!), { timeout: 15_000 }).toBe("approved");
      // The approved change leaves the pending list; its focus moves on with the keys.
      await page.getByText("49 changes", { exact: true }).waitFor();
      await page.keyboard.press("j");
      await page.keyboard.press("j");
      await page.keyboard.press("k");
      const focusedText = await page.evaluate(() => document.activeElement?.textContent ?? "");
      const first = [k2!, k3!].find((key) => focusedText.includes(key));
      expect(first, `the focused row reads “${focusedText.slice(0, 80)}”`).toBeDefined();
      const second = first === k2 ? k3! : k4!;
      await page.keyboard.press("x");
      await page.keyboard.press("j");
      await page.keyboard.press("x");
      await page.getByText("2 selected", { exact: true }).waitFor();
      await shot("5-keyboard");
      await page.keyboard.press("r");
      const dialog = page.getByRole("dialog");
      if (await dialog.isVisible().catch(() => false)) await dialog.getByRole("button", { name: /^Reject/ }).last().click();
      await expect.poll(async () => [...(await statusOf()).values()].filter((status) => status !== "pending").length, { timeout: 15_000 }).toBe(3);
      const statuses = await statusOf();
      expect([k1, first, second].map((key) => statuses.get(key!))).toEqual(["approved", "rejected", "rejected"]);
    } finally {
      await shop.close();
      await context.close();
    }
  });
});
