import { afterEach, describe, expect, it } from "vitest";
import { generateProducts, type Product } from "./products";
import { startSupplierApi, type SupplierApi } from "./supplier-api";

const servers: SupplierApi[] = [];
async function start(options: Parameters<typeof startSupplierApi>[0] = {}): Promise<SupplierApi> {
  const api = await startSupplierApi(options);
  servers.push(api);
  return api;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.json(), headers: response.headers };
}

describe("generated products", () => {
  it("are the same for the same seed and differ for another", () => {
    expect(generateProducts(50, 7)).toEqual(generateProducts(50, 7));
    expect(generateProducts(50, 7)).not.toEqual(generateProducts(50, 8));
    const [first] = generateProducts(1, 7) as [Product];
    expect(first.sku).toBe("SKU-000001");
    expect(Object.keys(first)).toEqual(["sku", "name", "price", "stock", "updated_at"]);
  });

  it("generates 100k products quickly enough for benchmarks", async () => {
    const api = await start({ count: 100_000 });
    expect(api.products).toHaveLength(100_000);
    expect(new Set(api.products.map((p) => p.sku)).size).toBe(100_000);
  });

  it("changePercent changes exactly that share, visibly, with a newer updated_at", async () => {
    const api = await start({ count: 1000 });
    const before = structuredClone(api.products);
    const changed = api.changePercent(5);
    expect(changed).toHaveLength(50);
    const differing = api.products.filter((p, i) => JSON.stringify(p) !== JSON.stringify(before[i])).map((p) => p.sku);
    expect(differing).toEqual(changed);
    const newest = before.reduce((max, p) => (p.updated_at > max ? p.updated_at : max), "");
    const { body } = await getJson(`${api.url}/products?per_page=1000&updated_since=${encodeURIComponent(newest)}`);
    expect(body.data.map((p: Product) => p.sku)).toEqual(changed);
  });
});

describe("pagination endpoints", () => {
  it("page, offset, cursor, link and next-url each list every product once", async () => {
    const api = await start({ count: 250 });
    const expected = api.products.map((p) => p.sku);
    const read = async (first: string, next: (body: any, headers: Headers) => string | null, records: (body: any) => Product[]) => {
      const skus: string[] = [];
      let url: string | null = first;
      while (url) {
        const { body, headers } = await getJson(url);
        skus.push(...records(body).map((p) => p.sku));
        url = next(body, headers);
      }
      return skus;
    };
    let page = 1;
    expect(await read(`${api.url}/products?page=1&per_page=40`, (b) => (b.page < b.total_pages ? `${api.url}/products?page=${++page}&per_page=40` : null), (b) => b.data)).toEqual(expected);
    expect(
      await read(`${api.url}/products/offset?offset=0&limit=40`, (b) => (b.offset + b.limit < b.total ? `${api.url}/products/offset?offset=${b.offset + b.limit}&limit=40` : null), (b) => b.data),
    ).toEqual(expected);
    expect(await read(`${api.url}/products/cursor?limit=40`, (b) => (b.next_cursor ? `${api.url}/products/cursor?limit=40&cursor=${b.next_cursor}` : null), (b) => b.data)).toEqual(expected);
    expect(await read(`${api.url}/products/link?per_page=40`, (_b, h) => /<([^>]+)>;\s*rel="next"/.exec(h.get("link") ?? "")?.[1] ?? null, (b) => b)).toEqual(expected);
    expect(await read(`${api.url}/products/next-url?limit=40&envelope=nested`, (b) => b.next, (b) => b.result.items)).toEqual(expected);
  });

  it("streams NDJSON, CSV and XML dumps of the whole catalogue", async () => {
    const api = await start({ count: 2500 });
    const ndjson = await (await fetch(`${api.url}/products.ndjson`)).text();
    const lines = ndjson.trim().split("\n");
    expect(lines).toHaveLength(2500);
    expect(JSON.parse(lines[2499] as string)).toEqual(api.products[2499]);
    const csv = (await (await fetch(`${api.url}/products.csv`)).text()).trim().split("\n");
    expect(csv[0]).toBe("sku,name,price,stock,updated_at");
    expect(csv).toHaveLength(2501);
    const xml = await (await fetch(`${api.url}/products.xml`)).text();
    expect(xml.match(/<product>/g)).toHaveLength(2500);
    expect(xml.trim().endsWith("</products>")).toBe(true);
  });
});

describe("auth", () => {
  it("checks bearer, basic and API keys", async () => {
    const bearer = await start({ auth: { type: "bearer", token: "t0k" } });
    expect((await fetch(`${bearer.url}/products`)).status).toBe(401);
    expect((await fetch(`${bearer.url}/products`, { headers: { authorization: "Bearer t0k" } })).status).toBe(200);

    const basic = await start({ auth: { type: "basic", username: "ann", password: "pw" } });
    const basicHeader = `Basic ${Buffer.from("ann:pw").toString("base64")}`;
    expect((await fetch(`${basic.url}/products`, { headers: { authorization: basicHeader } })).status).toBe(200);
    expect((await fetch(`${basic.url}/products`)).headers.get("www-authenticate")).toContain("Basic");

    const inQuery = await start({ auth: { type: "api-key", in: "query", name: "api_key", value: "k1" } });
    expect((await fetch(`${inQuery.url}/products?api_key=k1`)).status).toBe(200);
    expect((await fetch(`${inQuery.url}/products?api_key=no`)).status).toBe(401);

    const inHeader = await start({ auth: { type: "api-key", in: "header", name: "X-Api-Key", value: "k2" } });
    expect((await fetch(`${inHeader.url}/products`, { headers: { "x-api-key": "k2" } })).status).toBe(200);
  });

  it("issues OAuth2 client-credentials tokens, counts them and can expire them", async () => {
    const api = await start({ auth: { type: "oauth2", clientId: "app", clientSecret: "s3", tokenTtlSeconds: 60 } });
    const wrong = await getJson(`${api.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&client_id=app&client_secret=nope",
    });
    expect(wrong.status).toBe(401);
    const { body } = await getJson(`${api.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from("app:s3").toString("base64")}` },
      body: "grant_type=client_credentials",
    });
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 60 });
    expect(api.tokenRequests).toBe(2);
    const headers = { authorization: `Bearer ${body.access_token}` };
    expect((await fetch(`${api.url}/products`, { headers })).status).toBe(200);
    api.expireTokens();
    expect((await fetch(`${api.url}/products`, { headers })).status).toBe(401);
  });
});

describe("faults", () => {
  it("fails N times with a status, then succeeds", async () => {
    const api = await start();
    api.setFault({ kind: "status", status: 500, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${api.url}/products`)).status);
    expect(statuses).toEqual([500, 500, 200]);
    expect(api.faultHits).toBe(2);
  });

  it("sends Retry-After with 429 and 503, only after the requests it lets through", async () => {
    const api = await start();
    api.setFault({ kind: "retry-after", status: 429, retryAfter: 3, after: 1, times: 1 });
    expect((await fetch(`${api.url}/products`)).status).toBe(200);
    const limited = await fetch(`${api.url}/products`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect((await fetch(`${api.url}/products`)).status).toBe(200);
  });

  it("resets connections, hangs and breaks JSON", async () => {
    const api = await start();
    api.setFault({ kind: "reset", times: 1 });
    await expect(fetch(`${api.url}/products`)).rejects.toThrow();
    api.setFault({ kind: "hang", times: 1 });
    await expect(fetch(`${api.url}/products`, { signal: AbortSignal.timeout(150) })).rejects.toThrow();
    api.setFault({ kind: "malformed-json", times: 1 });
    await expect((await fetch(`${api.url}/products`)).json()).rejects.toThrow(SyntaxError);
    api.setFault({ kind: "truncated-json", times: 1 });
    await expect((await fetch(`${api.url}/products`)).json()).rejects.toThrow(SyntaxError);
    expect((await fetch(`${api.url}/products`)).status).toBe(200);
  });

  it("delays answers by the injected latency", async () => {
    const api = await start();
    api.setFault({ kind: "latency", ms: 120, times: 1 });
    const started = performance.now();
    await fetch(`${api.url}/products`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });
});

describe("control over HTTP", () => {
  it("sets chosen prices and pauses the owner's periodic changes, only when enabled", async () => {
    const api = await startSupplierApi({ count: 10, control: true });
    const off = await startSupplierApi({ count: 10 });
    try {
      const set = await fetch(`${api.url}/_control/prices`, { method: "POST", body: JSON.stringify({ "SKU-000002": 12.5, "SKU-999999": 1 }) });
      expect(await set.json()).toEqual({ changed: ["SKU-000002"] });
      const product = (await (await fetch(`${api.url}/products/SKU-000002`)).json()) as { price: number };
      expect(product.price).toBe(12.5);
      expect(api.automaticChangesPaused).toBe(false);
      await fetch(`${api.url}/_control/automatic-changes`, { method: "POST", body: JSON.stringify({ paused: true }) });
      expect(api.automaticChangesPaused).toBe(true);
      expect((await fetch(`${off.url}/_control/prices`, { method: "POST", body: "{}" })).status).toBe(405);
    } finally {
      await api.close();
      await off.close();
    }
  });
});
