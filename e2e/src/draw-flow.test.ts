/**
 * Issue 5, acceptance 1: a person draws the demo flow on an empty canvas by drag and drop (schedule →
 * HTTP source on the test-kit supplier → only changes → map → filter → PostgreSQL), configures every
 * node through the inspector, sees the problems clear, dry-runs and reads the counts on the edges and
 * the planned writes, publishes, runs it now, and sees the run succeed and the rows in the shop table.
 * Screenshots of every step: e2e/screenshots/draw-*.png.
 */
import { createDatabase } from "@flowgate/db";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, trpc } from "./api";
import { launchBrowser } from "./browser";
import { EditorPage, signedInContext } from "./editor-page";
import { embeddedDatabaseUrl, removeDataDir, startProduct, type Product } from "./product";

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

interface SupplierProduct {
  sku: string;
  price: number;
  stock: number;
}

async function supplierCatalogue(supplierUrl: string): Promise<SupplierProduct[]> {
  const all: SupplierProduct[] = [];
  for (let page = 1; ; page++) {
    const body = (await (await fetch(`${supplierUrl}/products?page=${page}&per_page=1000`)).json()) as { data: SupplierProduct[]; total_pages: number };
    all.push(...body.data);
    if (page >= body.total_pages) return all;
  }
}

/**
 * The seeded demo flow writes into the same shop table: switch it off once its first run is over and
 * empty the table, so every row afterwards is the drawn flow's.
 */
async function quietShop(cookie: string) {
  const flows = await trpc<{ id: string; name: string }[]>(product.url, cookie, "flows.list");
  for (const flow of flows) {
    await trpc(product.url, cookie, "flows.setEnabled", { flowId: flow.id, enabled: false }, "POST").catch(() => undefined);
    await expect
      .poll(async () => (await trpc<{ items: { status: string }[] }>(product.url, cookie, "runs.list", { flowId: flow.id })).items.every((r) => !["queued", "running"].includes(r.status)), {
        timeout: 60_000,
        interval: 500,
      })
      .toBe(true);
  }
  const shop = createDatabase(await embeddedDatabaseUrl(product), { max: 1 });
  try {
    await shop.pool.query("truncate shop.products");
  } finally {
    await shop.close();
  }
}

describe("drawing the demo flow in the browser", () => {
  it("draws, configures, dry-runs, publishes and runs the supplier → shop flow", async () => {
    const cookie = await signIn(product.url, product.demo!.email, product.demo!.password);
    await quietShop(cookie);
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    await signedInContext(context, product.url, cookie);
    const page = await context.newPage();
    const editor = new EditorPage(page);

    // A new flow from the flows list opens the editor on an empty canvas.
    await page.goto(`${product.url}/flows`);
    await page.getByRole("button", { name: "New flow" }).click();
    await page.getByRole("dialog").getByLabel("Flow name").fill("Drawn supplier sync");
    await page.getByRole("dialog").getByRole("button", { name: "Create" }).click();
    await page.waitForURL(/\/flows\/[^/]+$/);
    const flowId = page.url().split("/").pop()!;
    await editor.canvas.waitFor();
    await page.getByText(/Drag a trigger/).waitFor();
    await editor.shot("draw-1-empty");

    // Drag each step from the palette onto the canvas, in two rows.
    const steps: [kind: string, x: number, y: number][] = [
      ["On a schedule", 120, 120],
      ["Read from an API", 420, 120],
      ["Only changes", 720, 120],
      ["Map fields", 120, 360],
      ["Filter", 420, 360],
      ["Write to PostgreSQL", 720, 360],
    ];
    for (const [kind, x, y] of steps) {
      await editor.dragKind(kind, x, y);
      await editor.node(kind).waitFor();
    }
    await expect.poll(() => editor.nodes().count()).toBe(6);
    expect(await editor.edges().count()).toBe(0);
    await editor.shot("draw-2-nodes");

    // Name each step through the inspector, as the demo names them.
    const names: [kind: string, name: string][] = [
      ["On a schedule", "Every hour"],
      ["Read from an API", "Supplier products"],
      ["Only changes", "Only what changed"],
      ["Map fields", "Shop prices"],
      ["Filter", "In stock"],
      ["Write to PostgreSQL", "Shop products"],
    ];
    for (const [kind, name] of names) {
      await editor.select(kind);
      await editor.inspector.getByRole("textbox", { name: "Name", exact: true }).fill(name);
      await editor.node(name).waitFor();
    }

    // Connect port to port.
    await editor.connect("Every hour", "Supplier products");
    await editor.connect("Supplier products", "Only what changed");
    await editor.connect("Only what changed", "Shop prices");
    await editor.connect("Shop prices", "In stock");
    await editor.connect("In stock", "Shop products", "kept");
    await expect.poll(() => editor.edges().count()).toBe(5);
    await editor.tab("Problems");
    await editor.shot("draw-3-connected");
    // Unconfigured steps are problems, and publishing waits for them.
    expect(await page.getByRole("list", { name: "Problems" }).getByRole("button").count()).toBeGreaterThan(0);
    expect(await page.getByRole("button", { name: "Publish", exact: true }).isDisabled()).toBe(true);

    const inspector = editor.inspector;
    // Every hour at :00.
    await editor.select("Every hour");
    await inspector.getByRole("radio", { name: "At set times" }).click();
    await inspector.getByLabel("Times", { exact: true }).selectOption({ label: "Every hour at :00" });
    await inspector.getByText("every hour at minute 0").waitFor();

    // The supplier's products: the demo connection, /products, the list under "data", pages of 1,000.
    await editor.select("Supplier products");
    await inspector.getByLabel("Connection", { exact: true }).selectOption({ label: "Demo supplier API" });
    await inspector.getByLabel("URL", { exact: true }).fill("/products");
    await inspector.getByLabel("Records path", { exact: true }).fill("data");
    await inspector.getByLabel("Pagination", { exact: true }).selectOption({ label: "Page numbers" });
    await inspector.getByLabel("Page size", { exact: true }).fill("1000");

    // Changes by SKU.
    await editor.select("Only what changed");
    await inspector.getByLabel("Key fields", { exact: true }).fill("sku");
    await inspector.getByLabel("Key fields", { exact: true }).press("Enter");

    // Shop price = supplier price + 10 %, rounded to cents.
    await editor.select("Shop prices");
    await inspector.getByRole("button", { name: "Add field" }).click();
    const mapping = inspector.getByRole("group", { name: "Mapping 1" });
    await mapping.getByLabel("Target", { exact: true }).fill("price");
    await mapping.getByLabel("Type", { exact: true }).selectOption("number");
    const expression = mapping.getByLabel("Expression", { exact: true });
    await expression.click();
    await page.keyboard.type("$round(price * 1.1, 2)");
    await inspector.getByLabel("Key field", { exact: true }).fill("sku");

    // In stock: stock greater than 0, with the rule builder.
    await editor.select("In stock");
    await inspector.getByRole("radio", { name: "Rules" }).click();
    await inspector.getByRole("button", { name: "Add rule" }).click();
    const rule = inspector.getByRole("group", { name: "Rule 1" });
    await rule.getByLabel("Field", { exact: true }).fill("stock");
    await rule.getByLabel("Operator", { exact: true }).selectOption({ label: "is greater than" });
    await rule.getByLabel("Value", { exact: true }).fill("0");

    // The shop table, keyed by SKU.
    await editor.select("Shop products");
    await inspector.getByLabel("Connection", { exact: true }).selectOption({ label: "Demo shop database" });
    await inspector.getByLabel("Table", { exact: true }).fill("shop.products");
    await inspector.getByLabel("Key columns", { exact: true }).fill("sku");
    await inspector.getByLabel("Key columns", { exact: true }).press("Enter");

    // The problems are gone and publishing is possible.
    await editor.tab("Problems");
    await page.getByRole("status").filter({ hasText: "No problems: the flow can be published." }).waitFor();
    await expect.poll(() => page.getByRole("button", { name: "Publish", exact: true }).isDisabled()).toBe(false);
    await editor.saved();
    await editor.shot("draw-4-configured");

    // Dry run: counts on the edges, planned writes at the destination, nothing written.
    await page.getByRole("button", { name: "Dry run" }).click();
    await page.getByRole("status").filter({ hasText: "Dry run on the first 100 records" }).waitFor();
    const lastEdge = page.getByRole("group", { name: /^\d+ records? from In stock \(kept\) to Shop products$/ });
    await lastEdge.waitFor({ state: "attached", timeout: 60_000 });
    const inStock = Number(/^(\d+)/.exec((await lastEdge.getAttribute("aria-label"))!)![1]);
    expect(inStock).toBeGreaterThan(0);
    expect(inStock).toBeLessThanOrEqual(100);
    await page.getByRole("group", { name: "100 records from Supplier products to Only what changed" }).waitFor({ state: "attached" });
    await editor.shot("draw-5-dry-run");
    await editor.select("Shop products");
    await page.getByRole("tablist", { name: "Dry run of Shop products" }).getByRole("tab", { name: "Planned writes" }).click();
    const planned = page.getByRole("region", { name: "Planned writes of Shop products" });
    await expect.poll(() => planned.textContent()).toMatch(/create/i);
    await editor.shot("draw-6-planned-writes");
    const shop = createDatabase(await embeddedDatabaseUrl(product), { max: 1 });
    try {
      expect((await shop.pool.query("select count(*)::int as n from shop.products")).rows[0]).toEqual({ n: 0 });

      // Publish with a message.
      await page.getByRole("button", { name: "Publish", exact: true }).click();
      const publish = page.getByRole("dialog", { name: "Publish this flow" });
      await publish.getByLabel("What changed?").fill("Drawn in the browser");
      await publish.getByRole("button", { name: "Publish" }).click();
      await page.getByText("Published version 1").first().waitFor();
      await editor.shot("draw-7-published");

      // Run now, and watch it succeed.
      await page.getByRole("button", { name: "Run now" }).click();
      const runLink = page.getByRole("link", { name: /^Run now: Succeeded/ });
      await runLink.waitFor({ timeout: 120_000 });
      await editor.shot("draw-8-run-succeeded");
      const runId = (await runLink.getAttribute("href"))!.split("/").pop()!;
      const run = await trpc<{ status: string; counts: { read: number; written: number; errors: number } }>(product.url, cookie, "runs.get", { runId });

      // The shop table holds exactly the supplier's in-stock products, at the mapped price.
      const catalogue = await supplierCatalogue(product.supplierUrl!);
      const expected = new Map(catalogue.filter((p) => p.stock > 0).map((p) => [p.sku, Math.round(p.price * 1.1 * 100) / 100]));
      expect(run).toMatchObject({ status: "succeeded", counts: { read: catalogue.length, written: expected.size, errors: 0 } });
      const rows = (await shop.pool.query<{ sku: string; price: string }>("select sku, price from shop.products")).rows;
      expect(rows).toHaveLength(expected.size);
      // JSONata's $round rounds half to even; a cent either way is the rounding, anything more is wrong.
      for (const row of rows) expect(Math.abs(Number(row.price) - expected.get(row.sku)!)).toBeLessThan(0.0101);
    } finally {
      await shop.close();
    }
    // The header's run link opens the run.
    await page.getByRole("link", { name: /^Run now: Succeeded/ }).click();
    await page.getByRole("heading", { name: "Drawn supplier sync" }).waitFor();
    await page.getByRole("cell", { name: /Shop products/ }).first().waitFor();
    await editor.shot("draw-9-run-page");
    const flow = await trpc<{ activeVersionNumber: number; hasUnpublishedChanges: boolean }>(product.url, cookie, "flows.get", { flowId });
    expect(flow).toMatchObject({ activeVersionNumber: 1, hasUnpublishedChanges: false });
    await context.close();
  });
});
