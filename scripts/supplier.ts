/**
 * The demo's supplier for `npm start` on the embedded database: the test kit's supplier API on
 * loopback, in a process of its own (start.ts stops it after the worker that reads it).
 *
 * 5,000 products from a fixed seed, so every start serves the same catalogue and a restart shows
 * up as a few changes, not 5,000; every few minutes a few percent of them change price and stock,
 * so the demo flow has changes to carry.
 * Protocol (as db-server.ts): one JSON line on stdout ({url, port} or {error}); SIGTERM, SIGINT or
 * a closed stdin (start.ts gone) stops it.
 */
import { startSupplierApi, type SupplierApi } from "@flowgate/testkit";

const SUPPLIER_PRODUCTS = 5000;
const SEED = 2024;
const CHANGE_PERCENT = 2;
const CHANGE_EVERY_MS = 2 * 60_000;

const preferredPort = Number(process.argv[2] ?? 0);

async function start(): Promise<SupplierApi> {
  // control: the browser tests change chosen prices and pause the periodic changes over HTTP (loopback only).
  const options = { count: SUPPLIER_PRODUCTS, seed: SEED, defaultPageSize: 100, maxPageSize: 1000, control: true };
  try {
    return await startSupplierApi({ ...options, port: preferredPort });
  } catch (error) {
    // The preferred port is taken (another Flowgate, another app): any free one will do, start.ts prints it.
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || preferredPort === 0) throw error;
    return startSupplierApi({ ...options, port: 0 });
  }
}

try {
  const supplier = await start();
  const changes = setInterval(() => {
    if (supplier.automaticChangesPaused) return;
    const skus = supplier.changePercent(CHANGE_PERCENT);
    console.log(`${skus.length} products changed price and stock (${skus.slice(0, 3).join(", ")}, …)`);
  }, CHANGE_EVERY_MS);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(changes);
    await supplier.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  process.on("SIGHUP", () => void stop());
  process.stdin.on("end", () => void stop()).resume();
  const port = Number(new URL(supplier.url).port);
  process.stdout.write(`${JSON.stringify({ url: supplier.url, port, products: SUPPLIER_PRODUCTS, changePercent: CHANGE_PERCENT, changeEveryMinutes: CHANGE_EVERY_MS / 60_000 })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: `The demo supplier API could not start: ${error instanceof Error ? error.message : String(error)}` })}\n`);
  process.exit(1);
}
