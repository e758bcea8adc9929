import { merchantFeedXml, nonWellFormedXml } from "@flowgate/testkit/files";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { FormatError } from "./errors";
import { collect, inChunks, records } from "./test-helpers";
import { readXml } from "./xml";

describe("readXml", () => {
  it("reads a Google Merchant feed: g: fields, CDATA, entities, repeats, attributes", async () => {
    const feed = merchantFeedXml();
    expect(await records(readXml(inChunks(feed.text, 5), { recordsPath: feed.recordsPath }))).toEqual(feed.items);
  });

  it("reads Atom entries with attributes as @fields and mixed text as #text", async () => {
    const text = `<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>
      <entry id="1"><title type="text">One</title><link href="/1"/><link href="/1b"/></entry>
      <entry id="2">Just text</entry></feed>`;
    expect(await records(readXml(text, { recordsPath: "feed.entry" }))).toEqual([
      { "@id": "1", title: { "@type": "text", "#text": "One" }, link: [{ "@href": "/1" }, { "@href": "/1b" }] },
      { "@id": "2", "#text": "Just text" },
    ]);
  });

  it("takes every child of the root by default and `*` in a path", async () => {
    const text = "<products><product><sku>A</sku></product><product><sku>B</sku><empty/></product></products>";
    expect(await records(readXml(text))).toEqual([{ sku: "A" }, { sku: "B", empty: "" }]);
    expect(await records(readXml(text, { recordsPath: "*.product" }))).toHaveLength(2);
  });

  it("decodes the encoding the XML declaration names", async () => {
    const text = '<?xml version="1.0" encoding="windows-1250"?><r><p><n>Żółć</n></p></r>';
    expect(await records(readXml(iconv.encode(text, "windows-1250")))).toEqual([{ n: "Żółć" }]);
  });

  it("batches records with positions and resumes after one", async () => {
    const text = `<r>${Array.from({ length: 7 }, (_, i) => `<p><i>${i}</i></p>`).join("")}</r>`;
    const batches = await collect(readXml(text, { batchSize: 3 }));
    expect(batches.map((b) => [b.firstIndex, b.nextIndex])).toEqual([
      [0, 3],
      [3, 6],
      [6, 7],
    ]);
    expect(await records(readXml(text, { skipRecords: 6 }))).toEqual([{ i: "6" }]);
  });

  it("names the line and column of non-well-formed XML", async () => {
    const { text, line } = nonWellFormedXml();
    const error = (await records(readXml(text)).catch((e: unknown) => e)) as FormatError;
    expect(error).toBeInstanceOf(FormatError);
    expect(error.position.line).toBe(line);
    expect(error.message).toMatch(new RegExp(`not well-formed at line ${line}, column \\d+: unexpected close tag`));
  });

  it("says a truncated document is unclosed", async () => {
    await expect(records(readXml("<r><p><i>1</i></p><p><i>2"))).rejects.toThrow(/not well-formed .*unclosed|not well-formed/);
  });

  it("refuses an undefined entity with its position", async () => {
    await expect(records(readXml("<r><p>a&nbsp;b</p></r>"))).rejects.toThrow(/line 1, column \d+/);
  });
});
