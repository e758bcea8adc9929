/**
 * http-to-postgres: 100k products from the test-kit supplier over loopback (pages of 1,000; the supplier
 * in a process of its own) → transform.map → filter.condition (stock > 0) → destination.postgres upsert
 * into the shop table of an embedded PostgreSQL, through runFlow with the real kinds and test services.
 * Ceiling: a hand-written undici + JSON.parse + plain JS map/filter + multi-row INSERT … ON CONFLICT DO
 * UPDATE script (one statement per page). The table is emptied before each run and checked after it;
 * each side runs twice, alternating; the best run of each counts.
 */
import { createMemoryState } from "@flowgate/engine/testing";
import { createTestServices } from "@flowgate/nodes/testing";
import type { LogEntry } from "@flowgate/engine";
import { createShopProductsTable } from "@flowgate/testkit";
import { peakRssMb, report } from "../scenario";
import { best, fmt, nodeTimes, runOrThrow, seconds } from "../lib/flow";
import { startBenchPostgres } from "../lib/postgres";
import { checkShopTable, CONNECTION_ID, destinationCounts, handWrittenSync, PAGE_SIZE, SHOP_TABLE, shopFlow } from "../lib/shop";
import { startSupplierProcess } from "../lib/supplier";

const PRODUCTS = 100_000;
const ROUNDS = 2;

const postgres = await startBenchPostgres("http-to-postgres");
const supplier = await startSupplierProcess(PRODUCTS);
const services = createTestServices();
try {
  await createShopProductsTable(postgres.pool);
  services.addConnection({ id: CONNECTION_ID, kind: "postgres", name: "Shop", settings: { connectionString: postgres.connectionString }, secret: null });
  const flow = shopFlow(supplier.url, { changes: false });
  const expectedRows = supplier.catalogue.products.filter((p) => p.stock > 0).length;

  const ceilingTimes: number[] = [];
  const subjectTimes: number[] = [];
  let bestReport: Awaited<ReturnType<typeof runOrThrow>> | undefined;
  let counts: Record<string, number> = {};
  for (let round = 1; round <= ROUNDS; round++) {
    await postgres.pool.query(`truncate ${SHOP_TABLE}`);
    let start = process.hrtime.bigint();
    const hand = await handWrittenSync(supplier.url, postgres.pool);
    ceilingTimes.push(seconds(start));
    if (hand.read !== PRODUCTS || hand.written !== expectedRows) throw new Error(`the hand-written script read ${hand.read} and wrote ${hand.written}`);
    await checkShopTable(postgres.pool, supplier.catalogue);

    await postgres.pool.query(`truncate ${SHOP_TABLE}`);
    const log: LogEntry[] = [];
    start = process.hrtime.bigint();
    const run = await runOrThrow({ flow, services, state: createMemoryState(), runId: `h2p-${round}`, log: (e) => log.push(e) });
    const took = seconds(start);
    subjectTimes.push(took);
    if (run.recordsRead !== PRODUCTS) throw new Error(`Flowgate read ${run.recordsRead} records, expected ${PRODUCTS}`);
    counts = destinationCounts(log);
    if (counts.created !== expectedRows || run.nodes.shop!.in !== expectedRows) throw new Error(`Flowgate created ${counts.created} rows, expected ${expectedRows}`);
    await checkShopTable(postgres.pool, supplier.catalogue);
    if (took <= best(subjectTimes)) bestReport = run;
    process.stderr.write(`[http-to-postgres] round ${round}: hand-written ${ceilingTimes.at(-1)!.toFixed(2)} s, Flowgate ${took.toFixed(2)} s\n`);
  }

  const subjectSeconds = best(subjectTimes);
  const ceilingSeconds = best(ceilingTimes);
  const recordsPerSecond = PRODUCTS / subjectSeconds;
  const ceilingPerSecond = PRODUCTS / ceilingSeconds;
  const ratio = recordsPerSecond / ceilingPerSecond;
  report({
    scenario: "http-to-postgres",
    what: `${fmt(PRODUCTS)} products from the test-kit supplier over loopback (pages of ${fmt(PAGE_SIZE)}, supplier in its own process) → transform.map (sku, name & " (" & sku & ")", $round(price * 1.23, 2), stock, updated_at) → filter.condition stock > 0 → destination.postgres upsert into ${SHOP_TABLE} (embedded PostgreSQL, emptied before each run; ${fmt(expectedRows)} rows created and checked against the catalogue after each run); best of ${ROUNDS}.`,
    records: PRODUCTS,
    seconds: subjectSeconds,
    recordsPerSecond,
    peakRssMb: peakRssMb(),
    ceiling: { recordsPerSecond: ceilingPerSecond, what: "a hand-written script: undici request per page + JSON.parse + the same map/filter in plain JS + one multi-row INSERT … ON CONFLICT (sku) DO UPDATE per page through pg, best of the same rounds." },
    ratio,
    goal: "ratio ≥0.5",
    met: ratio >= 0.5,
    notes: [
      `Runs (s): Flowgate ${subjectTimes.map((t) => t.toFixed(2)).join(", ")}; hand-written ${ceilingTimes.map((t) => t.toFixed(2)).join(", ")}.`,
      `Destination in the last run: ${JSON.stringify(counts)}.`,
      `Per node in the best run: ${nodeTimes(bestReport!)} (source.http includes waiting for the supplier).`,
      "PostgreSQL and the supplier run in processes of their own; peak RSS is the scenario process (Flowgate and the ceiling).",
      ...(ratio >= 0.5 ? [] : [`Goal missed: ratio ${fmt(ratio, 2)}, short of 0.5.`]),
    ],
  });
} finally {
  await services.close();
  await supplier.close();
  await postgres.stop();
}
