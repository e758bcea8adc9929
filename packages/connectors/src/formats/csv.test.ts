import { malformedCsv, polishProductsCsv } from "@flowgate/testkit/files";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { detectCsvDelimiter, readCsv } from "./csv";
import { FormatError } from "./errors";
import { collect, inChunks, records } from "./test-helpers";

describe("readCsv", () => {
  it("reads a windows-1250 file with ; and decimal commas, split into 7-byte chunks", async () => {
    const file = polishProductsCsv();
    const read = await records(readCsv(inChunks(file.bytes, 7), { encoding: "windows-1250" }));
    expect(read).toEqual(file.records);
    expect(read[0]).toMatchObject({ name: "Żółć ogrodowa", city: "Łódź", price: "12,50" });
  });

  it("reads ISO-8859-2 the same way", async () => {
    const file = polishProductsCsv();
    const iconv = (await import("iconv-lite")).default;
    const read = await records(readCsv(iconv.encode(file.text, "iso-8859-2"), { encoding: "iso-8859-2", delimiter: ";" }));
    expect(read).toEqual(file.records);
  });

  it("detects the delimiter from the header line", () => {
    expect(detectCsvDelimiter("a;b;c\n1,5;2;3")).toBe(";");
    expect(detectCsvDelimiter("a\tb\tc\n")).toBe("\t");
    expect(detectCsvDelimiter('"x;y",b,c\n')).toBe(",");
    expect(detectCsvDelimiter("single\n")).toBe(",");
  });

  it("strips a utf-8 BOM, trims values, and names columns when there is no header", async () => {
    const text = "\uFEFF A , B \n1,2\n";
    expect(await records(readCsv(text))).toEqual([{ A: "1", B: "2" }]);
    expect(await records(readCsv(Buffer.from(text, "utf8"), { header: false }))).toEqual([
      { column1: "A", column2: "B" },
      { column1: "1", column2: "2" },
    ]);
  });

  it("honours a custom quote character and keeps line breaks inside quoted values", async () => {
    const read = await records(readCsv("sku,name\n1,'Mug, big'\n2,'two\nlines'\n", { quote: "'" }));
    expect(read).toEqual([
      { sku: "1", name: "Mug, big" },
      { sku: "2", name: "two\nlines" },
    ]);
  });

  it("hands out batches of the asked size with their position, and resumes from one", async () => {
    const text = `id\n${Array.from({ length: 25 }, (_, i) => i).join("\n")}\n`;
    const batches = await collect(readCsv(Readable.from([text]), { batchSize: 10 }));
    expect(batches.map((b) => [b.firstIndex, b.nextIndex, b.records.length, b.line])).toEqual([
      [0, 10, 10, 11],
      [10, 20, 10, 21],
      [20, 25, 5, 26],
    ]);
    const resumed = await collect(readCsv(text, { batchSize: 10, skipRecords: batches[0]!.nextIndex }));
    expect(resumed[0]!.records[0]).toEqual({ id: "10" });
    expect(resumed.flatMap((b) => b.records)).toHaveLength(15);
  });

  it("names the line of an unclosed quote and what to do", async () => {
    const { text, badLine } = malformedCsv();
    const error = await records(readCsv(text)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).position.line).toBe(badLine);
    expect((error as FormatError).message).toMatch(/Line 4 opens a quoted value that is never closed/);
    expect((error as FormatError).message).toMatch(/closing quote/);
  });

  it("names the line with the wrong number of values when strict, and skips it when asked", async () => {
    const text = "a,b\n1,2\n3,4,5\n6,7\n";
    await expect(records(readCsv(text))).rejects.toThrow(/Line 3 has 3 values but the header has 2 columns/);
    const batches = await collect(readCsv(text, { skipBadRecords: true }));
    expect(batches.flatMap((b) => b.records)).toEqual([
      { a: "1", b: "2" },
      { a: "6", b: "7" },
    ]);
    expect(batches.flatMap((b) => b.skipped)).toEqual([expect.objectContaining({ line: 3, raw: "3,4,5" })]);
    expect(await records(readCsv(text, { strictColumns: false }))).toHaveLength(3);
  });

  it("skips a badly quoted record and goes on with the next one", async () => {
    const text = 'a,b\n1,2\n"x,3\n4,"5"\n6,7\n';
    const batches = await collect(readCsv(text, { skipBadRecords: true }));
    expect(batches.flatMap((b) => b.records)).toEqual([
      { a: "1", b: "2" },
      { a: "6", b: "7" },
    ]);
    expect(batches.flatMap((b) => b.skipped)).toEqual([expect.objectContaining({ line: 3 })]);
  });

  it("refuses an unknown encoding by name", async () => {
    await expect(records(readCsv("a\n1\n", { encoding: "klingon" }))).rejects.toThrow(/encoding “klingon” is not known/);
  });

  it("stops after `limit` records", async () => {
    expect(await records(readCsv("a\n1\n2\n3\n", { limit: 2 }))).toEqual([{ a: "1" }, { a: "2" }]);
  });
});
