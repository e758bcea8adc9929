/**
 * ten-million: 10M generated products (batches of 1,000) → transform.map (the 5 fields of
 * engine-map-filter) → filter.condition stock > 0 → transform.changes (key sku) → null destination,
 * every product new. transform.changes remembers a snapshot per key: 9M snapshots cannot live in
 * 300 MB, so the run's state goes through a StatePort on PostgreSQL (embedded, its own process),
 * checkpointed after every batch as the runtime will: the scenario process holds one batch at a time.
 */
import { peakRssMb, report } from "../scenario";
import { fmt, IN_STOCK_RULES, lineFlow, MAP_FIELDS, nodeTimes, runOrThrow, seconds } from "../lib/flow";
import { nullCounts } from "../lib/generated";
import { createStateTables, PostgresState } from "../lib/pg-state";
import { startBenchPostgres } from "../lib/postgres";

const RECORDS = Number(process.env.BENCH_TEN_MILLION_RECORDS ?? 10_000_000);
const GOAL_MB = 300;

const postgres = await startBenchPostgres("ten-million");
try {
  await createStateTables(postgres.pool);
  const flow = lineFlow([
    { id: "generate", kind: "source.generated", config: { count: RECORDS, seed: 11 } },
    { id: "map", kind: "transform.map", config: { fields: MAP_FIELDS.map((f) => ({ ...f })), keepUnmapped: true } },
    { id: "filter", kind: "filter.condition", config: IN_STOCK_RULES },
    { id: "changes", kind: "transform.changes", config: { keyFields: ["sku"], compare: "all" } },
    { id: "sink", kind: "destination.null", config: {} },
  ]);
  const state = new PostgresState(postgres.pool, "ten-million");
  let maxRss = 0;
  const sampler = setInterval(() => (maxRss = Math.max(maxRss, process.memoryUsage.rss())), 1000);
  nullCounts.records = 0;
  const start = process.hrtime.bigint();
  const run = await runOrThrow({ flow, services: undefined, state, checkpoint: state, runId: "ten-million" });
  const took = seconds(start);
  clearInterval(sampler);
  const kept = run.nodes.filter!.out.kept!;
  const { rows } = await postgres.pool.query<{ n: string; bytes: string }>("select count(*) as n, pg_total_relation_size('bench_state') as bytes from bench_state");
  const stored = Number(rows[0]!.n);
  if (run.recordsRead !== RECORDS || nullCounts.records !== kept || run.nodes.changes!.out.out !== kept || stored !== kept) {
    throw new Error(`read ${run.recordsRead}, filter kept ${kept}, changes let ${run.nodes.changes!.out.out} through, the sink got ${nullCounts.records}, ${stored} snapshots stored`);
  }
  const peak = peakRssMb();
  report({
    scenario: "ten-million",
    what: `${fmt(RECORDS)} generated products (batches of 1,000) → transform.map (5 fields, keepUnmapped) → filter.condition stock > 0 → transform.changes (key sku, compare all; ${fmt(kept)} created) → null destination, state through a PostgreSQL StatePort checkpointed after every batch.`,
    records: RECORDS,
    seconds: took,
    recordsPerSecond: RECORDS / took,
    peakRssMb: peak,
    goal: `peak RSS ≤${GOAL_MB} MB`,
    met: peak <= GOAL_MB,
    notes: [
      `State: bench/lib/pg-state.ts, a StatePort + CheckpointPort on the embedded PostgreSQL (table bench_state (node_id, key, value jsonb), primary key (node_id, key)): each batch reads its 1,000 keys with one \`key = any($1)\` query and the checkpoint upserts the staged snapshots (unnest) with the checkpoint row in one transaction; ${fmt(state.stats.checkpoints)} checkpoints, ${fmt(state.stats.rowsWritten)} snapshots written, ${fmt(stored)} stored (${fmt(Number(rows[0]!.bytes) / 1048576)} MB with its index). PostgreSQL's own memory (a separate process) is not in the peak RSS.`,
      `The in-memory StatePort (createMemoryState) cannot meet the goal at this size: it keeps every committed snapshot ({h, s}: the hash and the whole mapped record, ~10 fields) in a Map, several hundred bytes each, i.e. gigabytes for ${fmt(kept)} keys; not run.`,
      `Peak RSS ${fmt(peak, 1)} MB (maxRSS of the process; highest 1-s sample of rss during the run ${fmt(maxRss / 1048576, 1)} MB).`,
      `Per node: ${nodeTimes(run)}; the rest of the ${fmt(took)} s is the checkpoints (state writes to PostgreSQL).`,
      ...(peak <= GOAL_MB ? [] : [`Goal missed by ${fmt(peak - GOAL_MB, 1)} MB.`]),
    ],
  });
} finally {
  await postgres.stop();
}
