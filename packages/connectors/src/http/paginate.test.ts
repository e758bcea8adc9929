import { startSupplierApi, type Product, type SupplierApi } from "@flowgate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpClient, type HttpClient } from "./client";
import { HttpParseError } from "./errors";
import { findLink } from "./link-header";
import { paginate, type Page, type PageCursor, type PaginateOptions } from "./paginate";
import { getPath } from "./records-path";

let supplier: SupplierApi;
let http: HttpClient;
beforeAll(async () => {
  supplier = await startSupplierApi({ count: 95 });
  http = createHttpClient({ allow: ["127.0.0.0/8"], retry: { baseDelayMs: 5, maxDelayMs: 10 } });
});
afterAll(async () => {
  await http.close();
  await supplier.close();
});

async function readAll(options: PaginateOptions): Promise<Array<Page<Product>>> {
  const pages: Array<Page<Product>> = [];
  for await (const page of paginate<Product>(http, options)) pages.push(page);
  return pages;
}

const modes: Array<[string, (url: string) => PaginateOptions]> = [
  ["page", (url) => ({ url: `${url}/products`, mode: "page", pageSize: 10, recordsPath: "data", totalPagesPath: "total_pages" })],
  ["page without totals", (url) => ({ url: `${url}/products`, mode: "page", pageSize: 10, recordsPath: "data" })],
  ["offset", (url) => ({ url: `${url}/products/offset`, mode: "offset", pageSize: 10, recordsPath: "data", totalPath: "total" })],
  ["cursor", (url) => ({ url: `${url}/products/cursor`, mode: "cursor", pageSize: 10, recordsPath: "data", cursorPath: "next_cursor" })],
  ["link", (url) => ({ url: `${url}/products/link`, mode: "link", pageSize: 10, pageSizeParam: "per_page" })],
  ["next-url", (url) => ({ url: `${url}/products/next-url`, mode: "next-url", pageSize: 10, recordsPath: "result.items", query: { envelope: "nested" } })],
];

describe.each(modes)("%s pagination", (_name, options) => {
  it("reads every product exactly once, in order", async () => {
    const pages = await readAll(options(supplier.url));
    expect(pages.flatMap((p) => p.records.map((r) => r.sku))).toEqual(supplier.products.map((p) => p.sku));
    expect(pages.at(-1)!.next).toBeNull();
    expect(pages.map((p) => p.number)).toEqual(pages.map((_p, i) => i + 1));
  });

  it("resumes from a page's cursor, as after a crash", async () => {
    const first: Array<Page<Product>> = [];
    let resumeFrom: PageCursor | null = null;
    for await (const page of paginate<Product>(http, options(supplier.url))) {
      first.push(page);
      if (page.number === 3) {
        // Checkpoint through JSON, as the runtime stores it.
        resumeFrom = JSON.parse(JSON.stringify(page.next)) as PageCursor;
        break;
      }
    }
    expect(resumeFrom).toMatchObject({ pages: 3, records: 30 });
    const rest = await readAll({ ...options(supplier.url), resumeFrom });
    expect(rest[0]!.number).toBe(4);
    const skus = [...first, ...rest].flatMap((p) => p.records.map((r) => r.sku));
    expect(skus).toEqual(supplier.products.map((p) => p.sku));
  });

  it("stops at maxPages and says more remain", async () => {
    const pages = await readAll({ ...options(supplier.url), maxPages: 2 });
    expect(pages).toHaveLength(2);
    expect(pages[1]!.truncated).toBe(true);
    expect(pages[1]!.next).not.toBeNull();
  });
});

describe("pagination details", () => {
  it("asks for no empty page when the total is known", async () => {
    supplier.requests.clear();
    await readAll(modes[0]![1](supplier.url));
    expect(supplier.requests.count).toBe(10);
    supplier.requests.clear();
    await readAll(modes[1]![1](supplier.url));
    expect(supplier.requests.count).toBe(11); // without totals, an empty page says it is over
  });

  it("reads a single response with mode none", async () => {
    const pages = await readAll({ url: `${supplier.url}/products`, mode: "none", query: { per_page: 1000 }, recordsPath: "data" });
    expect(pages).toHaveLength(1);
    expect(pages[0]!.records).toHaveLength(95);
  });

  it("retries a failing page in the middle without losing or repeating records", async () => {
    supplier.setFault({ kind: "status", status: 500, after: 4, times: 2 });
    try {
      const pages = await readAll(modes[3]![1](supplier.url));
      expect(pages.flatMap((p) => p.records.map((r) => r.sku))).toEqual(supplier.products.map((p) => p.sku));
    } finally {
      supplier.setFault(null);
    }
  });

  it("names the records path it could not find and what the response holds", async () => {
    const error = await readAll({ url: `${supplier.url}/products`, mode: "page", recordsPath: "data.items" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpParseError);
    expect((error as Error).message).toContain('nothing at the records path "data.items"; the response has "data", "page"');
  });

  it("reads dot paths and Link headers", () => {
    expect(getPath({ a: { b: [{ c: 1 }] } }, "a.b[0].c")).toBe(1);
    expect(getPath({ a: 1 }, "")).toEqual({ a: 1 });
    expect(getPath({ a: 1 }, "a.b")).toBeUndefined();
    const header = '<https://api.example/items?page=1>; rel="first", <https://api.example/items?page=3&x=a,b>; rel="next last"';
    expect(findLink(header, "next", "https://api.example/")).toBe("https://api.example/items?page=3&x=a,b");
    expect(findLink('</items?page=2>; rel=next', "next", "https://api.example/items?page=1")).toBe("https://api.example/items?page=2");
    expect(findLink(undefined, "next", "https://api.example/")).toBeNull();
  });
});
