import { createRandom, pick } from "./random";

export interface Product {
  sku: string;
  name: string;
  /** Price in the supplier's currency, two decimals. */
  price: number;
  stock: number;
  /** ISO 8601 timestamp of the last change, UTC. */
  updated_at: string;
}

const ADJECTIVES = ["Classic", "Compact", "Deluxe", "Eco", "Heavy-duty", "Mini", "Pro", "Smart", "Travel", "Wireless"];
const MATERIALS = ["Bamboo", "Ceramic", "Cotton", "Glass", "Leather", "Oak", "Steel", "Wool"];
const NOUNS = ["Backpack", "Blender", "Chair", "Desk Lamp", "Kettle", "Mug", "Notebook", "Scarf", "Speaker", "Teapot"];

/** The catalogue's clock starts here; every change moves it forward by a second. */
export const PRODUCTS_EPOCH = Date.parse("2024-01-01T00:00:00.000Z");

export function skuFor(index: number): string {
  return `SKU-${String(index + 1).padStart(6, "0")}`;
}

function roundPrice(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Generates `count` products, sorted by sku, deterministically from `seed`. */
/** Products one at a time, in sku order, from a seed: files of N products need not hold them all. */
export function* iterateProducts(count: number, seed = 1): Generator<Product> {
  const random = createRandom(seed);
  for (let i = 0; i < count; i++) {
    yield {
      sku: skuFor(i),
      name: `${pick(random, ADJECTIVES)} ${pick(random, MATERIALS)} ${pick(random, NOUNS)}`,
      price: roundPrice(1 + random() * 499),
      stock: Math.floor(random() * 500),
      updated_at: new Date(PRODUCTS_EPOCH - Math.floor(random() * 86_400) * 1000).toISOString(),
    };
  }
}

export function generateProducts(count: number, seed: number): Product[] {
  return Array.from(iterateProducts(count, seed));
}

/**
 * A mutable catalogue: products in sku order plus a seeded source of changes, so that
 * "change 1% of the products" picks the same products in every run with the same seed.
 */
export class Catalogue {
  readonly products: Product[];
  private readonly random: () => number;
  private clock = PRODUCTS_EPOCH;

  constructor(count: number, seed: number) {
    this.products = generateProducts(count, seed);
    this.random = createRandom(seed ^ 0x5bd1e995);
  }

  /** Changes `percent`% of the products (price, stock and updated_at) and returns their skus in sku order. */
  changePercent(percent: number): string[] {
    const total = this.products.length;
    const wanted = Math.min(total, Math.round((total * percent) / 100));
    const chosen = new Set<number>();
    while (chosen.size < wanted) chosen.add(Math.floor(this.random() * total));
    const indexes = [...chosen].sort((a, b) => a - b);
    this.clock += 1000;
    const updatedAt = new Date(this.clock).toISOString();
    for (const index of indexes) {
      const product = this.products[index] as Product;
      // Always a real change: a price that moves by at least one cent and a different stock level.
      const factor = 1 + (this.random() < 0.5 ? -1 : 1) * (0.01 + this.random() * 0.2);
      let price = roundPrice(product.price * factor);
      if (price === product.price || price <= 0) price = roundPrice(product.price + 0.01);
      product.price = price;
      product.stock = (product.stock + 1 + Math.floor(this.random() * 50)) % 1000;
      product.updated_at = updatedAt;
    }
    return indexes.map((i) => (this.products[i] as Product).sku);
  }

  /** Sets the prices of the named products (and bumps their updated_at); returns the skus it found. */
  setPrices(prices: Readonly<Record<string, number>>): string[] {
    this.clock += 1000;
    const updatedAt = new Date(this.clock).toISOString();
    const found: string[] = [];
    for (const product of this.products) {
      const price = prices[product.sku];
      if (price === undefined) continue;
      product.price = roundPrice(price);
      product.updated_at = updatedAt;
      found.push(product.sku);
    }
    return found;
  }

  /** Index of the first product whose sku sorts after `sku` (binary search; skus are in order). */
  indexAfter(sku: string): number {
    let low = 0;
    let high = this.products.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.products[mid] as Product).sku <= sku) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
