import { startShopApi, startSupplierApi, type Product } from "@flowgate/testkit";
import { procMemoryMb, waitForWrites, type MeasuredSide } from "./common";

export const PRODUCTS = 100_000;
export const PAGE_SIZE = 1000;
export const BATCH_SIZE = 100;
/** The second run: this share of the products changed at the supplier (price, stock, updated_at). */
export const CHANGED_PERCENT = 2;
const RUN_TIMEOUT_MS = 10 * 60_000;

export interface RunMeasure {
  /** Products read from the supplier (every page, every run). */
  read: number;
  /** Records the shop received (= created or changed, and in stock). */
  written: number;
  seconds: number;
  recordsPerSecond: number;
  detail: Record<string, unknown>;
}

export interface SideMeasure {
  name: string;
  /** Run 1: every product is new. Run 2: after CHANGED_PERCENT % of them changed. */
  runs: [RunMeasure, RunMeasure];
  /** Peak resident set of the side's process over its whole life (start, deploy, both runs). */
  peakRssMb: number;
  /** Resident set once started and ready, before the first run. */
  idleRssMb: number;
}

const inStock = (p: Product) => p.stock > 0;

/**
 * One side, alone: its own supplier (same seed, so the same catalogue and the same changes on both
 * sides) and its own shop, two runs, then its process's peak RSS. The clock runs from the trigger
 * until the shop holds every expected record; then the side must confirm (Flowgate: the run report;
 * Node-RED: nothing more arrives and nothing was logged) and the shop's records are checked one by one.
 */
export async function measureSide(start: (urls: { supplierUrl: string; shopUrl: string }) => Promise<MeasuredSide>): Promise<SideMeasure> {
  const supplier = await startSupplierApi({ count: PRODUCTS, seed: 1 });
  const shop = await startShopApi();
  let side: MeasuredSide | undefined;
  try {
    side = await start({ supplierUrl: supplier.url, shopUrl: shop.url });
    const idleRssMb = procMemoryMb(side.pid).rssMb;
    const runs: RunMeasure[] = [];
    for (const run of [1, 2] as const) {
      const changed = run === 2 ? new Set(supplier.changePercent(CHANGED_PERCENT)) : undefined;
      const expected = supplier.products.filter((p) => inStock(p) && (!changed || changed.has(p.sku)));
      shop.reset();
      supplier.requests.clear();
      const startedAt = process.hrtime.bigint();
      await side.trigger();
      await waitForWrites(shop, expected.length, RUN_TIMEOUT_MS, () => side!.failure());
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const detail = await side.settled(expected.length, shop);
      checkShop(side.name, run, shop.writes, expected);
      const pages = supplier.requests.countFor("/products", "GET");
      // Every page once; a reader that does not look at total_pages ends page-number pagination on an empty page.
      if (pages !== PRODUCTS / PAGE_SIZE && pages !== PRODUCTS / PAGE_SIZE + 1) {
        throw new Error(`${side.name}, run ${run}: ${pages} page requests to the supplier, expected ${PRODUCTS / PAGE_SIZE} (or one more, empty)`);
      }
      runs.push({ read: PRODUCTS, written: expected.length, seconds, recordsPerSecond: PRODUCTS / seconds, detail: { pages, ...detail } });
      process.stderr.write(`[vs-node-red] ${side.name}, run ${run}: ${PRODUCTS.toLocaleString("en")} read, ${expected.length.toLocaleString("en")} written in ${seconds.toFixed(2)} s\n`);
    }
    const { peakRssMb } = procMemoryMb(side.pid);
    return { name: side.name, runs: runs as [RunMeasure, RunMeasure], peakRssMb, idleRssMb };
  } finally {
    await side?.close();
    await supplier.close();
    await shop.close();
  }
}

/** Exactly the expected records, each once, each as the supplier has it now, each in one batch of ≤ BATCH_SIZE. */
function checkShop(name: string, run: number, writes: { sku: string; product?: Record<string, unknown>; batch: boolean }[], expected: Product[]): void {
  const fail = (why: string) => {
    throw new Error(`${name}, run ${run}: ${why}`);
  };
  if (writes.length !== expected.length) fail(`the shop received ${writes.length} records, expected ${expected.length}`);
  const bySku = new Map(expected.map((p) => [p.sku, p]));
  const seen = new Set<string>();
  for (const write of writes) {
    const want = bySku.get(write.sku);
    if (!want) fail(`the shop received ${write.sku}, which was not expected (unchanged or out of stock)`);
    if (seen.has(write.sku)) fail(`the shop received ${write.sku} twice`);
    seen.add(write.sku);
    if (!write.batch) fail(`${write.sku} was not written through POST /products/batch`);
    const got = write.product ?? {};
    for (const field of ["name", "price", "stock", "updated_at"] as const) {
      if (got[field] !== want![field]) fail(`${write.sku}.${field} is ${JSON.stringify(got[field])} in the shop, ${JSON.stringify(want![field])} at the supplier`);
    }
  }
}
