import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { checkAuth, parseBasic, TokenIssuer, type FakeAuth } from "./auth";
import { corruptJson, FaultInjector, type Fault } from "./faults";
import { firstHeader, listen, readBody, sendError, sendJson, streamChunks } from "./http-util";
import { Catalogue, type Product } from "./products";
import { RequestLog } from "./request-log";

export interface SupplierApiOptions {
  /** How many products the catalogue holds (default 1,000). 100k generate in well under a second. */
  count?: number;
  /** Seed of the generated catalogue and of its changes (default 1). */
  seed?: number;
  auth?: FakeAuth;
  /** Page size when the caller names none (default 100); larger requests are clamped to maxPageSize (default 1,000). */
  defaultPageSize?: number;
  maxPageSize?: number;
  port?: number;
  /**
   * Lets tests steer the API over HTTP (for a supplier in another process, as `npm start`'s demo):
   * `POST /_control/prices` with `{ "SKU-000001": 12.5, … }` sets those prices, and
   * `POST /_control/automatic-changes` with `{ "paused": true }` sets `automaticChangesPaused`.
   */
  control?: boolean;
}

export interface SupplierApi {
  /** Base URL, e.g. `http://127.0.0.1:41234`, without a trailing slash. */
  url: string;
  /** The live catalogue in sku order; changePercent mutates it in place. */
  products: Product[];
  /** Changes `percent`% of the products' price, stock and updated_at; returns the changed skus in order. */
  changePercent(percent: number): string[];
  /** Sets the named products' prices; returns the skus found. */
  setPrices(prices: Readonly<Record<string, number>>): string[];
  /** Whether a test asked (over `/_control`) that the owner's periodic changes stop. */
  readonly automaticChangesPaused: boolean;
  requests: RequestLog;
  /** How many times `POST /oauth/token` was called (successful or not). */
  readonly tokenRequests: number;
  /** Sets (or clears, with null) the fault shown to the next requests. */
  setFault(fault: Fault | null): void;
  /** How many requests the current fault has hit. */
  readonly faultHits: number;
  /** Invalidates every OAuth2 token issued so far: the next request with one gets a 401. */
  expireTokens(): void;
  close(): Promise<void>;
}

const CSV_COLUMNS = ["sku", "name", "price", "stock", "updated_at"] as const;
const DUMP_CHUNK = 1000;

/**
 * A supplier's product API on 127.0.0.1 with every pagination style Flowgate reads:
 *
 * - `GET /products?page=N&per_page=M` → `{ data, page, per_page, total, total_pages }`
 * - `GET /products/offset?offset=O&limit=L` → `{ data, offset, limit, total }`
 * - `GET /products/cursor?cursor=C&limit=L` → `{ data, next_cursor }` (null on the last page)
 * - `GET /products/link?page=N&per_page=M` → a bare array, `Link: <…>; rel="next"` while there is more
 * - `GET /products/next-url?after=SKU&limit=L` → `{ data, next }` (an absolute URL, null on the last page)
 * - `GET /products.ndjson`, `/products.csv`, `/products.xml` → the whole catalogue, streamed
 * - `GET /products/:sku` → one product
 * - `POST /oauth/token` → `{ access_token, token_type, expires_in }` (client credentials)
 * - `GET /redirect?to=URL&status=302` → a redirect to any URL (for SSRF and redirect tests; no auth)
 *
 * Every list takes `updated_since=<ISO>` (only products updated strictly after it) and
 * `envelope=nested` (records under `result.items` instead of `data`, to exercise records paths).
 */
export async function startSupplierApi(options: SupplierApiOptions = {}): Promise<SupplierApi> {
  const catalogue = new Catalogue(options.count ?? 1000, options.seed ?? 1);
  const auth = options.auth ?? { type: "none" };
  const defaultPageSize = options.defaultPageSize ?? 100;
  const maxPageSize = options.maxPageSize ?? 1000;
  const requests = new RequestLog();
  const faults = new FaultInjector();
  const tokens = new TokenIssuer();
  let tokenRequests = 0;
  let baseUrl = "";
  let automaticChangesPaused = false;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", baseUrl);
    requests.record(req, url);
    const path = url.pathname;

    if (path === "/oauth/token") {
      const outcome = faults.apply(req, res, path, false);
      if (outcome.handled) return;
      tokenRequests++;
      return issueToken(req, res);
    }

    if (options.control && path.startsWith("/_control/") && req.method === "POST") {
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return sendError(res, 400, "bad_json", "The body must be JSON");
      }
      if (path === "/_control/prices" && body && typeof body === "object") {
        const prices = Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === "number" && v > 0)) as Record<string, number>;
        return sendJson(res, 200, { changed: catalogue.setPrices(prices) });
      }
      if (path === "/_control/automatic-changes" && body && typeof body === "object" && typeof (body as { paused?: unknown }).paused === "boolean") {
        automaticChangesPaused = (body as { paused: boolean }).paused;
        return sendJson(res, 200, { paused: automaticChangesPaused });
      }
      return sendError(res, 404, "not_found", "Unknown control");
    }

    if (path === "/redirect") {
      const status = clampInt(url.searchParams.get("status"), 302, 300, 399);
      res.writeHead(status, { location: url.searchParams.get("to") ?? "/" });
      return void res.end();
    }

    const outcome = faults.apply(req, res, path, true);
    if (outcome.handled) return;
    if (outcome.delayMs > 0) {
      await sleep(outcome.delayMs);
      if (res.destroyed) return;
    }

    const denied = checkAuth(auth, req, url, tokens);
    if (denied) {
      const challenge = auth.type === "basic" ? 'Basic realm="supplier"' : 'Bearer realm="supplier"';
      return sendError(res, 401, "unauthorized", `Unauthorized: ${denied}`, { "www-authenticate": challenge });
    }
    if (req.method !== "GET" && req.method !== "HEAD") return sendError(res, 405, "method_not_allowed", "Only GET here");

    const query = url.searchParams;
    const since = query.get("updated_since");
    const nested = query.get("envelope") === "nested";
    const json = (status: number, body: object, headers: Record<string, string> = {}) => {
      if (!outcome.corrupt) return sendJson(res, status, body, headers);
      const text = corruptJson(JSON.stringify(body), outcome.corrupt);
      res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...headers });
      res.end(text);
    };
    const envelope = (records: Product[], rest: Record<string, unknown>) =>
      nested ? { result: { items: records }, ...rest } : { data: records, ...rest };
    const size = (name: string) => clampInt(query.get(name), defaultPageSize, 1, maxPageSize);

    switch (path) {
      case "/products": {
        const all = filtered(catalogue.products, since);
        const perPage = size("per_page");
        const page = clampInt(query.get("page"), 1, 1, Number.MAX_SAFE_INTEGER);
        const data = all.slice((page - 1) * perPage, page * perPage);
        return json(200, envelope(data, { page, per_page: perPage, total: all.length, total_pages: Math.ceil(all.length / perPage) }));
      }
      case "/products/offset": {
        const all = filtered(catalogue.products, since);
        const limit = size("limit");
        const offset = clampInt(query.get("offset"), 0, 0, Number.MAX_SAFE_INTEGER);
        return json(200, envelope(all.slice(offset, offset + limit), { offset, limit, total: all.length }));
      }
      case "/products/cursor": {
        const cursor = query.get("cursor");
        let after = "";
        if (cursor) {
          const decoded = decodeCursor(cursor);
          if (decoded === null) return sendError(res, 400, "bad_cursor", `Unknown cursor "${cursor}"`);
          after = decoded;
        }
        const { data, more } = keysetPage(catalogue, after, size("limit"), since);
        const last = data[data.length - 1];
        return json(200, envelope(data, { next_cursor: more && last ? encodeCursor(last.sku) : null }));
      }
      case "/products/link": {
        const all = filtered(catalogue.products, since);
        const perPage = size("per_page");
        const page = clampInt(query.get("page"), 1, 1, Number.MAX_SAFE_INTEGER);
        const totalPages = Math.max(1, Math.ceil(all.length / perPage));
        const linkTo = (n: number) => {
          const next = new URL(url);
          next.searchParams.set("page", String(n));
          next.searchParams.set("per_page", String(perPage));
          return next.href;
        };
        const links = [`<${linkTo(1)}>; rel="first"`, `<${linkTo(totalPages)}>; rel="last"`];
        if (page < totalPages) links.unshift(`<${linkTo(page + 1)}>; rel="next"`);
        return json(200, all.slice((page - 1) * perPage, page * perPage), { link: links.join(", ") });
      }
      case "/products/next-url": {
        const { data, more } = keysetPage(catalogue, query.get("after") ?? "", size("limit"), since);
        const last = data[data.length - 1];
        let next: string | null = null;
        if (more && last) {
          const nextUrl = new URL(url);
          nextUrl.searchParams.set("after", last.sku);
          nextUrl.searchParams.set("limit", String(size("limit")));
          next = nextUrl.href;
        }
        return json(200, envelope(data, { next }));
      }
      case "/products.ndjson":
        return dump(res, "application/x-ndjson", ndjsonChunks(filtered(catalogue.products, since)), outcome.corrupt);
      case "/products.csv":
        return dump(res, "text/csv; charset=utf-8", csvChunks(filtered(catalogue.products, since)), outcome.corrupt);
      case "/products.xml":
        return dump(res, "application/xml; charset=utf-8", xmlChunks(filtered(catalogue.products, since)), outcome.corrupt);
    }
    const single = /^\/products\/([^/]+)$/.exec(path);
    if (single) {
      const sku = decodeURIComponent(single[1] as string);
      const index = catalogue.indexAfter(sku) - 1;
      const product = catalogue.products[index];
      if (product?.sku === sku) return json(200, product);
      return sendError(res, 404, "not_found", `No product with sku "${sku}"`);
    }
    return sendError(res, 404, "not_found", `No route ${req.method} ${path}`);
  };

  const issueToken = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (auth.type !== "oauth2") return sendError(res, 404, "not_found", "This supplier does not use OAuth2");
    if (req.method !== "POST") return sendError(res, 405, "method_not_allowed", "Use POST");
    const text = await readBody(req);
    const contentType = firstHeader(req.headers["content-type"]) ?? "";
    let form: Record<string, string>;
    try {
      form = contentType.includes("json") ? (JSON.parse(text) as Record<string, string>) : Object.fromEntries(new URLSearchParams(text));
    } catch {
      return sendJson(res, 400, { error: "invalid_request", error_description: "Body is not valid JSON" });
    }
    if (form.grant_type !== "client_credentials") {
      return sendJson(res, 400, { error: "unsupported_grant_type", error_description: "Only client_credentials" });
    }
    const basic = parseBasic(firstHeader(req.headers.authorization));
    const clientId = basic?.username ?? form.client_id;
    const clientSecret = basic?.password ?? form.client_secret;
    if (clientId !== auth.clientId || clientSecret !== auth.clientSecret) {
      return sendJson(res, 401, { error: "invalid_client", error_description: "Unknown client or wrong secret" });
    }
    const ttl = auth.tokenTtlSeconds ?? 3600;
    sendJson(res, 200, { access_token: tokens.issue(ttl), token_type: "Bearer", expires_in: ttl });
  };

  const running = await listen((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, "server_error", String(error));
      else res.destroy();
    });
  }, { port: options.port });
  baseUrl = running.url;

  return {
    url: running.url,
    products: catalogue.products,
    changePercent: (percent) => catalogue.changePercent(percent),
    setPrices: (prices) => catalogue.setPrices(prices),
    get automaticChangesPaused() {
      return automaticChangesPaused;
    },
    requests,
    get tokenRequests() {
      return tokenRequests;
    },
    setFault: (fault) => faults.set(fault),
    get faultHits() {
      return faults.hits;
    },
    expireTokens: () => tokens.expireAll(),
    close: () => running.close(),
  };
}

function clampInt(value: string | null, fallback: number, min: number, max: number): number {
  if (value === null || value === "") return fallback;
  const n = Number.parseInt(value, 10);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, n));
}

function filtered(products: Product[], since: string | null): Product[] {
  if (!since) return products;
  return products.filter((p) => p.updated_at > since);
}

function keysetPage(catalogue: Catalogue, after: string, limit: number, since: string | null): { data: Product[]; more: boolean } {
  const data: Product[] = [];
  const products = catalogue.products;
  let i = after ? catalogue.indexAfter(after) : 0;
  for (; i < products.length && data.length < limit; i++) {
    const product = products[i] as Product;
    if (!since || product.updated_at > since) data.push(product);
  }
  // Is there at least one more matching product after this page?
  for (; i < products.length; i++) {
    if (!since || (products[i] as Product).updated_at > since) return { data, more: true };
  }
  return { data, more: false };
}

function encodeCursor(sku: string): string {
  return Buffer.from(JSON.stringify({ after: sku })).toString("base64url");
}

function decodeCursor(cursor: string): string | null {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { after?: unknown };
    return typeof value.after === "string" ? value.after : null;
  } catch {
    return null;
  }
}

function* inChunks(products: Product[], format: (p: Product) => string): Generator<string> {
  for (let start = 0; start < products.length; start += DUMP_CHUNK) {
    let chunk = "";
    const end = Math.min(products.length, start + DUMP_CHUNK);
    for (let i = start; i < end; i++) chunk += format(products[i] as Product);
    yield chunk;
  }
}

function ndjsonChunks(products: Product[]): Iterable<string> {
  return inChunks(products, (p) => `${JSON.stringify(p)}\n`);
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function* csvChunks(products: Product[]): Generator<string> {
  yield `${CSV_COLUMNS.join(",")}\n`;
  yield* inChunks(products, (p) => `${CSV_COLUMNS.map((c) => csvField(p[c])).join(",")}\n`);
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function* xmlChunks(products: Product[]): Generator<string> {
  yield '<?xml version="1.0" encoding="UTF-8"?>\n<products>\n';
  yield* inChunks(
    products,
    (p) =>
      `  <product><sku>${xmlEscape(p.sku)}</sku><name>${xmlEscape(p.name)}</name><price>${p.price}</price>` +
      `<stock>${p.stock}</stock><updated_at>${p.updated_at}</updated_at></product>\n`,
  );
  yield "</products>\n";
}

/** Breaks a streamed dump: stops in the middle of a record, or splices garbage into it. */
function* corruptChunks(chunks: Iterable<string>, how: "malformed-json" | "truncated-json"): Generator<string> {
  const all = [...chunks];
  const middle = Math.floor(all.length / 2);
  for (let i = 0; i < all.length; i++) {
    const chunk = all[i] as string;
    if (i === middle) {
      const half = chunk.slice(0, Math.floor(chunk.length / 2));
      if (how === "truncated-json") return yield half;
      yield `${half}<html>Internal error</html>\n`;
      yield chunk.slice(half.length);
      continue;
    }
    yield chunk;
  }
}

async function dump(res: ServerResponse, contentType: string, chunks: Iterable<string>, corrupt: "malformed-json" | "truncated-json" | undefined): Promise<void> {
  res.writeHead(200, { "content-type": contentType });
  await streamChunks(res, corrupt ? corruptChunks(chunks, corrupt) : chunks);
}
