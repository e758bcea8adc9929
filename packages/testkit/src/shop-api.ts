import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { checkAuth, TokenIssuer, type FakeAuth } from "./auth";
import { FaultInjector, type Fault } from "./faults";
import { firstHeader, listen, readBody, sendJson } from "./http-util";
import { RequestLog } from "./request-log";

export type ShopProduct = { sku: string } & Record<string, unknown>;

/** One write the shop applied (replays of an idempotency key and refused writes are not here). */
export interface ShopWrite {
  method: "PUT" | "POST" | "PATCH" | "DELETE";
  sku: string;
  /** The product as stored after the write; absent for a delete. */
  product?: ShopProduct;
  idempotencyKey?: string;
  /** True when the write came in a `POST /products/batch`. */
  batch: boolean;
  at: number;
}

export interface ShopFailure {
  /** 4xx or 5xx. */
  status: number;
  message?: string;
  code?: string;
  /** Fail this many writes of the sku, then accept (default: until cleared). */
  times?: number;
}

export interface ShopApiOptions {
  auth?: FakeAuth;
  /** Products the shop holds before any write. */
  initial?: ShopProduct[];
  port?: number;
}

export interface ShopApi {
  url: string;
  /** Current products by sku. */
  state: Map<string, ShopProduct>;
  /** Writes applied, in order. */
  writes: ShopWrite[];
  /** How many requests arrived with each `Idempotency-Key` (replays included). */
  idempotencyKeys: Map<string, number>;
  requests: RequestLog;
  /** Refuses writes of `sku` with this status and a JSON error body. */
  failSku(sku: string, failure: ShopFailure): void;
  clearFailures(): void;
  setFault(fault: Fault | null): void;
  /** Back to the initial products; forgets writes, keys, failures, faults and the request log. */
  reset(): void;
  close(): Promise<void>;
}

interface StoredResponse {
  status: number;
  body: unknown;
}

class WriteRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A shop that receives product writes on 127.0.0.1:
 *
 * - `PUT /products/:sku`, `POST /products/:sku` (upsert; 201 when created, 200 when replaced),
 *   `POST /products` (upsert, sku in the body), `PATCH /products/:sku` (merge; 404 when missing)
 * - `DELETE /products/:sku` (204; 404 when missing)
 * - `POST /products/batch` with an array of products → `{ results: [{ sku, status, error? }] }`,
 *   200 when every item was applied, 207 when some were refused
 * - `GET /products/:sku`, `GET /products` (`{ data }`)
 *
 * A request with an `Idempotency-Key` already answered with 2xx or 4xx gets the first answer again
 * (header `Idempotent-Replayed: true`) and changes nothing. 5xx and 429 answers are not remembered,
 * so a retry after them is applied. Errors are JSON: `{ error: { code, message, sku? } }`.
 */
export async function startShopApi(options: ShopApiOptions = {}): Promise<ShopApi> {
  const auth = options.auth ?? { type: "none" };
  const initial = options.initial ?? [];
  const state = new Map<string, ShopProduct>();
  const writes: ShopWrite[] = [];
  const idempotencyKeys = new Map<string, number>();
  const answered = new Map<string, StoredResponse>();
  const failures = new Map<string, ShopFailure & { used: number }>();
  const requests = new RequestLog();
  const faults = new FaultInjector();
  const tokens = new TokenIssuer();
  let baseUrl = "";

  const loadInitial = () => {
    state.clear();
    for (const product of initial) state.set(product.sku, structuredClone(product));
  };
  loadInitial();

  const refuseIfFailing = (sku: string) => {
    const failure = failures.get(sku);
    if (!failure || failure.used >= (failure.times ?? Number.POSITIVE_INFINITY)) return;
    failure.used++;
    throw new WriteRefused(failure.status, failure.code ?? "rejected", failure.message ?? `The shop refused product "${sku}"`);
  };

  const validate = (sku: string, body: unknown): ShopProduct => {
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new WriteRefused(422, "invalid_body", `Product "${sku}" must be a JSON object`);
    }
    const product = body as Record<string, unknown>;
    if (product.sku !== undefined && product.sku !== sku) {
      throw new WriteRefused(422, "sku_mismatch", `Body sku "${String(product.sku)}" differs from "${sku}" in the path`);
    }
    if (product.price !== undefined && (typeof product.price !== "number" || !Number.isFinite(product.price) || product.price < 0)) {
      throw new WriteRefused(422, "invalid_price", `price of "${sku}" must be a number ≥ 0, got ${JSON.stringify(product.price)}`);
    }
    if (product.stock !== undefined && !Number.isInteger(product.stock)) {
      throw new WriteRefused(422, "invalid_stock", `stock of "${sku}" must be an integer, got ${JSON.stringify(product.stock)}`);
    }
    return { ...product, sku };
  };

  const upsert = (method: ShopWrite["method"], sku: string, body: unknown, key: string | undefined, batch: boolean): StoredResponse => {
    if (!sku) throw new WriteRefused(422, "missing_sku", "A product needs a sku");
    const product = validate(sku, body);
    refuseIfFailing(sku);
    const existed = state.has(sku);
    state.set(sku, product);
    writes.push({ method, sku, product: structuredClone(product), idempotencyKey: key, batch, at: Date.now() });
    return { status: existed ? 200 : 201, body: product };
  };

  const write = async (req: IncomingMessage, path: string, key: string | undefined): Promise<StoredResponse> => {
    const method = req.method as ShopWrite["method"];
    const readJson = async (): Promise<unknown> => {
      const text = await readBody(req);
      try {
        return JSON.parse(text);
      } catch {
        throw new WriteRefused(400, "invalid_json", "The request body is not valid JSON");
      }
    };
    if (path === "/products/batch" && method === "POST") {
      const body = await readJson();
      if (!Array.isArray(body)) throw new WriteRefused(422, "invalid_body", "A batch must be a JSON array of products");
      const results = body.map((item: unknown) => {
        const sku = typeof item === "object" && item !== null ? String((item as { sku?: unknown }).sku ?? "") : "";
        try {
          return { sku, status: upsert("POST", sku, item, key, true).status };
        } catch (error) {
          if (!(error instanceof WriteRefused)) throw error;
          return { sku, status: error.status, error: { code: error.code, message: error.message } };
        }
      });
      return { status: results.every((r) => r.status < 300) ? 200 : 207, body: { results } };
    }
    if (path === "/products" && method === "POST") {
      const body = await readJson();
      const sku = typeof body === "object" && body !== null ? String((body as { sku?: unknown }).sku ?? "") : "";
      return upsert("POST", sku, body, key, false);
    }
    const match = /^\/products\/([^/]+)$/.exec(path);
    if (!match) throw new WriteRefused(404, "not_found", `No route ${method} ${path}`);
    const sku = decodeURIComponent(match[1] as string);
    switch (method) {
      case "PUT":
      case "POST":
        return upsert(method, sku, await readJson(), key, false);
      case "PATCH": {
        const current = state.get(sku);
        if (!current) throw new WriteRefused(404, "not_found", `No product with sku "${sku}"`);
        const patch = await readJson();
        if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
          throw new WriteRefused(422, "invalid_body", `Patch of "${sku}" must be a JSON object`);
        }
        return upsert("PATCH", sku, { ...current, ...(patch as object) }, key, false);
      }
      case "DELETE": {
        refuseIfFailing(sku);
        if (!state.delete(sku)) throw new WriteRefused(404, "not_found", `No product with sku "${sku}"`);
        writes.push({ method, sku, idempotencyKey: key, batch: false, at: Date.now() });
        return { status: 204, body: undefined };
      }
      default:
        throw new WriteRefused(405, "method_not_allowed", `${String(method)} is not allowed on ${path}`);
    }
  };

  const respond = (res: ServerResponse, answer: StoredResponse, headers: Record<string, string> = {}) => {
    if (answer.body === undefined) {
      res.writeHead(answer.status, headers);
      res.end();
    } else sendJson(res, answer.status, answer.body, headers);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", baseUrl);
    requests.record(req, url);
    const path = url.pathname;
    const outcome = faults.apply(req, res, path, true);
    if (outcome.handled) return;
    if (outcome.delayMs > 0) {
      await sleep(outcome.delayMs);
      if (res.destroyed) return;
    }
    const denied = checkAuth(auth, req, url, tokens);
    if (denied) return sendJson(res, 401, { error: { code: "unauthorized", message: `Unauthorized: ${denied}` } });

    if (req.method === "GET") {
      if (path === "/products") return sendJson(res, 200, { data: [...state.values()] });
      const match = /^\/products\/([^/]+)$/.exec(path);
      const product = match ? state.get(decodeURIComponent(match[1] as string)) : undefined;
      if (product) return sendJson(res, 200, product);
      return sendJson(res, 404, { error: { code: "not_found", message: `Nothing at ${path}` } });
    }

    const key = firstHeader(req.headers["idempotency-key"]);
    if (key) {
      idempotencyKeys.set(key, (idempotencyKeys.get(key) ?? 0) + 1);
      const previous = answered.get(key);
      if (previous) {
        req.resume();
        return respond(res, previous, { "idempotent-replayed": "true" });
      }
    }
    let answer: StoredResponse;
    try {
      answer = await write(req, path, key);
    } catch (error) {
      if (!(error instanceof WriteRefused)) throw error;
      const sku = /^\/products\/([^/]+)$/.exec(path)?.[1];
      answer = { status: error.status, body: { error: { code: error.code, message: error.message, ...(sku && sku !== "batch" ? { sku: decodeURIComponent(sku) } : {}) } } };
    }
    // Only final answers are remembered: after a 5xx or 429 the client's retry must be applied.
    if (key && answer.status < 500 && answer.status !== 429) answered.set(key, answer);
    respond(res, answer);
  };

  const running = await listen((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { code: "server_error", message: String(error) } });
      else res.destroy();
    });
  }, { port: options.port });
  baseUrl = running.url;

  return {
    url: running.url,
    state,
    writes,
    idempotencyKeys,
    requests,
    failSku: (sku, failure) => failures.set(sku, { ...failure, used: 0 }),
    clearFailures: () => failures.clear(),
    setFault: (fault) => faults.set(fault),
    reset() {
      loadInitial();
      writes.length = 0;
      idempotencyKeys.clear();
      answered.clear();
      failures.clear();
      faults.set(null);
      requests.clear();
    },
    close: () => running.close(),
  };
}
