/**
 * Issue 8 in a browser against `npm start`'s product:
 * 1. Install template 1 (supplier → shop with approval) from the gallery with the demo connections,
 *    dry-run it, publish, run, and see the shop table updated (acceptance 1).
 * 2. A malicious template and malicious flow files (script tags and event handlers in names,
 *    descriptions, tags and labels; a 50 MB file; 10,000 levels of nesting; an unknown kind) are
 *    refused or rendered inert: the test fails on any dialog or script execution (acceptance 4).
 * Screenshots: e2e/screenshots/templates-*.png.
 */
import { createDatabase } from "@flowgate/db";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, trpc } from "./api";
import { launchBrowser, screenshotDir } from "./browser";
import { signedInContext } from "./editor-page";
import { embeddedDatabaseUrl, removeDataDir, startProduct, type Product } from "./product";

let product: Product;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let cookie: string;
/** Every browser dialog (alert, confirm, prompt) any page opened: none may. */
const dialogs: string[] = [];

const call = <T>(name: string, input?: unknown, method: "GET" | "POST" = "GET") => trpc<T>(product.url, cookie, name, input, method);
const shot = (name: string) => page.screenshot({ path: path.join(screenshotDir, `templates-${name}.png`) });

const TEMPLATE_1 = "Supplier API → shop database: hourly stock and prices, big price changes approved first";

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser();
  cookie = await signIn(product.url, product.demo!.email, product.demo!.password);
  context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  await signedInContext(context, product.url, cookie);
  page = await context.newPage();
  page.on("dialog", (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await product?.stop();
  if (product) await removeDataDir(product.dataDir);
});

async function control(pathname: string, body: unknown) {
  const response = await fetch(`${product.supplierUrl}/_control/${pathname}`, { method: "POST", body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`supplier control ${pathname}: ${response.status}`);
}

describe("templates", () => {
  it("installs the supplier sync template from the gallery, dry-runs, publishes and runs it into the shop table", async () => {
    // Only this test's flow writes the shop table meanwhile.
    await control("automatic-changes", { paused: true });
    const demo = (await call<{ id: string; name: string }[]>("flows.list")).find((f) => f.name === "Supplier products → shop")!;
    await call("flows.setEnabled", { flowId: demo.id, enabled: false }, "POST");

    await page.goto(`${product.url}/templates`);
    await page.getByRole("button", { name: `Install ${TEMPLATE_1}` }).waitFor();
    await shot("1-gallery");
    await page.getByRole("button", { name: `Install ${TEMPLATE_1}` }).click();
    const install = page.getByRole("dialog");
    await install.getByLabel("Name of the new flow").fill("Supplier sync from the template");
    await install.getByLabel(/^Supplier API/).selectOption({ label: "Demo supplier API" });
    await install.getByLabel(/^Shop database/).selectOption({ label: "Demo shop database" });
    await shot("2-install");
    await install.getByRole("button", { name: "Install", exact: true }).click();
    await install.getByRole("button", { name: "Dry run it now" }).click();

    // The editor opens the new flow and dry-runs it: what the supplier sent reaches the shop step.
    await page.waitForURL(/\/flows\/[^/?]+\?dryRun=1$|\/flows\/[^/?]+$/);
    const flowId = new URL(page.url()).pathname.split("/").pop()!;
    await page.getByRole("group", { name: /^\d+ records? from Supplier's products/ }).first().waitFor({ state: "attached", timeout: 60_000 });
    await shot("3-dry-run");
    const flow = await call<{ enabled: boolean; activeVersionNumber: number | null }>("flows.get", { flowId });
    expect(flow).toMatchObject({ enabled: false, activeVersionNumber: null });

    await page.getByRole("button", { name: "Publish", exact: true }).click();
    const publish = page.getByRole("dialog", { name: "Publish this flow" });
    await publish.getByLabel("What changed?").fill("Installed from the gallery");
    await publish.getByRole("button", { name: "Publish" }).click();
    await page.getByText("Published version 1").first().waitFor();
    await page.getByRole("button", { name: "Run now" }).click();
    const runLink = page.getByRole("link", { name: /^Run now: Succeeded/ });
    await runLink.waitFor({ timeout: 120_000 });
    await shot("4-run");
    const runId = (await runLink.getAttribute("href"))!.split("/").pop()!;
    const run = await call<{ status: string; counts: { read: number; written: number } }>("runs.get", { runId });
    expect(run).toMatchObject({ status: "succeeded", counts: { read: 5000, written: 5000 } });

    // The demo flow wrote the supplier's prices + 25 %; the template's flow writes them as they are.
    const shop = createDatabase(await embeddedDatabaseUrl(product), { max: 1 });
    try {
      for (const sku of ["SKU-000001", "SKU-002500", "SKU-005000"]) {
        const supplier = (await (await fetch(`${product.supplierUrl}/products/${sku}`)).json()) as { price: number; stock: number };
        const { rows } = await shop.pool.query<{ price: string; stock: number }>("select price, stock from shop.products where sku = $1", [sku]);
        expect(Number(rows[0]!.price), sku).toBeCloseTo(supplier.price, 2);
        expect(rows[0]!.stock, sku).toBe(supplier.stock);
      }
    } finally {
      await shop.close();
    }
    const used = (await call<{ items: { id: string; title: string; uses: number }[] }>("templates.list", {})).items.find((t) => t.title === TEMPLATE_1)!;
    expect(used.uses).toBe(1);

    // The template as a file: exported from its preview, changed, imported as a new template.
    await page.goto(`${product.url}/templates`);
    await page.getByRole("button", { name: `Preview ${TEMPLATE_1}` }).click();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("dialog").getByRole("button", { name: "Export" }).click()]);
    const exported = JSON.parse(await readFile((await download.path())!, "utf8")) as { kind: string; schemaVersion: number; title: string; connections: { ref: string; kind: string }[] };
    expect(exported).toMatchObject({ kind: "flowgate.template", schemaVersion: 1, title: TEMPLATE_1 });
    expect(exported.connections.map((c) => c.kind).sort()).toEqual(["http", "postgres"]);
    expect(JSON.stringify(exported)).not.toMatch(/password|127\.0\.0\.1/);
    await page.keyboard.press("Escape");
    const copy = path.join(await mkdtemp(path.join(tmpdir(), "flowgate-e2e-")), "our-sync.template.json");
    await writeFile(copy, JSON.stringify({ ...exported, title: "Our supplier sync" }));
    await page.getByRole("button", { name: "Import a template file" }).click();
    const importDialog = page.getByRole("dialog", { name: "Import a template file" });
    await importDialog.locator("input[type=file]").setInputFiles(copy);
    await importDialog.getByRole("button", { name: "Import template" }).click();
    // It opens the new template's preview; closed, the gallery lists it.
    await page.getByRole("dialog", { name: "Our supplier sync" }).waitFor();
    await shot("4b-imported-template");
    await page.keyboard.press("Escape");
    await page.getByRole("article").filter({ hasText: "Our supplier sync" }).waitFor();
    expect(dialogs).toEqual([]);
  });

  it("renders a malicious template and malicious flow files inert, and refuses the huge, the deep and the unknown", async () => {
    const evil = `<script>window.__pwned = "script"</script><img src=x onerror="window.__pwned='img'; alert('img')">`;
    // A flow whose name, labels and template texts carry markup, saved as a template.
    const { id: flowId } = await call<{ id: string }>("flows.create", { name: `Evil ${evil}` }, "POST");
    const node = (id: string, kind: string, x: number, config: Record<string, unknown>) => ({ id, kind, kindVersion: 1, label: `${id} ${evil}`, position: { x, y: 0 }, config });
    await call(
      "flows.saveDraft",
      {
        flowId,
        baseRevision: 0,
        document: {
          schemaVersion: 1,
          nodes: [node("start", "trigger.manual", 0, {}), node("map", "transform.map", 260, { fields: [{ target: "sku", expression: "sku" }] })],
          edges: [{ id: "e1", source: "start", sourcePort: "out", target: "map", targetPort: "in" }],
          settings: { batchSize: 100, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "skip" },
        },
      },
      "POST",
    );
    const saved = await call<{ templateId: string }>(
      "templates.saveFromFlow",
      { flowId, title: `Evil template ${evil}`.slice(0, 120), description: `Does harm ${evil} javascript:alert(1)`, category: "other", tags: ["<b onmouseover=alert(1)>x</b>", "javascript:alert(1)"], visibility: "workspace" },
      "POST",
    );

    await page.goto(`${product.url}/templates`);
    const card = page.getByRole("article").filter({ hasText: "Evil template" });
    await card.waitFor();
    // The markup is shown as text, never made into elements.
    expect(await card.textContent()).toContain("<script>");
    expect(await card.locator("script, img[src='x'], b").count()).toBe(0);
    await card.getByRole("button", { name: /^Preview/ }).click();
    await page.getByRole("dialog").getByText(/<script>window.__pwned/).first().waitFor();
    await page.mouse.move(700, 400);
    await shot("5-evil-preview");
    await page.keyboard.press("Escape");
    await page.goto(`${product.url}/templates?template=${encodeURIComponent(saved.templateId)}`);
    await page.getByRole("dialog").waitFor();

    // The flow itself, in the editor and the flows list.
    await page.goto(`${product.url}/flows/${flowId}`);
    await page.getByTestId("flow-canvas").waitFor();
    await page.locator(".react-flow__node").first().hover();
    await shot("6-evil-editor");
    await page.goto(`${product.url}/flows`);
    await page.getByText(/Evil <script>/).first().waitFor();

    // Flow files: markup and an unknown kind listed as text; 50 MB and 10,000 levels refused in the browser.
    const importFile = async (name: string, buffer: Buffer) => {
      await page.goto(`${product.url}/flows`);
      await page.getByRole("button", { name: "Import a flow file" }).click();
      const dialog = page.getByRole("dialog", { name: "Import a flow file" });
      // Playwright hands files over 50 MB only by path.
      const file = path.join(await mkdtemp(path.join(tmpdir(), "flowgate-e2e-")), name);
      await writeFile(file, buffer);
      await dialog.locator("input[type=file]").setInputFiles(file);
      await dialog.getByText(`${name} can't be imported`).waitFor({ timeout: 30_000 });
      return dialog;
    };
    const unknownKind = {
      schemaVersion: 1,
      kind: "flowgate.flow",
      name: `Imported ${evil}`,
      description: evil,
      document: {
        schemaVersion: 1,
        nodes: [{ id: "x", kind: "evil.kind", kindVersion: 1, label: evil, position: { x: 0, y: 0 }, config: {} }],
        edges: [],
        settings: { batchSize: 100, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "skip" },
      },
      connections: [],
    };
    const unknown = await importFile("evil.flow.json", Buffer.from(JSON.stringify(unknownKind)));
    await unknown.getByText(/Unknown step kind “evil.kind”/).waitFor();
    expect(await unknown.locator("script, img[src='x']").count()).toBe(0);
    await shot("7-evil-file");
    const huge = await importFile("huge.flow.json", Buffer.alloc(50 * 1024 * 1024, 32));
    await huge.getByText(/5 MB/).first().waitFor();
    const deep = await importFile("deep.flow.json", Buffer.from(`${"[".repeat(10_000)}${"]".repeat(10_000)}`));
    await deep.getByText(/nested|levels|deep/i).first().waitFor();
    await shot("8-deep-file");

    // The server refuses the same, whoever sends them.
    await expect(call("flows.validateImport", { fileText: `${"[".repeat(10_000)}${"]".repeat(10_000)}` }, "POST")).resolves.toMatchObject({ ok: false });
    const refusal = await call<{ ok: boolean; problems: { message: string }[] }>("flows.validateImport", { fileText: JSON.stringify(unknownKind) }, "POST");
    expect(refusal.problems.map((p) => p.message).join("\n")).toMatch(/Unknown step kind “evil.kind”/);
    const big = await fetch(`${product.url}/api/trpc/flows.validateImport`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json", origin: product.url },
      body: JSON.stringify({ fileText: "x".repeat(50 * 1024 * 1024) }),
    });
    expect(big.status).toBe(413);

    // Nothing ran: no dialog opened, no injected script set its mark.
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned ?? null)).toBeNull();
    expect(dialogs).toEqual([]);
  });
});
