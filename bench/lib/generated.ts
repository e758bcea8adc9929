/**
 * Generated products for the in-memory scenarios (engine-map-filter, ten-million): a source kind that
 * yields batches of fresh records from a seeded generator, never holding more than one batch, and a
 * null destination that only counts what reaches it. The hand-written ceilings loop over the very same
 * generator (`generatedBatches`), so both sides pay the same cost to make the records.
 */
import type { FlowRecord } from "@flowgate/engine";
import { fakeImplementation } from "@flowgate/engine/testing";

export interface GeneratedProduct {
  sku: string;
  name: string;
  price: number;
  stock: number;
  updated_at: string;
  [field: string]: unknown;
}

const ADJECTIVES = ["Classic", "Compact", "Deluxe", "Eco", "Heavy-duty", "Mini", "Pro", "Smart", "Travel", "Wireless"];
const NOUNS = ["Backpack", "Blender", "Chair", "Desk Lamp", "Kettle", "Mug", "Notebook", "Scarf", "Speaker", "Teapot"];
const EPOCH = Date.parse("2024-01-01T00:00:00.000Z");

/** mulberry32: a small, fast, seeded PRNG. */
function random32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Names (with padding spaces, so `$trim` has work) and timestamps, made once: records share them as real sources share repeated values. */
const NAMES = Array.from({ length: 997 }, (_, i) => ` ${ADJECTIVES[i % 10]} ${NOUNS[Math.floor(i / 10) % 10]} ${i} `);
const TIMES = Array.from({ length: 1000 }, (_, i) => new Date(EPOCH - i * 86_400).toISOString());

/**
 * `count` products in batches of `batchSize`, deterministic from `seed`: a unique sku each, about 10%
 * with stock 0, prices 1–500 with two decimals. Cheap to make (≈0.1 µs a record), so that the
 * scenarios measure what is done with the records rather than their making.
 */
export function* generatedBatches(count: number, batchSize: number, seed = 1): Generator<GeneratedProduct[]> {
  const random = random32(seed);
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(count, start + batchSize);
    const batch: GeneratedProduct[] = new Array(end - start);
    for (let i = start; i < end; i++) {
      const r = random();
      batch[i - start] = {
        sku: `SKU-${i + 1}`,
        name: NAMES[i % 997]!,
        price: Math.round(100 + r * 49_900) / 100,
        stock: r < 0.1 ? 0 : Math.floor(r * 5000) % 500 + 1,
        updated_at: TIMES[i % 1000]!,
      };
    }
    yield batch;
  }
}

/** `source.generated`: config `{ count, seed }`; the cursor is the number of records read so far. */
export const generatedSource = fakeImplementation<{ count: number; seed?: number }>({
  id: "source.generated",
  label: "Generated products",
  async *read(ctx, options) {
    const { count, seed = 1 } = ctx.config;
    let read = 0;
    for (const records of generatedBatches(count, options.batchSize, seed)) {
      read += records.length;
      yield { records: records as FlowRecord[], cursor: read };
    }
  },
});

/** What the null destination received, per run (keyed by the node's context). */
export const nullCounts = { records: 0 };

/** `destination.null`: counts the records it receives and drops them. */
export const nullDestination = fakeImplementation({
  id: "destination.null",
  label: "Nowhere",
  execute(_ctx, batch) {
    nullCounts.records += batch.length;
    return { ports: {} };
  },
});
