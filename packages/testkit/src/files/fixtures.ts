import iconv from "iconv-lite";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * A Polish supplier's price list as Excel saves it: windows-1250, `;` between values, decimal
 * commas, thousands with a space, Polish letters in names and cities.
 */
export function polishProductsCsv(): { bytes: Buffer; text: string; encoding: "windows-1250"; delimiter: ";"; records: Record<string, string>[] } {
  const records = [
    { sku: "PL-001", name: "Żółć ogrodowa", price: "12,50", stock: "7", city: "Łódź" },
    { sku: "PL-002", name: "Łyżka drewniana", price: "1 234,56", stock: "120", city: "Kraków" },
    { sku: "PL-003", name: "Gęś pluszowa; duża", price: "-0,5", stock: "0", city: "Gdańsk" },
    { sku: "PL-004", name: "Źdźbło \"premium\"", price: "99", stock: "3", city: "Poznań" },
  ];
  const cell = (v: string) => (/[;"\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const text =
    "sku;name;price;stock;city\r\n" + records.map((r) => Object.values(r).map(cell).join(";")).join("\r\n") + "\r\n";
  return { bytes: iconv.encode(text, "windows-1250"), text, encoding: "windows-1250", delimiter: ";", records };
}

/** A Google Merchant-style RSS feed: `g:` namespaced fields, CDATA, an entity, a repeated child. */
export function merchantFeedXml(): { text: string; recordsPath: "rss.channel.item"; items: Record<string, unknown>[] } {
  const text = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">
  <channel>
    <title>Sklep Żółw</title>
    <link>https://sklep.example</link>
    <description>Products &amp; prices</description>
    <item>
      <g:id>SKU-1</g:id>
      <title><![CDATA[Kubek <ceramiczny> "Łódź"]]></title>
      <description>Mug &amp; saucer</description>
      <g:price>12.50 PLN</g:price>
      <g:availability>in stock</g:availability>
      <g:image_link>https://sklep.example/1.jpg</g:image_link>
      <g:additional_image_link>https://sklep.example/1b.jpg</g:additional_image_link>
      <g:additional_image_link>https://sklep.example/1c.jpg</g:additional_image_link>
      <g:shipping>
        <g:country>PL</g:country>
        <g:price>9.99 PLN</g:price>
      </g:shipping>
    </item>
    <item>
      <g:id>SKU-2</g:id>
      <title>Czajnik</title>
      <g:price currency="PLN">149.00 PLN</g:price>
      <g:availability>out of stock</g:availability>
    </item>
  </channel>
</rss>
`;
  const items = [
    {
      "g:id": "SKU-1",
      title: 'Kubek <ceramiczny> "Łódź"',
      description: "Mug & saucer",
      "g:price": "12.50 PLN",
      "g:availability": "in stock",
      "g:image_link": "https://sklep.example/1.jpg",
      "g:additional_image_link": ["https://sklep.example/1b.jpg", "https://sklep.example/1c.jpg"],
      "g:shipping": { "g:country": "PL", "g:price": "9.99 PLN" },
    },
    {
      "g:id": "SKU-2",
      title: "Czajnik",
      "g:price": { "@currency": "PLN", "#text": "149.00 PLN" },
      "g:availability": "out of stock",
    },
  ];
  return { text, recordsPath: "rss.channel.item", items };
}

/** A CSV whose line 4 opens a quote that is never closed; lines 2 and 3 are good. */
export function malformedCsv(): { text: string; badLine: number } {
  return {
    text: 'sku,name,price\nA-1,Mug,12.50\nA-2,"Kettle, steel",30\nA-3,"Broken lamp,45\nA-4,Chair,99\n',
    badLine: 4,
  };
}

/** XML whose `<price>` on line 5 is closed by the wrong tag. */
export function nonWellFormedXml(): { text: string; line: number } {
  return {
    text: "<?xml version=\"1.0\"?>\n<products>\n  <product><sku>A-1</sku></product>\n  <product>\n    <sku>A-2</sku><price>12</prise>\n  </product>\n</products>\n",
    line: 5,
  };
}

/** A JSON array cut off in the middle of its third record, as a dropped download leaves it. */
export function truncatedJson(): { text: string; completeRecords: number } {
  return {
    text: '[\n  {"sku": "A-1", "price": 12.5},\n  {"sku": "A-2", "price": 30},\n  {"sku": "A-3", "pri',
    completeRecords: 2,
  };
}

/**
 * Writes every fixture into `dir` (for the demo and for manual tests) and returns their paths:
 * products-pl.csv (windows-1250), merchant-feed.xml, malformed.csv, broken.xml, truncated.json.
 */
export async function writeFixtureFiles(dir: string): Promise<Record<string, string>> {
  await mkdir(dir, { recursive: true });
  const files: Record<string, string | Buffer> = {
    "products-pl.csv": polishProductsCsv().bytes,
    "merchant-feed.xml": merchantFeedXml().text,
    "malformed.csv": malformedCsv().text,
    "broken.xml": nonWellFormedXml().text,
    "truncated.json": truncatedJson().text,
  };
  const paths: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    await writeFile(file, content);
    paths[name] = file;
  }
  return paths;
}
