import { productsJsonStream, truncatedJson } from "@flowgate/testkit/files";
import { describe, expect, it } from "vitest";
import { FormatError } from "./errors";
import { readJson } from "./json";
import { collect, inChunks, records } from "./test-helpers";

describe("readJson", () => {
  it("reads a top-level array split at every byte, Polish letters included", async () => {
    const text = '[{"sku":"A-1","name":"Żółć"},{"sku":"A-2","name":"Łódź","tags":["a","b"]}]';
    expect(await records(readJson(inChunks(text, 1)))).toEqual([
      { sku: "A-1", name: "Żółć" },
      { sku: "A-2", name: "Łódź", tags: ["a", "b"] },
    ]);
  });

  it("reads the array at a records path and ignores the rest of the document", async () => {
    const text = '{"meta":{"page":1},"data":{"items":[{"id":1},{"id":2}],"count":2},"after":[9]}';
    expect(await records(readJson(text, { recordsPath: "data.items" }))).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("reads a single object as one record, and wraps values that are not objects", async () => {
    expect(await records(readJson('{"sku":"A"}'))).toEqual([{ sku: "A" }]);
    expect(await records(readJson("[1, \"x\", null]"))).toEqual([{ value: 1 }, { value: "x" }, { value: null }]);
  });

  it("streams a large generated document in batches with positions", async () => {
    const batches = await collect(readJson(productsJsonStream(2_500, { recordsPath: "data.items" }), { recordsPath: "data.items", batchSize: 1_000 }));
    expect(batches.map((b) => [b.firstIndex, b.records.length])).toEqual([
      [0, 1000],
      [1000, 1000],
      [2000, 500],
    ]);
    expect(batches[2]!.records.at(-1)).toMatchObject({ sku: "SKU-002500" });
  });

  it("says a truncated file looks truncated, with how many records were read", async () => {
    const { text, completeRecords } = truncatedJson();
    const error = (await records(readJson(text)).catch((e: unknown) => e)) as FormatError;
    expect(error).toBeInstanceOf(FormatError);
    expect(error.message).toMatch(/ends too early, at line 4/);
    expect(error.message).toMatch(/truncated/);
    expect(error.position.recordIndex).toBe(completeRecords);
  });

  it("names the line and column of malformed JSON and what was expected", async () => {
    const tokenizer = (await records(readJson('[\n {"a": 1},\n {"b": tru}\n]')).catch((e: unknown) => e)) as FormatError;
    expect(tokenizer).toBeInstanceOf(FormatError);
    expect(tokenizer.position).toMatchObject({ line: 3, column: 11 });
    expect(tokenizer.message).toMatch(/line 3, column 11/);

    const grammar = (await records(readJson('[\n {"a": 1}\n {"b": 2}\n]')).catch((e: unknown) => e)) as FormatError;
    expect(grammar.message).toMatch(/line 3, column 2 .*where a comma or a closing bracket was expected/);

    const key = (await records(readJson("[{a: 1}]")).catch((e: unknown) => e)) as FormatError;
    expect(key.message).toMatch(/line 1, column 3/);
  });

  it("says when the records path is missing or not a list", async () => {
    await expect(records(readJson('{"data":{}}', { recordsPath: "data.items" }))).rejects.toThrow(/nothing at “data.items”/);
    await expect(records(readJson('{"data":{"items":5}}', { recordsPath: "data.items" }))).rejects.toThrow(/single value/);
  });

  it("says an empty file is empty", async () => {
    await expect(records(readJson("  \n"))).rejects.toThrow(/empty/);
  });
});
