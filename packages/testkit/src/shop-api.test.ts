import { afterEach, describe, expect, it } from "vitest";
import { startShopApi, type ShopApi } from "./shop-api";

let shop: ShopApi;
afterEach(async () => {
  await shop?.close();
});

async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${shop.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

describe("shop API", () => {
  it("upserts, patches and deletes products and records the writes", async () => {
    shop = await startShopApi({ initial: [{ sku: "A", price: 1 }] });
    expect((await send("PUT", "/products/B", { name: "Bee", price: 2 })).status).toBe(201);
    expect((await send("PUT", "/products/A", { price: 3 })).status).toBe(200);
    expect((await send("PATCH", "/products/B", { stock: 4 })).body).toEqual({ sku: "B", name: "Bee", price: 2, stock: 4 });
    expect((await send("DELETE", "/products/A")).status).toBe(204);
    expect((await send("DELETE", "/products/A")).status).toBe(404);
    expect([...shop.state.keys()]).toEqual(["B"]);
    expect(shop.writes.map((w) => `${w.method} ${w.sku}`)).toEqual(["PUT B", "PUT A", "PATCH B", "DELETE A"]);
    shop.reset();
    expect(shop.state.get("A")).toEqual({ sku: "A", price: 1 });
    expect(shop.writes).toEqual([]);
  });

  it("applies a repeated Idempotency-Key once and answers the first result", async () => {
    shop = await startShopApi();
    const first = await send("PUT", "/products/A", { price: 1 }, { "idempotency-key": "k-1" });
    const again = await send("PUT", "/products/A", { price: 99 }, { "idempotency-key": "k-1" });
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(shop.state.get("A")?.price).toBe(1);
    expect(shop.writes).toHaveLength(1);
    expect(shop.idempotencyKeys.get("k-1")).toBe(2);
  });

  it("fails chosen skus with a JSON error body; a retry after a 5xx is applied", async () => {
    shop = await startShopApi();
    shop.failSku("BAD", { status: 422, message: "Unknown category" });
    shop.failSku("FLAKY", { status: 503, times: 1 });
    const bad = await send("PUT", "/products/BAD", { price: 1 });
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual({ error: { code: "rejected", message: "Unknown category", sku: "BAD" } });
    expect((await send("PUT", "/products/FLAKY", { price: 1 }, { "idempotency-key": "f" })).status).toBe(503);
    expect((await send("PUT", "/products/FLAKY", { price: 1 }, { "idempotency-key": "f" })).status).toBe(201);
    expect(shop.writes.map((w) => w.sku)).toEqual(["FLAKY"]);
  });

  it("takes batches and reports each item, 207 when some were refused", async () => {
    shop = await startShopApi();
    shop.failSku("B", { status: 409, code: "conflict", message: "locked" });
    const result = await send("POST", "/products/batch", [{ sku: "A", price: 1 }, { sku: "B" }, { sku: "C", price: "12,50" }]);
    expect(result.status).toBe(207);
    expect(result.body.results.map((r: { sku: string; status: number }) => [r.sku, r.status])).toEqual([["A", 201], ["B", 409], ["C", 422]]);
    expect(result.body.results[2].error.message).toContain("price");
    expect([...shop.state.keys()]).toEqual(["A"]);
    expect(shop.writes.every((w) => w.batch)).toBe(true);
  });

  it("answers malformed JSON with a 400", async () => {
    shop = await startShopApi();
    const response = await fetch(`${shop.url}/products/A`, { method: "PUT", body: "{nope" });
    expect(response.status).toBe(400);
  });
});
