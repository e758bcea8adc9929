import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { readCsv } from "./csv";
import { readJson } from "./json";
import { readNdjson } from "./ndjson";
import { records } from "./test-helpers";
import { createRecordEncoder, encodeRecords, xmlName } from "./writers";
import { readXml } from "./xml";

const batches = [
  [
    { sku: "A-1", name: "Żółć; \"big\"", price: 12.5, stock: 3, active: true },
    { sku: "A-2", name: "Łódź", price: 1234.56, stock: 0, active: false },
  ],
  [{ sku: "A-3", name: "line\nbreak", price: null, stock: 1, active: true }],
];

async function bytesOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

describe("record encoders", () => {
  it("writes CSV with a header, the chosen delimiter, decimal commas and windows-1250, which reads back", async () => {
    const file = await bytesOf(encodeRecords(batches, { format: "csv", delimiter: ";", decimalComma: true, encoding: "windows-1250" }));
    const text = iconv.decode(file, "windows-1250");
    expect(text.split("\r\n")[0]).toBe("sku;name;price;stock;active");
    expect(text).toContain("A-2;Łódź;1234,56;0;false");
    expect(await records(readCsv(file, { encoding: "windows-1250" }))).toEqual([
      { sku: "A-1", name: 'Żółć; "big"', price: "12,5", stock: "3", active: "true" },
      { sku: "A-2", name: "Łódź", price: "1234,56", stock: "0", active: "false" },
      { sku: "A-3", name: "line\nbreak", price: "", stock: "1", active: "true" },
    ]);
  });

  it("writes a utf-8 BOM for Excel when asked, and a header alone for no records", async () => {
    const encoder = createRecordEncoder({ format: "csv", bom: true, columns: ["a", "b"] });
    const file = Buffer.concat([encoder.write([]), encoder.end()]);
    expect(file.toString("utf8")).toBe("\uFEFFa,b\r\n");
  });

  it("writes a JSON array and NDJSON that read back to the same records", async () => {
    const flat = batches.flat();
    expect(await records(readJson(await bytesOf(encodeRecords(batches, { format: "json" }))))).toEqual(flat);
    expect(await records(readJson(await bytesOf(encodeRecords([], { format: "json" }))))).toEqual([]);
    expect(await records(readNdjson(await bytesOf(encodeRecords(batches, { format: "ndjson" }))))).toEqual(flat);
  });

  it("writes XML under the records path with namespaces, attributes and repeats, which reads back", async () => {
    const items = [
      { "g:id": "1", title: "Kubek <duży> & \"Łódź\"", "@lang": "pl", tag: ["a", "b"], "g:shipping": { "g:country": "PL" } },
      { "g:id": "2", title: "Czajnik", empty: null },
    ];
    const file = await bytesOf(
      encodeRecords([items], { format: "xml", recordsPath: "rss.channel.item", namespaces: { g: "http://base.google.com/ns/1.0" } }),
    );
    const text = file.toString("utf8");
    expect(text).toContain('<rss xmlns:g="http://base.google.com/ns/1.0"><channel>');
    expect(text).toContain('<item lang="pl"><g:id>1</g:id><title>Kubek &lt;duży&gt; &amp; "Łódź"</title>');
    expect(await records(readXml(file, { recordsPath: "rss.channel.item" }))).toEqual([
      { "@lang": "pl", "g:id": "1", title: 'Kubek <duży> & "Łódź"', tag: ["a", "b"], "g:shipping": { "g:country": "PL" } },
      { "g:id": "2", title: "Czajnik", empty: "" },
    ]);
  });

  it("makes field names into valid XML names", () => {
    expect(xmlName("unit price")).toBe("unit_price");
    expect(xmlName("1st")).toBe("_1st");
    expect(xmlName("g:price")).toBe("g:price");
  });
});
