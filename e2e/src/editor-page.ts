/** Driving the flow editor the way a person does: the palette, the canvas's ports, the inspector and the panels. */
import path from "node:path";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { screenshotDir } from "./browser";

/** A browser context signed in with the session cookie of `signIn` (no sign-in form on every test). */
export async function signedInContext(context: BrowserContext, url: string, cookie: string): Promise<void> {
  const { hostname } = new URL(url);
  await context.addCookies(
    cookie.split("; ").map((pair) => {
      const [name, ...value] = pair.split("=");
      return { name: name!, value: value.join("="), domain: hostname, path: "/" };
    }),
  );
}

export class EditorPage {
  constructor(readonly page: Page) {}

  async open(url: string, flowId: string) {
    await this.page.goto(`${url}/flows/${flowId}`);
    await this.canvas.waitFor();
    await this.saved();
  }

  get canvas(): Locator {
    return this.page.getByTestId("flow-canvas");
  }

  /** A node on the canvas by its label. */
  node(label: string): Locator {
    return this.page.locator(".react-flow__node").filter({ has: this.page.getByText(label, { exact: true }) });
  }

  nodes(): Locator {
    return this.page.locator(".react-flow__node");
  }

  edges(): Locator {
    return this.page.locator(".react-flow__edge");
  }

  /** Drags a kind from the palette onto the canvas at (x, y) relative to the canvas's top left. */
  async dragKind(kindLabel: string, x: number, y: number) {
    await this.page.getByRole("button", { name: `Add ${kindLabel}` }).dragTo(this.canvas, { targetPosition: { x, y } });
  }

  /** Drags from one node's output port to another's input port, with the mouse, as a person does. */
  async connect(from: string, to: string, port = "out") {
    const source = this.page.getByLabel(`${from}: output ${port}`, { exact: true });
    const target = this.page.getByLabel(`${to}: input in`, { exact: true });
    const a = await stableBox(source);
    const b = await stableBox(target);
    await this.page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
    await this.page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
    await this.page.mouse.up();
  }

  /** Selects a node by clicking its title, so the inspector shows it. */
  async select(label: string) {
    await this.node(label).getByText(label, { exact: true }).first().click();
    await this.inspector.getByRole("textbox", { name: "Name", exact: true }).waitFor();
  }

  get inspector(): Locator {
    return this.page.getByRole("complementary", { name: "Inspector" });
  }

  /** Waits until autosave says the draft is saved. */
  async saved() {
    await this.page.getByRole("status").filter({ hasText: /^Saved$/ }).waitFor({ timeout: 15_000 });
  }

  async tab(name: "Problems" | "Dry run" | "Versions") {
    await this.page.getByRole("tablist", { name: "Editor panels" }).getByRole("tab", { name: new RegExp(`^${name}`) }).click();
  }

  async shot(name: string) {
    await this.page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
  }

  /** Ctrl+key on the canvas (clicking an empty spot of the pane first, so the canvas has focus). */
  async key(combo: string) {
    await this.page.keyboard.press(combo);
  }

  async focusPane() {
    const box = (await this.canvas.boundingBox())!;
    await this.page.mouse.click(box.x + box.width - 40, box.y + 40);
  }
}

/** A locator's box once it stops moving (the canvas may still be panning to a node just added). */
async function stableBox(locator: Locator) {
  let last = await locator.boundingBox();
  for (let i = 0; i < 50; i++) {
    await locator.page().waitForTimeout(100);
    const now = await locator.boundingBox();
    if (now && last && now.x === last.x && now.y === last.y) return now;
    last = now;
  }
  throw new Error(`${locator} kept moving`);
}
