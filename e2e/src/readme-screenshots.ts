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
  await page.waitForURL(/\/flows$/);
  await page.getByText("Supplier products → shop").first().waitFor();
  await page.screenshot({ path: out("screenshot-flows.png") });
  console.log(`wrote ${out("screenshot-sign-in.png")} and ${out("screenshot-flows.png")}`);
} finally {
  await browser.close();
}
