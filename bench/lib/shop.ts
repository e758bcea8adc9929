/**
 * The supplier → shop table job of http-to-postgres and incremental: the Flowgate flow, the
 * hand-written ceilings (undici + JSON.parse + plain JS + multi-row upsert; fetch + canonical JSON +
 * sha1), and the check of what the shop table holds.
 */
import type { Flow } from "@flowgate/flow";
import type { Catalogue, Product } from "@flowgate/testkit";
import { createHash } from "node:crypto";
import type pg from "pg";
import { request } from "undici";
import { IN_STOCK_RULES, lineFlow, SHOP_FIELDS } from "./flow";

export const PAGE_SIZE = 1000;
export const SHOP_TABLE = "shop.products";
export const CONNECTION_ID = "shop-db";

/** supplier (source.http, page pagination) → map (SHOP_FIELDS) → filter stock > 0 → [changes →] destination.postgres upsert. */
export function shopFlow(supplierUrl: string, options: { changes: boolean; connectionId?: string; pageSize?: number }): Flow {
  const pageSize = options.pageSize ?? PAGE_SIZE;
  return lineFlow([
    {
      id: "supplier",
      kind: "source.http",
      config: { url: `${supplierUrl}/products`, recordsPath: "data", pagination: { mode: "page", pageSize, maxPages: 10_000 } },
    },
    { id: "map", kind: "transform.map", config: { fields: SHOP_FIELDS.map((f) => ({ ...f })), keepUnmapped: false, keyField: "sku" } },
    { id: "in-stock", kind: "filter.condition", config: IN_STOCK_RULES },
    ...(options.changes ? [{ id: "changes", kind: "transform.changes", config: { keyFields: ["sku"], compare: "all" } }] : []),
    { id: "shop", kind: "destination.postgres", config: { connectionId: options.connectionId ?? CONNECTION_ID, table: SHOP_TABLE, mode: "upsert", keyColumns: ["sku"] } },
  ], pageSize);
}

/** The mapping of SHOP_FIELDS, by hand. */
export function mapProduct(p: Product): Product {
  return { sku: p.sku, name: `${p.name} (${p.sku})`, price: Math.round(p.price * 1.23 * 100) / 100, stock: p.stock, updated_at: p.updated_at };
}

/** Every page of the supplier, one after the other, parsed. */
export async function* fetchPages(supplierUrl: string): AsyncGenerator<Product[]> {
  for (let page = 1, pages = 1; page <= pages; page++) {
    const response = await request(`${supplierUrl}/products?page=${page}&per_page=${PAGE_SIZE}`);
    if (response.statusCode !== 200) throw new Error(`the supplier answered ${response.statusCode} for page ${page}`);
    const body = JSON.parse(await response.body.text()) as { data: Product[]; total_pages: number };
    pages = body.total_pages;
    yield body.data;
  }
}

/** Ceiling of http-to-postgres: fetch, parse, map and filter in plain JS, one multi-row upsert per page. */
export async function handWrittenSync(supplierUrl: string, pool: pg.Pool): Promise<{ read: number; written: number }> {
  let read = 0;
  let written = 0;
  for await (const products of fetchPages(supplierUrl)) {
    read += products.length;
    const rows: Product[] = [];
    for (const p of products) if (p.stock > 0) rows.push(mapProduct(p));
    if (rows.length === 0) continue;
    const params: unknown[] = [];
    const values: string[] = [];
    for (const row of rows) {
      const n = params.length;
      values.push(`($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5})`);
      params.push(row.sku, row.name, row.price, row.stock, row.updated_at);
    }
    await pool.query(
      `insert into ${SHOP_TABLE} (sku, name, price, stock, updated_at) values ${values.join(", ")}
       on conflict (sku) do update set name = excluded.name, price = excluded.price, stock = excluded.stock, updated_at = excluded.updated_at`,
      params,
    );
    written += rows.length;
  }
  return { read, written };
}

/** JSON with sorted keys, as change detection hashes it. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const object = value as Record<string, unknown>;
  return `{${Object.keys(object).sort().map((k) => `${JSON.stringify(k)}:${canonical(object[k])}`).join(",")}}`;
}

/** Ceiling of incremental: read every page and hash every record (canonical JSON + sha1). */
export async function readAndHash(supplierUrl: string): Promise<{ read: number; digest: string }> {
  let read = 0;
  let digest = "";
  for await (const products of fetchPages(supplierUrl)) {
    for (const p of products) digest = createHash("sha1").update(canonical(p)).digest("base64url");
    read += products.length;
  }
  return { read, digest };
}

/**
 * The table holds exactly the catalogue's in-stock products, mapped (price within a cent: JSONata's
 * $round rounds half to even, Math.round half up). Returns how many rows carry `updatedAt`.
 */
export async function checkShopTable(pool: pg.Pool, catalogue: Catalogue, updatedAt?: string): Promise<{ rows: number; withUpdatedAt: number }> {
  const { rows } = await pool.query<{ sku: string; name: string; price: string; stock: number; ms: string }>(
    `select sku, name, price, stock, (extract(epoch from updated_at) * 1000)::bigint as ms from ${SHOP_TABLE}`,
  );
  const expected = new Map(catalogue.products.filter((p) => p.stock > 0).map((p) => [p.sku, mapProduct(p)]));
  if (rows.length !== expected.size) throw new Error(`the shop table holds ${rows.length} rows, expected ${expected.size}`);
  const wanted = updatedAt === undefined ? undefined : Date.parse(updatedAt);
  let withUpdatedAt = 0;
  for (const row of rows) {
    const want = expected.get(row.sku);
    if (!want) throw new Error(`the shop table holds ${row.sku}, which is not an in-stock product`);
    const ms = Number(row.ms);
    if (row.name !== want.name || row.stock !== want.stock || Math.abs(Number(row.price) - want.price) > 0.0101 || ms !== Date.parse(want.updated_at)) {
      throw new Error(`${row.sku} is ${JSON.stringify(row)} in the shop table, expected ${JSON.stringify(want)}`);
    }
    if (ms === wanted) withUpdatedAt++;
  }
  return { rows: rows.length, withUpdatedAt };
}

/** The destination's counts, from its finish log line (created, updated, unchanged, deleted, error). */
export function destinationCounts(entries: { nodeId?: string; data?: Record<string, unknown> }[]): Record<string, number> {
  const entry = entries.find((e) => e.nodeId === "shop" && e.data && "created" in e.data);
  if (!entry) throw new Error("the destination logged no counts");
  return entry.data as Record<string, number>;
}
