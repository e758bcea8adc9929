/**
 * vs-node-red: the founding job (supplier API → change detection → filter → batched HTTP sink) on
 * 100k products, in Flowgate and in Node-RED 4, one after the other in the same run.
 *
 * Each side runs in a process of its own, measured the same way (VmHWM from /proc for the peak RSS;
 * the clock from the trigger until the shop holds every expected record), against its own supplier and
 * shop from the test kit (same seed: the same catalogue and the same changes). Two runs per side:
 *   1. every product is new: all 100k are hashed and stored, ~99.8k (stock > 0) are POSTed in arrays of 100;
 *   2. after 2% of the products changed at the supplier: 100k read and compared, ~2k written.
 * The headline (records/s, peerRatio, met) is run 1, the full load; run 2 is in the notes. Peak RSS
 * covers each process's whole life (start-up, deploy, both runs).
 *
 * The scenario fails (and reports nothing) unless each side wrote exactly the expected records, each
 * once, each equal to the supplier's current product, through POST /products/batch.
 */
import { peakRssMb as ownPeakRssMb, report } from "../scenario";
import { idleNodeRssMb } from "../vs-node-red/common";
import { startFlowgate } from "../vs-node-red/flowgate";
import { NODE_RED_VERSION, startNodeRed } from "../vs-node-red/node-red";
import { BATCH_SIZE, CHANGED_PERCENT, measureSide, PAGE_SIZE, PRODUCTS, type SideMeasure } from "../vs-node-red/run-side";

const nodeRed = await measureSide((urls) => startNodeRed({ ...urls, pageSize: PAGE_SIZE }));
const flowgate = await measureSide((urls) => startFlowgate({ ...urls, pageSize: PAGE_SIZE, batchSize: BATCH_SIZE, products: PRODUCTS }));

for (const [index, run] of flowgate.runs.entries()) {
  if (run.written !== nodeRed.runs[index]!.written) {
    throw new Error(`run ${index + 1}: Flowgate wrote ${run.written} records, Node-RED ${nodeRed.runs[index]!.written}`);
  }
}

const bareNodeMb = idleNodeRssMb([]);
const tsxNodeMb = idleNodeRssMb(["--import", "tsx"]);
const [full, incremental] = flowgate.runs;
const peerRatio = full.recordsPerSecond / nodeRed.runs[0].recordsPerSecond;
const incrementalRatio = incremental.recordsPerSecond / nodeRed.runs[1].recordsPerSecond;
const rssRatio = flowgate.peakRssMb / nodeRed.peakRssMb;
const speedMet = peerRatio >= 5;
const rssMet = rssRatio <= 0.5;
const fmt = (n: number, digits = 0) => n.toLocaleString("en", { maximumFractionDigits: digits });
const describe = (side: SideMeasure) =>
  `${side.name}: run 1 ${fmt(side.runs[0].recordsPerSecond)} rec/s (${fmt(side.runs[0].seconds, 2)} s), run 2 ${fmt(side.runs[1].recordsPerSecond)} rec/s (${fmt(side.runs[1].seconds, 2)} s), peak RSS ${fmt(side.peakRssMb, 1)} MB, ${fmt(side.idleRssMb, 1)} MB when ready before run 1.`;

report({
  scenario: "vs-node-red",
  what: `${fmt(PRODUCTS)} products from the test-kit supplier over loopback (pages of ${fmt(PAGE_SIZE)}) → change detection → filter stock > 0 → POST /products/batch in arrays of ${BATCH_SIZE} to the test-kit shop, every product new (run 1, ${fmt(full.written)} written); Flowgate and Node-RED ${NODE_RED_VERSION} each in a process of its own, the same work checked record by record in the shop.`,
  records: full.read,
  seconds: full.seconds,
  recordsPerSecond: full.recordsPerSecond,
  peakRssMb: flowgate.peakRssMb,
  peer: { name: `Node-RED ${NODE_RED_VERSION}`, recordsPerSecond: nodeRed.runs[0].recordsPerSecond, peakRssMb: nodeRed.peakRssMb },
  peerRatio,
  goal: "≥5× Node-RED's records/s and ≤0.5× its peak RSS",
  met: speedMet && rssMet,
  notes: [
    `Run 2 (after ${CHANGED_PERCENT}% of the products changed: ${fmt(PRODUCTS)} read and compared, ${fmt(incremental.written)} written): ${fmt(incremental.recordsPerSecond)} rec/s against Node-RED's ${fmt(nodeRed.runs[1].recordsPerSecond)} (${fmt(incrementalRatio, 2)}×).`,
    `Peak RSS ${fmt(rssRatio, 2)}× Node-RED's.`,
    ...(speedMet ? [] : [`Speed goal missed: ${fmt(peerRatio, 2)}× Node-RED's records/s, short of 5× by ${fmt((1 - peerRatio / 5) * 100)}%.`]),
    ...(rssMet ? [] : [`Memory goal missed: peak RSS ${fmt(rssRatio, 2)}× Node-RED's, above 0.5× by ${fmt(flowgate.peakRssMb - 0.5 * nodeRed.peakRssMb, 1)} MB.`]),
    describe(flowgate),
    describe(nodeRed),
    "Node-RED runs as people run it (red.js, default nodes and editor, memory context), the flow deployed through POST /flows and started through POST /inject/:id: inject → function → http request GET looping over the pages → split → function (sha1 of the record in flow context) → switch stock > 0 → join (count 100) → http request POST (keep-alive). It keeps less than Flowgate (a hash per product, where transform.changes also keeps the last snapshot for _change.before and changedFields), fetches the next page as soon as one arrives and POSTs without a limit on requests in flight (Flowgate: one page at a time, 4 requests in flight, the default).",
    `Flowgate runs the engine (runFlow) with the real source.http, transform.changes, filter.condition and destination.http, in-memory state and the test services, under the tsx loader as the worker runs in docker-compose (TypeScript compiled at load, in a loader thread): an idle \`node --import tsx\` holds ${fmt(tsxNodeMb, 1)} MB against ${fmt(bareNodeMb, 1)} MB for a bare \`node\`, and that difference counts against Flowgate.`,
    `The supplier and shop APIs run in the scenario's own process (${fmt(ownPeakRssMb(), 1)} MB peak), measured for neither side.`,
  ],
});
