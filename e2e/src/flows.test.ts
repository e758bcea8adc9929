import type { Browser, Page } from "playwright-core";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshotDir } from "./browser";
import { removeDataDir, startProduct, type Product } from "./product";

let product: Product;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1366, height: 860 } });
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
  if (product) await removeDataDir(product.dataDir);
});

describe("a new user", () => {
  it("signs up, creates a flow, renames it and deletes it", async () => {
    await page.goto(`${product.url}/`);
    await page.waitForURL(/\/sign-in/);
    await page.getByRole("link", { name: /create an account|sign up/i }).click();
    await page.waitForURL(/\/sign-up/);
    await page.getByLabel("Name").fill("Mia Patel");
    await page.getByLabel("Email").fill("mia@example.test");
    await page.getByLabel("Password").fill("a long enough password");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/flows$/);
    await page.screenshot({ path: path.join(screenshotDir, "flows-empty.png") });

    await page.getByRole("button", { name: /New flow|Create your first flow/ }).first().click();
    const create = page.getByRole("dialog");
    await create.getByLabel("Flow name").fill("Supplier prices");
    await create.getByRole("button", { name: "Create" }).click();
    // A new flow opens in the editor; the list is one click back.
    await page.waitForURL(/\/flows\/[^/]+$/);
    await page.goto(`${product.url}/flows`);
    await page.getByText("Supplier prices").first().waitFor();

    await page.getByRole("button", { name: "Rename Supplier prices" }).click();
    const rename = page.getByRole("dialog");
    await rename.getByLabel("Flow name").fill("Supplier prices → shop");
    await rename.getByRole("button", { name: "Save" }).click();
    await page.getByText("Supplier prices → shop").first().waitFor();
    await page.screenshot({ path: path.join(screenshotDir, "flows-list.png") });

    await page.getByRole("button", { name: "Delete Supplier prices → shop" }).click();
    const confirm = page.getByRole("dialog");
    await expect.poll(() => confirm.textContent()).toMatch(/cannot be undone/);
    await confirm.getByRole("button", { name: "Delete" }).click();
    await page.getByText("“Supplier prices → shop” was deleted").waitFor();
    await expect.poll(() => page.getByRole("button", { name: "Rename Supplier prices → shop" }).count()).toBe(0);
    await page.screenshot({ path: path.join(screenshotDir, "flows-after-delete.png") });

    // The server agrees: after a reload the flow is still gone.
    await page.reload();
    await page.getByRole("button", { name: /New flow|Create your first flow/ }).first().waitFor();
    expect(await page.getByText("Supplier prices → shop").count()).toBe(0);
    await page.screenshot({ path: path.join(screenshotDir, "flows-after-reload.png") });
  });

  it("is refused with a clear message for a wrong password", async () => {
    const other = await browser.newPage();
    await other.goto(`${product.url}/sign-in`);
    await other.getByLabel("Email").fill("mia@example.test");
    await other.getByLabel("Password").fill("not the password");
    await other.getByRole("button", { name: "Sign in" }).click();
    await other.getByRole("alert").filter({ hasText: /invalid email or password/i }).waitFor();
    expect(other.url()).toMatch(/\/sign-in/);
    await other.close();
  });
});
