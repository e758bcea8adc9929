import iconv from "iconv-lite";
import { Readable } from "node:stream";
import { iterateProducts, type Product } from "../products";

export { iterateProducts };

export interface ProductStreamOptions {
  seed?: number;
  /** Products per chunk of the stream (default 500). */
  chunkRecords?: number;
}

function chunked(
  count: number,
  options: ProductStreamOptions,
  render: (products: Product[], first: boolean) => string,
  close = "",
  encoding = "utf-8",
): Readable {
  const size = options.chunkRecords ?? 500;
  const encode = (text: string): Buffer => iconv.encode(text, encoding);
  async function* chunks(): AsyncGenerator<Buffer> {
    for await (const text of texts()) yield encode(text);
  }
  async function* texts(): AsyncGenerator<string> {
    let batch: Product[] = [];
    let first = true;
    for (const product of iterateProducts(count, options.seed ?? 1)) {
      batch.push(product);
      if (batch.length === size) {
        yield render(batch, first);
        first = false;
        batch = [];
      }
    }
    if (batch.length > 0 || first) yield render(batch, first);
    if (close) yield close;
  }
  return Readable.from(chunks(), { objectMode: false });
}

export interface ProductCsvOptions extends ProductStreamOptions {
  /** Default `,`. */
  delimiter?: string;
  /** Write prices with a decimal comma (`12,5`), as Polish spreadsheets do. */
  decimalComma?: boolean;
  /** utf-8 (default) or e.g. windows-1250 (the stream then carries bytes in that encoding). */
  encoding?: string;
}

/** N products as a CSV byte stream, header first, generated as it is read. */
export function productsCsvStream(count: number, options: ProductCsvOptions = {}): Readable {
  const d = options.delimiter ?? ",";
  const price = (p: number) => (options.decimalComma ? String(p).replace(".", ",") : String(p));
  const quote = (s: string) => (s.includes(d) || s.includes('"') ? `"${s.replace(/"/g, '""')}"` : s);
  return chunked(
    count,
    options,
    (products, first) =>
      (first ? `sku${d}name${d}price${d}stock${d}updated_at\n` : "") +
      products.map((p) => [p.sku, quote(p.name), quote(price(p.price)), String(p.stock), p.updated_at].join(d)).join("\n") +
      (products.length > 0 ? "\n" : ""),
    "",
    options.encoding,
  );
}

/** N products as newline-delimited JSON, generated as it is read. */
export function productsNdjsonStream(count: number, options: ProductStreamOptions = {}): Readable {
  return chunked(count, options, (products) => products.map((p) => `${JSON.stringify(p)}\n`).join(""));
}

/**
 * N products as one JSON document, generated as it is read: a top-level array, or with
 * `recordsPath: "data.items"` an object `{"data":{"items":[…]},"total":N}`.
 */
export function productsJsonStream(count: number, options: ProductStreamOptions & { recordsPath?: string } = {}): Readable {
  const path = (options.recordsPath ?? "").split(".").filter((s) => s !== "");
  const open = path.map((key) => `{${JSON.stringify(key)}:`).join("") + "[";
  const close = path.length === 0 ? "]" : `]${"}".repeat(path.length - 1)},"total":${count}}`;
  let written = 0;
  return chunked(
    count,
    options,
    (products, first) => {
      let text = first ? open : "";
      for (const p of products) text += `${written++ === 0 ? "\n" : ",\n"}${JSON.stringify(p)}`;
      return text;
    },
    `\n${close}\n`,
  );
}
