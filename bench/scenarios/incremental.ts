/**
 * incremental: the http-to-postgres flow with transform.changes before the destination. Run 1 reads the
 * 100k products and creates every in-stock one; then, three times, 1% of the products change at the
 * supplier and the flow runs again: it must write exactly the changed (in-stock) records, and take at
 * most 1.5× the time of "read + hash" (the ceiling: a hand-written fetch of every page + canonical JSON
 * + sha1 per record). The best of the three incremental runs counts, against the best ceiling.
 */
import type { LogEntry } from "@flowgate/engine";
import { createMemoryState } from "@flowgate/engine/testing";
import { createTestServices } from "@flowgate/nodes/testing";
import { createShopProductsTable } from "@flowgate/testkit";
import { peakRssMb, report } from "../scenario";
import { best, fmt, nodeTimes, runOrThrow, seconds } from "../lib/flow";
import { startBenchPostgres } from "../lib/postgres";
import { checkShopTable, CONNECTION_ID, destinationCounts, readAndHash, shopFlow } from "../lib/shop";
import { startSupplierProcess } from "../lib/supplier";

const PRODUCTS = 100_000;
const CHANGED_PERCENT = 1;
const ROUNDS = 3;

const postgres = await startBenchPostgres("incremental");
const supplier = await startSupplierProcess(PRODUCTS);
const services = createTestServices();
try {
  await createShopProductsTable(postgres.pool);
  services.addConnection({ id: CONNECTION_ID, kind: "postgres", name: "Shop", settings: { connectionString: postgres.connectionString }, secret: null });
  const flow = shopFlow(supplier.url, { changes: true });
  // The committed change-detection snapshots carry over from run to run, as the runtime's PostgreSQL state will.
  const state = createMemoryState();

  const firstStart = process.hrtime.bigint();
  const first = await runOrThrow({ flow, services, state, runId: "inc-1" });
  const firstSeconds = seconds(firstStart);
  const inStock = supplier.catalogue.products.filter((p) => p.stock > 0).length;
  if (first.nodes.shop!.in !== inStock) throw new Error(`run 1 wrote ${first.nodes.shop!.in} records, expected ${inStock}`);
  await checkShopTable(postgres.pool, supplier.catalogue);

  const ceilingTimes: number[] = [];
  const subjectTimes: number[] = [];
  const written: number[] = [];
  let bestReport = first;
  for (let round = 1; round <= ROUNDS; round++) {
    const changed = new Set(await supplier.changePercent(CHANGED_PERCENT));
    const changedProducts = supplier.catalogue.products.filter((p) => changed.has(p.sku));
    const expected = changedProducts.filter((p) => p.stock > 0).length;
    const changedAt = changedProducts[0]!.updated_at;

    let start = process.hrtime.bigint();
    const hashed = await readAndHash(supplier.url);
    ceilingTimes.push(seconds(start));
    if (hashed.read !== PRODUCTS) throw new Error(`read + hash read ${hashed.read} products`);

    const log: LogEntry[] = [];
    start = process.hrtime.bigint();
    const run = await runOrThrow({ flow, services, state, runId: `inc-${round + 1}`, log: (e) => log.push(e) });
    const took = seconds(start);
    subjectTimes.push(took);
    const counts = destinationCounts(log);
    const table = await checkShopTable(postgres.pool, supplier.catalogue, changedAt);
    // Exactly the changed in-stock records: out of change detection, into the destination, and as rows.
    if (run.recordsRead !== PRODUCTS || run.nodes.changes!.out.out !== expected || run.nodes.shop!.in !== expected || counts.created! + counts.updated! !== expected || counts.unchanged !== 0 || table.withUpdatedAt !== expected) {
      throw new Error(`round ${round}: ${changed.size} changed, ${expected} in stock; read ${run.recordsRead}, changes let ${run.nodes.changes!.out.out} through, the destination got ${run.nodes.shop!.in} (${JSON.stringify(counts)}), ${table.withUpdatedAt} rows carry the change's time`);
    }
    written.push(expected);
    if (took <= best(subjectTimes)) bestReport = run;
    process.stderr.write(`[incremental] round ${round}: ${changed.size} changed, ${expected} written; read + hash ${ceilingTimes.at(-1)!.toFixed(2)} s, Flowgate ${took.toFixed(2)} s\n`);
  }

  const subjectSeconds = best(subjectTimes);
  const ceilingSeconds = best(ceilingTimes);
  const factor = subjectSeconds / ceilingSeconds;
  report({
    scenario: "incremental",
    what: `The http-to-postgres flow with transform.changes (key sku, compare all) before the destination: after a first run that created ${fmt(inStock)} rows (${fmt(firstSeconds, 2)} s), ${CHANGED_PERCENT}% of the ${fmt(PRODUCTS)} products changed at the supplier and the flow ran again (${ROUNDS} times, a new ${CHANGED_PERCENT}% each time); each run wrote exactly the changed in-stock records (${written.join(", ")}), checked on change detection's output, the destination's counts and the table's rows. Best of ${ROUNDS}.`,
    records: PRODUCTS,
    seconds: subjectSeconds,
    recordsPerSecond: PRODUCTS / subjectSeconds,
    peakRssMb: peakRssMb(),
    ceiling: { recordsPerSecond: PRODUCTS / ceilingSeconds, what: "read + hash: a hand-written undici fetch of every page + JSON.parse + canonical JSON (sorted keys) + sha1 per record, best of the same rounds." },
    ratio: ceilingSeconds / subjectSeconds,
    goal: "exactly the changed records written; time ≤1.5× read + hash",
    met: factor <= 1.5,
    notes: [
      `Second-run time ${fmt(factor, 2)}× read + hash (runs: Flowgate ${subjectTimes.map((t) => t.toFixed(2)).join(", ")} s; read + hash ${ceilingTimes.map((t) => t.toFixed(2)).join(", ")} s).`,
      `Per node in the best run: ${nodeTimes(bestReport)}.`,
      "Where the time goes (node --cpu-prof of this scenario at a333117, and the per-node times): the read (source.http fetch + parse) costs about what the ceiling's does; transform.changes is the largest part: besides the same canonical JSON + sha1 per record as the ceiling, it fetches the remembered state of all 1,000 keys of every batch, and the in-memory StatePort structuredClones each remembered snapshot on get (≈1 s of self time over the scenario's four runs, the largest single JavaScript item after the GC). destination.postgres spends its time on round trips, not rows: ~10 changed rows per 1,000-record batch, each batch its own transaction (begin, savepoint, upsert, release, commit), 100 of them; the ceiling writes nothing, so this is a cost the goal gives no room for. Remedies: a state get that does not clone (or clones lazily), and a destination that buffers small batches into fewer transactions.",
      "State between runs: the in-memory StatePort (createMemoryState), its committed snapshots carried from run to run; the runtime will keep them in PostgreSQL (reads of 1,000 keys per batch and writes of the changed ones), which this number does not include.",
      "PostgreSQL and the supplier run in processes of their own; peak RSS is the scenario process (Flowgate with 100k snapshots in memory, and the ceiling).",
      ...(factor <= 1.5 ? [] : [`Time goal missed: ${fmt(factor, 2)}× read + hash, above 1.5×.`]),
    ],
  });
} finally {
  await services.close();
  await supplier.close();
  await postgres.stop();
}
