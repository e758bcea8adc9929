import { startShopApi, startSupplierApi, type SupplierApi } from "@flowgate/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHttpClient, type HttpClient } from "./client";
import { HttpAbortedError, HttpNetworkError, HttpParseError, HttpStatusError, HttpTimeoutError } from "./errors";
import { createRateLimiter } from "./rate-limiter";
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter } from "./retry";

let supplier: SupplierApi;
let http: HttpClient;

beforeAll(async () => {
  supplier = await startSupplierApi({ count: 5000 });
  http = createHttpClient({ allow: ["127.0.0.0/8"], defaultTimeoutMs: 2000, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
});
afterEach(() => {
  supplier.setFault(null);
  supplier.requests.clear();
});
afterAll(async () => {
  await http.close();
  await supplier.close();
});

const products = () => `${supplier.url}/products?per_page=5`;

describe("retries", () => {
  it("retries a 500 and returns the success that follows", async () => {
    supplier.setFault({ kind: "status", status: 500, times: 2 });
    const response = await http.request({ url: products() });
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(3);
    expect(((await response.json()) as { data: unknown[] }).data).toHaveLength(5);
    expect(supplier.requests.count).toBe(3);
  });

  it("waits at least as long as a 429's Retry-After asks", async () => {
    supplier.setFault({ kind: "retry-after", status: 429, retryAfter: 1, times: 1 });
    const started = performance.now();
    const response = await http.request({ url: products() });
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    const [first, second] = supplier.requests.log;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);
  });

  it("honours a 503's Retry-After given as an HTTP date", async () => {
    supplier.setFault({ kind: "retry-after", status: 503, retryAfter: new Date(Date.now() + 1500).toUTCString(), times: 1 });
    const started = performance.now();
    await (await http.request({ url: products() })).dump();
    // HTTP dates have whole seconds: at least 0.5 s of the 1.5 s survive the rounding.
    expect(performance.now() - started).toBeGreaterThanOrEqual(500);
  });

  it("gives up on a dead API with an error naming the URL, the status and the body", async () => {
    supplier.setFault({ kind: "status", status: 500 });
    const error = await http.request({ url: products() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpStatusError);
    const status = error as HttpStatusError;
    expect(status.status).toBe(500);
    expect(status.attempts).toBe(3);
    expect(status.message).toContain(`${supplier.url}/products?per_page=5 answered 500`);
    expect(status.message).toContain("after 3 attempts");
    expect(status.bodyExcerpt).toContain("Injected status 500");
    expect(supplier.requests.count).toBe(3);
  });

  it("does not retry a 404, and says to check the URL", async () => {
    const error = await http.request({ url: `${supplier.url}/nowhere` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as Error).message).toContain("not found: check the URL");
    expect(supplier.requests.count).toBe(1);
  });

  it("retries a reset connection", async () => {
    supplier.setFault({ kind: "reset", times: 1 });
    const response = await http.request({ url: products() });
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(2);
    await response.dump();
  });

  it("reports a connection reset on every attempt as a network error naming the URL", async () => {
    supplier.setFault({ kind: "reset" });
    const error = await http.request({ url: products() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpNetworkError);
    expect((error as Error).message).toContain(`Could not reach ${supplier.url}/products`);
    expect((error as Error).message).toContain("after 3 attempts");
  });

  it("turns a hang into a timeout error after its attempts", async () => {
    supplier.setFault({ kind: "hang" });
    const error = await http.request({ url: products(), timeoutMs: 100, retry: { maxAttempts: 2 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpTimeoutError);
    expect((error as Error).message).toContain(`${supplier.url}/products?per_page=5 did not answer within 100 ms (2 attempts)`);
    expect(supplier.faultHits).toBe(2);
  });

  it("stops waiting when the caller aborts", async () => {
    supplier.setFault({ kind: "hang" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(http.request({ url: products(), signal: controller.signal })).rejects.toBeInstanceOf(HttpAbortedError);
  });

  it("retries a POST only when it carries an Idempotency-Key", async () => {
    supplier.setFault({ kind: "status", status: 503 });
    await expect(http.request({ url: products(), method: "POST", json: {} })).rejects.toBeInstanceOf(HttpStatusError);
    expect(supplier.requests.count).toBe(1);
    supplier.requests.clear();
    await expect(http.request({ url: products(), method: "POST", json: {}, headers: { "Idempotency-Key": "k" } })).rejects.toBeInstanceOf(HttpStatusError);
    expect(supplier.requests.count).toBe(3);
  });
});

describe("writes", () => {
  it("retries a write with its Idempotency-Key and the shop applies it once", async () => {
    const shop = await startShopApi();
    try {
      shop.failSku("SKU-1", { status: 503, times: 1 });
      const write = () =>
        http.request({ url: `${shop.url}/products/SKU-1`, method: "PUT", json: { price: 12.5 }, headers: { "Idempotency-Key": "run-1:SKU-1" } });
      expect((await write()).status).toBe(201);
      expect((await write()).status).toBe(201); // a replay of the first answer, as after a crash mid-batch
      expect(shop.writes).toHaveLength(1);
      expect(shop.idempotencyKeys.get("run-1:SKU-1")).toBe(3);
      shop.failSku("SKU-2", { status: 422, message: "price must be positive" });
      const refused = await http.request({ url: `${shop.url}/products/SKU-2`, method: "PUT", json: { price: 1 } }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(HttpStatusError);
      expect((refused as HttpStatusError).status).toBe(422);
      expect((refused as HttpStatusError).bodyExcerpt).toContain("price must be positive");
      expect(shop.requests.count).toBe(4);
    } finally {
      await shop.close();
    }
  });
});

describe("bodies", () => {
  it("reports malformed JSON clearly", async () => {
    supplier.setFault({ kind: "malformed-json", times: 1 });
    const error = await (await http.request({ url: products() })).json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpParseError);
    expect((error as Error).message).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/products\?per_page=5 sent a response Flowgate could not read: the body is not valid JSON/);
  });

  it("reports truncated JSON as cut off", async () => {
    supplier.setFault({ kind: "truncated-json", times: 1 });
    const error = await (await http.request({ url: products() })).json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpParseError);
    expect((error as Error).message).toContain("the JSON ends too early");
  });

  it("streams a large body", async () => {
    const response = await http.request({ url: `${supplier.url}/products.ndjson` });
    let lines = 0;
    let chunks = 0;
    for await (const chunk of response.body) {
      chunks++;
      lines += (chunk as Buffer).toString("utf8").split("\n").length - 1;
    }
    expect(lines).toBe(5000);
    expect(chunks).toBeGreaterThan(1);
  });
});

describe("rate limit", () => {
  it("never starts requests faster than the limit", async () => {
    const limited = createHttpClient({ allow: ["127.0.0.0/8"], requestsPerSecond: 20, burst: 2 });
    try {
      const responses = await Promise.all(Array.from({ length: 8 }, () => limited.request({ url: products() })));
      await Promise.all(responses.map((r) => r.dump()));
    } finally {
      await limited.close();
    }
    const times = supplier.requests.log.map((r) => r.at).sort((a, b) => a - b);
    expect(times).toHaveLength(8);
    // Two at once (the burst), then one every 50 ms: request i starts no sooner than (i - 1) · 50 ms
    // after the first one. The slack covers the first request's connection setup, which later ones skip.
    times.forEach((at, i) => expect(at - times[0]!).toBeGreaterThanOrEqual(Math.max(0, i - 1) * 50 - 20));
    expect(times[7]! - times[0]!).toBeGreaterThanOrEqual(6 * 50 - 20);
  });

  it("grants tokens at the configured rate (counted on a fake clock)", async () => {
    let clock = 0;
    const waits: number[] = [];
    const limiter = createRateLimiter({
      requestsPerSecond: 10,
      burst: 3,
      now: () => clock,
      wait: async (ms) => {
        waits.push(ms);
      },
    });
    for (let i = 0; i < 5; i++) await limiter.acquire();
    expect(waits).toEqual([100, 200]); // three from the burst, then reservations 100 ms apart
    clock = 10_000; // a quiet spell refills the burst, not more
    waits.length = 0;
    for (let i = 0; i < 4; i++) await limiter.acquire();
    expect(waits).toEqual([100]);
  });
});

describe("backoff", () => {
  it("uses full jitter under an exponential ceiling", () => {
    const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, policy, () => 0)).toBe(0);
    expect(backoffDelay(1, policy, () => 0.999)).toBe(99);
    expect(backoffDelay(3, policy, () => 0.999)).toBe(399);
    expect(backoffDelay(10, policy, () => 0.999)).toBe(999);
  });

  it("reads Retry-After in seconds or as an HTTP date", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(10_000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 08:00:00 GMT"))).toBe(0);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
