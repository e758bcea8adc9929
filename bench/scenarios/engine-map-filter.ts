/**
 * engine-map-filter: 1M generated products (batches of 1,000, never all at once) → transform.map (5
 * fields, fast-subset expressions) → filter.condition (rules: stock > 0) → a null destination, through
 * the engine (runFlow) with the real map and filter kinds. Ceiling: a plain JS loop doing the same map
 * and filter over the same generator. Each side runs three times, alternating; the best run of each counts.
 */
import { compileExpression } from "@flowgate/engine/expressions";
import { createMemoryState } from "@flowgate/engine/testing";
import { peakRssMb, report } from "../scenario";
import { generatedBatches, nullCounts } from "../lib/generated";
import { best, fmt, IN_STOCK_RULES, lineFlow, MAP_FIELDS, nodeTimes, runOrThrow, seconds } from "../lib/flow";

const RECORDS = 1_000_000;
const BATCH = 1000;
const ROUNDS = 3;

const flow = lineFlow([
  { id: "generate", kind: "source.generated", config: { count: RECORDS, seed: 7 } },
  { id: "map", kind: "transform.map", config: { fields: MAP_FIELDS.map((f) => ({ ...f })), keepUnmapped: true } },
  { id: "filter", kind: "filter.condition", config: IN_STOCK_RULES },
  { id: "sink", kind: "destination.null", config: {} },
]);

/**
 * The ceiling: the same records, the same five fields and the same filter, as a person would write
 * them by hand for this record shape (an object literal with every field, the unmapped ones copied).
 */
function plainLoop(): number {
  let kept = 0;
  for (const batch of generatedBatches(RECORDS, BATCH, 7)) {
    const out: Record<string, unknown>[] = [];
    for (let i = 0; i < batch.length; i++) {
      const r = batch[i]!;
      const record = {
        sku: r.sku,
        name: r.name,
        price: r.price,
        stock: r.stock,
        updated_at: r.updated_at,
        gross: r.price * 1.23,
        grossRounded: Math.round(r.price * 1.23 * 100) / 100,
        label: `${r.name} (${r.sku})`,
        upperName: r.name.trim().toUpperCase(),
        cheap: r.stock > 0 && r.price < 100,
      };
      if (record.stock > 0) out.push(record);
    }
    kept += out.length;
  }
  return kept;
}

async function flowgate(round: number) {
  nullCounts.records = 0;
  const start = process.hrtime.bigint();
  const result = await runOrThrow({ flow, services: undefined, state: createMemoryState(), runId: `emf-${round}` });
  return { seconds: seconds(start), report: result, kept: nullCounts.records };
}

const ceilingTimes: number[] = [];
const subjectTimes: number[] = [];
let last: Awaited<ReturnType<typeof flowgate>> | undefined;
let expectedKept = 0;
for (let round = 1; round <= ROUNDS; round++) {
  const start = process.hrtime.bigint();
  expectedKept = plainLoop();
  ceilingTimes.push(seconds(start));
  const run = await flowgate(round);
  subjectTimes.push(run.seconds);
  if (run.report.recordsRead !== RECORDS) throw new Error(`Flowgate read ${run.report.recordsRead} records, expected ${RECORDS}`);
  if (run.kept !== expectedKept) throw new Error(`Flowgate kept ${run.kept} records, the plain loop ${expectedKept}`);
  if (!last || run.seconds < last.seconds) last = run;
  process.stderr.write(`[engine-map-filter] round ${round}: plain loop ${ceilingTimes.at(-1)!.toFixed(3)} s, Flowgate ${run.seconds.toFixed(3)} s\n`);
}

// Where the time goes: the same flow with keepUnmapped: false (the map builds each record from an
// empty object instead of a copy of the incoming one), filtering on a mapped field; one run.
const dropFlow = lineFlow([
  { id: "generate", kind: "source.generated", config: { count: RECORDS, seed: 7 } },
  { id: "map", kind: "transform.map", config: { fields: MAP_FIELDS.map((f) => ({ ...f })), keepUnmapped: false } },
  { id: "filter", kind: "filter.condition", config: { mode: "rules", match: "all", rules: [{ field: "grossRounded", operator: "greater", value: 0 }] } },
  { id: "sink", kind: "destination.null", config: {} },
]);
const dropStart = process.hrtime.bigint();
const dropReport = await runOrThrow({ flow: dropFlow, services: undefined, state: createMemoryState(), runId: "emf-drop" });
const dropSeconds = seconds(dropStart);

// Which expressions run on the fast path: each record the map received evaluated each field once
// (the run had no record errors, so no field was cut short).
const compiled = MAP_FIELDS.map((f) => ({ ...f, fast: compileExpression(f.expression).fast }));
const mapIn = last!.report.nodes.map!.in;
const evaluations = mapIn * compiled.length;
const fastEvaluations = mapIn * compiled.filter((f) => f.fast).length;
const slow = compiled.filter((f) => !f.fast);

const subjectSeconds = best(subjectTimes);
const ceilingSeconds = best(ceilingTimes);
const recordsPerSecond = RECORDS / subjectSeconds;
const ceilingPerSecond = RECORDS / ceilingSeconds;
const ratio = recordsPerSecond / ceilingPerSecond;
const speedMet = recordsPerSecond >= 2_000_000;
const ratioMet = ratio >= 0.3;

report({
  scenario: "engine-map-filter",
  what: `${fmt(RECORDS)} generated products (batches of ${BATCH}) → transform.map (5 fields: ${MAP_FIELDS.map((f) => `\`${f.expression}\``).join(", ")}) → filter.condition (rule stock > 0, ${fmt(expectedKept)} kept) → null destination, through runFlow with the real kinds; best of ${ROUNDS} runs.`,
  records: RECORDS,
  seconds: subjectSeconds,
  recordsPerSecond,
  peakRssMb: peakRssMb(),
  ceiling: { recordsPerSecond: ceilingPerSecond, what: `a plain JS loop over the same generator (spread + the same 5 fields + stock > 0), best of ${ROUNDS}.` },
  ratio,
  goal: "≥2M records/s and ratio ≥0.3",
  met: speedMet && ratioMet,
  notes: [
    `Fast path: ${fmt(fastEvaluations)} of ${fmt(evaluations)} evaluations (${compiled.filter((f) => f.fast).length} of ${compiled.length} expressions compile with fast: true${slow.length ? `; on JSONata: ${slow.map((f) => `\`${f.expression}\``).join(", ")}` : ""}); the filter uses rules, no expressions.`,
    `Runs (s): Flowgate ${subjectTimes.map((t) => t.toFixed(3)).join(", ")}; plain loop ${ceilingTimes.map((t) => t.toFixed(3)).join(", ")}. Both include generating the records.`,
    `Per node in the best run: ${nodeTimes(last!.report)}.`,
    `For comparison, the same map with keepUnmapped: false (each output record starts empty instead of as a copy of the incoming one) runs the whole flow at ${fmt(RECORDS / dropSeconds)} records/s (one run, ${fmt(dropSeconds, 2)} s; map ${fmt(dropReport.nodes.map!.ms)} ms).`,
    "History: with the output record made as `{ ...input }` the map ran at ≈0.2M records/s (V8's slow path for spread followed by new keys); it now copies with Object.assign and computes all five fields in one generated call (compileMapper).",
    ...(speedMet ? [] : [`Speed goal missed: ${fmt(recordsPerSecond)} records/s, ${fmt((1 - recordsPerSecond / 2_000_000) * 100)}% short of 2M.`]),
    ...(ratioMet ? [] : [`Ratio goal missed: ${fmt(ratio, 2)}, short of 0.3.`]),
  ],
});
