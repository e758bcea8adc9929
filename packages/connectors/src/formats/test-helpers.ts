import type { RecordBatch } from "./batches";

/** Every batch of a reader, for assertions. */
export async function collect(batches: AsyncIterable<RecordBatch>): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

export async function records(batches: AsyncIterable<RecordBatch>): Promise<Record<string, unknown>[]> {
  return (await collect(batches)).flatMap((b) => b.records);
}

/** Splits text or bytes into chunks of `size` bytes, to exercise values split across chunks. */
export function* inChunks(content: string | Uint8Array, size: number): Generator<Uint8Array> {
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
