/**
 * Screenshots for README.md, taken from a running product as its demo admin:
 *   npx tsx e2e/src/readme-screenshots.ts http://localhost:3000 <demo email> <demo password>
 */
import path from "node:path";
import { launchBrowser } from "./browser";
import { repoRoot } from "./product";

const [url = "http://localhost:3000", email, password] = process.argv.slice(2);
if (!email || !password) throw new Error("usage: readme-screenshots.ts <url> <email> <password> (the demo sign-in npm start prints)");

const out = (name: string) => path.join(repoRoot, "docs", name);
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  await page.goto(`${url}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.screenshot({ path: out("screenshot-sign-in.png") });
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // Signing in lands on the dashboard.
  await page.waitForURL(/\/dashboard$/);
  await page.getByRole("heading", { name: "Dashboard" }).first().waitFor();
  await page.waitForTimeout(800);
  await page.screenshot({ path: out("screenshot-dashboard.png") });
  await page.goto(`${url}/flows`);
  await page.getByText("Supplier products → shop").first().waitFor();
  await page.screenshot({ path: out("screenshot-flows.png") });

  // The demo flow in the editor, after a dry run, with what the supplier sent.
  await page.setViewportSize({ width: 1600, height: 900 });
  await page.getByRole("link", { name: "Supplier products → shop" }).first().click();
  await page.getByTestId("flow-canvas").waitFor();
  await page.getByRole("button", { name: "Dry run" }).click();
  await page.getByRole("group", { name: /^\d+ records? from Shop prices/ }).waitFor({ state: "attached", timeout: 60_000 });
  await page.locator(".react-flow__node").filter({ hasText: "Supplier products" }).getByText("Supplier products", { exact: true }).first().click();
  await page.getByRole("tab", { name: "Output" }).click();
  await page.waitForTimeout(500);
  await page.screenshot({ path: out("screenshot-editor.png") });
  console.log(`wrote ${["screenshot-sign-in.png", "screenshot-dashboard.png", "screenshot-flows.png", "screenshot-editor.png"].map(out).join(", ")}`);
} finally {
  await browser.close();
}
