import iconv from "iconv-lite";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateProducts } from "../products";
import { malformedCsv, merchantFeedXml, nonWellFormedXml, polishProductsCsv, truncatedJson, writeFixtureFiles } from "./fixtures";
import { iterateProducts, productsCsvStream, productsJsonStream, productsNdjsonStream } from "./product-streams";

async function text(stream: NodeJS.ReadableStream, encoding = "utf-8"): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return iconv.decode(Buffer.concat(chunks), encoding);
}

describe("file fixtures", () => {
  it("generates the same products lazily as generateProducts does at once", () => {
    expect([...iterateProducts(300, 5)]).toEqual(generateProducts(300, 5));
  });

  it("streams N products as CSV, NDJSON and JSON", async () => {
    const csv = await text(productsCsvStream(1_001, { delimiter: ";", decimalComma: true, encoding: "windows-1250", chunkRecords: 100 }), "windows-1250");
    const lines = csv.trimEnd().split("\n");
    expect(lines).toHaveLength(1_002);
    expect(lines[0]).toBe("sku;name;price;stock;updated_at");
    expect(lines[1]).toMatch(/^SKU-000001;[^;]+;\d+(,\d+)?;\d+;2023-/);

    const ndjson = (await text(productsNdjsonStream(750))).trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(ndjson).toEqual(generateProducts(750, 1));

    expect(JSON.parse(await text(productsJsonStream(3)))).toEqual(generateProducts(3, 1));
    expect(JSON.parse(await text(productsJsonStream(3, { recordsPath: "data.items" })))).toEqual({ data: { items: generateProducts(3, 1) }, total: 3 });
    expect(JSON.parse(await text(productsJsonStream(0)))).toEqual([]);
  });

  it("encodes the Polish CSV in windows-1250", () => {
    const file = polishProductsCsv();
    expect(file.bytes.includes(0xaf)).toBe(true); // Ż in windows-1250
    expect(iconv.decode(file.bytes, "windows-1250")).toBe(file.text);
    expect(file.text).toContain("Żółć");
  });

  it("writes every fixture to a folder", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "flowgate-fixtures-"));
    try {
      const paths = await writeFixtureFiles(dir);
      expect(Object.keys(paths).sort()).toEqual(["broken.xml", "malformed.csv", "merchant-feed.xml", "products-pl.csv", "truncated.json"]);
      expect(await readFile(paths["merchant-feed.xml"]!, "utf8")).toBe(merchantFeedXml().text);
      expect(() => JSON.parse(truncatedJson().text)).toThrow();
      expect(malformedCsv().text.split("\n")[malformedCsv().badLine - 1]).toContain('"Broken');
      expect(nonWellFormedXml().text.split("\n")[nonWellFormedXml().line - 1]).toContain("</prise>");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
