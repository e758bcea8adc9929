import { productsNdjsonStream } from "@flowgate/testkit/files";
import { describe, expect, it } from "vitest";
import { readNdjson } from "./ndjson";
import { collect, inChunks, records } from "./test-helpers";

describe("readNdjson", () => {
  it("reads one record per line across chunk boundaries, skipping blank lines", async () => {
    const text = '{"a":"Żółć"}\r\n\n{"a":2}\n[1]\n{"a":3}';
    expect(await records(readNdjson(inChunks(text, 3)))).toEqual([{ a: "Żółć" }, { a: 2 }, { value: [1] }, { a: 3 }]);
  });

  it("names the bad line, or skips and reports it", async () => {
    const text = '{"a":1}\n{"a":2}\n{"a":\n{"a":4}\n';
    await expect(records(readNdjson(text))).rejects.toThrow(/Line 3 is not valid JSON/);
    const batches = await collect(readNdjson(text, { skipBadRecords: true }));
    expect(batches.flatMap((b) => b.records)).toEqual([{ a: 1 }, { a: 2 }, { a: 4 }]);
    expect(batches.flatMap((b) => b.skipped)).toEqual([expect.objectContaining({ line: 3, raw: '{"a":' })]);
  });

  it("streams a generated file in batches with their last line", async () => {
    const batches = await collect(readNdjson(productsNdjsonStream(1_234), { batchSize: 500 }));
    expect(batches.map((b) => [b.firstIndex, b.records.length, b.line])).toEqual([
      [0, 500, 500],
      [500, 500, 1000],
      [1000, 234, 1234],
    ]);
  });
});
