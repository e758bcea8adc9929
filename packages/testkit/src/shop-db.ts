import type pg from "pg";
import type { Product } from "./products";

/** The shop's product table, the PostgreSQL destination of the demo, tests and benchmarks. */
export function shopProductsSql(schema = "shop"): string {
  const s = `"${schema.replace(/"/g, '""')}"`;
  return `create schema if not exists ${s};
create table if not exists ${s}.products (
  sku text primary key,
  name text not null,
  price numeric(12, 2),
  stock integer not null default 0,
  updated_at timestamptz not null default now()
);
create index if not exists products_updated_at_sku on ${s}.products (updated_at, sku);`;
}

/** Creates the shop's products table in the pool's database; returns its name (`shop.products`). */
export async function createShopProductsTable(pool: Pick<pg.Pool, "query">, options: { schema?: string } = {}): Promise<string> {
  const schema = options.schema ?? "shop";
  await pool.query(shopProductsSql(schema));
  return `${schema}.products`;
}

/** Inserts (or replaces) products in the shop table, in one statement per 10,000. */
export async function seedShopProducts(pool: Pick<pg.Pool, "query">, products: readonly Product[], options: { schema?: string } = {}): Promise<void> {
  const s = `"${(options.schema ?? "shop").replace(/"/g, '""')}"`;
  for (let i = 0; i < products.length; i += 10_000) {
    const part = products.slice(i, i + 10_000);
    await pool.query(
      `insert into ${s}.products (sku, name, price, stock, updated_at)
       select * from unnest($1::text[], $2::text[], $3::numeric[], $4::int[], $5::timestamptz[])
       on conflict (sku) do update set name = excluded.name, price = excluded.price, stock = excluded.stock, updated_at = excluded.updated_at`,
      [part.map((p) => p.sku), part.map((p) => p.name), part.map((p) => p.price), part.map((p) => p.stock), part.map((p) => p.updated_at)],
    );
  }
}

/**
 * Records every row the destination really inserts or changes in `shop.write_log (sku, op)`, so a
 * test can prove no key was written twice (e.g. across a crash and a resume).
 */
export async function createShopWriteLog(pool: Pick<pg.Pool, "query">): Promise<void> {
  await pool.query(`
    create table shop.write_log (sku text not null, op text not null);
    create function shop.log_write() returns trigger language plpgsql as $$
      begin insert into shop.write_log values (new.sku, tg_op); return new; end $$;
    create trigger products_write_log after insert or update on shop.products for each row execute function shop.log_write();`);
}
