/**
 * The flow editor in a real browser against `npm start`'s product: undo/redo, copy and paste between
 * flows, a concurrent save, version diff and restore (issue 5, acceptance 2). Screenshots go to
 * e2e/screenshots/editor-*.png.
 */
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, trpc } from "./api";
import { launchBrowser } from "./browser";
import { EditorPage, signedInContext } from "./editor-page";
import { removeDataDir, startProduct, type Product } from "./product";

let product: Product;
let browser: Browser;
let cookie: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser();
  cookie = await signIn(product.url, product.demo!.email, product.demo!.password);
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await product?.stop();
  if (product) await removeDataDir(product.dataDir);
});

async function newEditor(): Promise<EditorPage> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  contexts.push(context);
  await signedInContext(context, product.url, cookie);
  const page = await context.newPage();
  return new EditorPage(page);
}

interface Draft {
  nodes: { id: string; kind: string; label: string; config: Record<string, unknown> }[];
  edges: { source: string; target: string }[];
}

async function createFlow(name: string, document?: unknown): Promise<string> {
  const { id } = await trpc<{ id: string }>(product.url, cookie, "flows.create", { name }, "POST");
  if (document) await trpc(product.url, cookie, "flows.saveDraft", { flowId: id, document, baseRevision: 0 }, "POST");
  return id;
}

const draftOf = async (flowId: string) => (await trpc<{ draft: Draft; revision: number }>(product.url, cookie, "flows.get", { flowId })).draft;

function scheduleToMap() {
  const node = (id: string, kind: string, label: string, x: number, config: Record<string, unknown>) => ({ id, kind, kindVersion: 1, label, position: { x, y: 120 }, config });
  return {
    schemaVersion: 1,
    nodes: [
      node("tick", "trigger.schedule", "Every hour", 80, { mode: "interval", every: 1, unit: "hours" }),
      node("prices", "transform.map", "Prices", 380, { fields: [{ target: "price", expression: "price * 2", type: "number" }], keepUnmapped: true }),
    ],
    edges: [{ id: "e1", source: "tick", sourcePort: "out", target: "prices", targetPort: "in" }],
    settings: { batchSize: 1000, timezone: "UTC" },
  };
}

describe("the flow editor", () => {
  it("undoes and redoes adding, connecting, deleting and editing, and saves what is on the canvas", async () => {
    const editor = await newEditor();
    const { page } = editor;
    const flowId = await createFlow("Undo and redo");
    await editor.open(product.url, flowId);
    await page.getByText(/Drag a trigger/).waitFor();

    // Add: two nodes from the palette (click adds after the selected node, connected).
    await page.getByRole("button", { name: "Add Run by hand" }).click();
    await editor.node("Run by hand").waitFor();
    await page.getByRole("button", { name: "Add Map fields" }).click();
    await editor.node("Map fields").waitFor();
    await expect.poll(() => editor.edges().count()).toBe(1);
    // Connect: a third node by dragging port to port.
    await editor.dragKind("Filter", 700, 420);
    await editor.node("Filter").waitFor();
    await editor.connect("Map fields", "Filter");
    await expect.poll(() => editor.edges().count()).toBe(2);
    // Edit a config: the map's "keep other fields" switch, through the inspector.
    await editor.select("Map fields");
    const keep = editor.inspector.getByRole("switch", { name: /Keep other fields|Keep unmapped/ });
    const keptBefore = await keep.getAttribute("aria-checked");
    await keep.click();
    await expect.poll(() => keep.getAttribute("aria-checked")).not.toBe(keptBefore);
    // Delete: the filter, with the keyboard.
    await editor.select("Filter");
    await editor.focusPane();
    await editor.node("Filter").click();
    await page.keyboard.press("Delete");
    await expect.poll(() => editor.nodes().count()).toBe(2);
    await editor.shot("editor-undo-before");

    const mod = "Control";
    // Undo the delete, then the config edit, then the connection, then the added node.
    await page.keyboard.press(`${mod}+z`);
    await expect.poll(() => editor.nodes().count()).toBe(3);
    await expect.poll(() => editor.edges().count()).toBe(2);
    await page.keyboard.press(`${mod}+z`);
    await editor.select("Map fields");
    await expect.poll(() => keep.getAttribute("aria-checked")).toBe(keptBefore);
    await editor.focusPane();
    await page.keyboard.press(`${mod}+z`);
    await expect.poll(() => editor.edges().count()).toBe(1);
    await page.keyboard.press(`${mod}+z`);
    await expect.poll(() => editor.nodes().count()).toBe(2);
    await editor.shot("editor-undo-after");
    // Redo all four: back where we were.
    for (let i = 0; i < 4; i++) await page.keyboard.press(`${mod}+Shift+z`);
    await expect.poll(() => editor.nodes().count()).toBe(2);
    await expect.poll(() => editor.edges().count()).toBe(1);
    // The buttons do the same as the keys.
    await page.getByRole("button", { name: "Undo", exact: true }).click();
    await expect.poll(() => editor.nodes().count()).toBe(3);
    await page.getByRole("button", { name: "Redo", exact: true }).click();
    await expect.poll(() => editor.nodes().count()).toBe(2);

    await editor.saved();
    const draft = await draftOf(flowId);
    expect(draft.nodes.map((n) => n.kind).sort()).toEqual(["transform.map", "trigger.manual"]);
    expect(draft.edges).toHaveLength(1);
    expect(draft.nodes.find((n) => n.kind === "transform.map")!.config.keepUnmapped).toBe(keptBefore !== "true");
  });

  it("copies nodes from one flow and pastes them into another flow in another tab", async () => {
    const editor = await newEditor();
    const source = await createFlow("Copy from", scheduleToMap());
    const target = await createFlow("Paste into");
    await editor.open(product.url, source);
    await editor.focusPane();
    await editor.page.keyboard.press("Control+a");
    await editor.page.keyboard.press("Control+c");

    // Another tab of the same browser: the clipboard is the system's, not the page's.
    const other = new EditorPage(await editor.page.context().newPage());
    await other.open(product.url, target);
    await other.focusPane();
    await other.page.keyboard.press("Control+v");
    await expect.poll(() => other.nodes().count()).toBe(2);
    await expect.poll(() => other.edges().count()).toBe(1);
    await other.node("Prices").waitFor();
    await other.shot("editor-pasted");
    await other.saved();
    const pasted = await draftOf(target);
    expect(pasted.nodes.map((n) => n.label).sort()).toEqual(["Every hour", "Prices"]);
    expect(pasted.nodes.find((n) => n.label === "Prices")!.config).toMatchObject({ fields: [{ target: "price", expression: "price * 2" }] });
    // Pasting something that is not Flowgate nodes says so and changes nothing.
    await other.page.evaluate(() => {
      const event = new ClipboardEvent("paste", { clipboardData: new DataTransfer(), bubbles: true });
      event.clipboardData!.setData("text/plain", "just some text");
      document.activeElement?.dispatchEvent(event) ?? document.dispatchEvent(event);
    });
    await other.page.getByText(/not .*Flowgate|isn’t Flowgate|not Flowgate/i).first().waitFor();
    expect(await other.nodes().count()).toBe(2);
  });

  it("reports a save by someone else instead of overwriting it, and reloads their version on request", async () => {
    const flowId = await createFlow("Two editors", scheduleToMap());
    const mine = await newEditor();
    const theirs = await newEditor();
    await mine.open(product.url, flowId);
    await theirs.open(product.url, flowId);

    // They rename a node and it saves.
    await theirs.select("Prices");
    await theirs.inspector.getByRole("textbox", { name: "Name", exact: true }).fill("Their prices");
    await theirs.saved();
    expect((await draftOf(flowId)).nodes.map((n) => n.label)).toContain("Their prices");

    // I edit the same flow, from the old revision: the save is refused and the editor says so.
    await mine.select("Every hour");
    await mine.inspector.getByRole("textbox", { name: "Name", exact: true }).fill("My trigger");
    const dialog = mine.page.getByRole("dialog", { name: "Someone else saved this flow" });
    await dialog.waitFor({ timeout: 15_000 });
    expect(await dialog.textContent()).toMatch(/saved this flow at .*after you opened it/);
    await mine.shot("editor-conflict");
    // Their work is intact on the server.
    const server = await draftOf(flowId);
    expect(server.nodes.map((n) => n.label).sort()).toEqual(["Every hour", "Their prices"]);

    await dialog.getByRole("button", { name: "Reload their version" }).click();
    await dialog.waitFor({ state: "hidden" });
    await mine.node("Their prices").waitFor();
    await mine.saved();
    expect((await draftOf(flowId)).nodes.map((n) => n.label).sort()).toEqual(["Every hour", "Their prices"]);
  });

  it("compares two versions on the canvas and restores an old one as the draft", async () => {
    const flowId = await createFlow("Versions", scheduleToMap());
    await trpc(product.url, cookie, "flows.publish", { flowId, message: "First" }, "POST");
    const v2 = scheduleToMap();
    v2.nodes[1]!.config = { fields: [{ target: "price", expression: "price * 3", type: "number" }], keepUnmapped: true };
    v2.nodes.push({ id: "keep", kind: "filter.condition", kindVersion: 1, label: "In stock", position: { x: 680, y: 120 }, config: { mode: "rules", match: "all", rules: [{ field: "stock", operator: "greater", value: 0 }], groups: [] } });
    v2.edges.push({ id: "e2", source: "prices", sourcePort: "out", target: "keep", targetPort: "in" });
    const { revision } = await trpc<{ revision: number }>(product.url, cookie, "flows.get", { flowId });
    await trpc(product.url, cookie, "flows.saveDraft", { flowId, document: v2, baseRevision: revision }, "POST");
    await trpc(product.url, cookie, "flows.publish", { flowId, message: "Triple prices, in stock only" }, "POST");

    const editor = await newEditor();
    const { page } = editor;
    await editor.open(product.url, flowId);
    await editor.tab("Versions");
    const versions = page.getByRole("list", { name: "Versions" });
    await versions.getByText("Triple prices, in stock only").waitFor();
    await page.getByRole("combobox", { name: "Compare from" }).selectOption({ label: "Version 1" });
    await page.getByRole("combobox", { name: "Compare with" }).selectOption({ label: "Version 2" });
    await page.getByRole("button", { name: "Compare", exact: true }).click();
    const changes = page.getByRole("region", { name: /Changes from version 1 to version 2/ });
    await expect.poll(() => changes.textContent()).toContain("In stock");
    const text = (await changes.textContent()) ?? "";
    expect(text).toMatch(/price \* 2/);
    expect(text).toMatch(/price \* 3/);
    // The canvas marks the added and the changed node.
    await expect.poll(() => editor.node("In stock").textContent()).toMatch(/Added/i);
    await expect.poll(() => editor.node("Prices").textContent()).toMatch(/Changed/i);
    await editor.shot("editor-version-diff");

    await page.getByRole("button", { name: "Close comparison" }).click();
    await page.getByRole("button", { name: "Restore version 1" }).click();
    const confirm = page.getByRole("dialog", { name: "Restore version 1?" });
    await confirm.getByRole("button", { name: "Restore" }).click();
    await expect.poll(() => editor.nodes().count()).toBe(2);
    await editor.saved();
    const draft = await draftOf(flowId);
    expect(draft.nodes.map((n) => n.label).sort()).toEqual(["Every hour", "Prices"]);
    expect(draft.nodes.find((n) => n.label === "Prices")!.config).toMatchObject({ fields: [{ expression: "price * 2" }] });
    // The published version is untouched: version 2 still runs.
    const flow = await trpc<{ activeVersionNumber: number; hasUnpublishedChanges: boolean }>(product.url, cookie, "flows.get", { flowId });
    expect(flow.activeVersionNumber).toBe(2);
    await editor.shot("editor-restored");
  });
});

