import dns from "node:dns";
import { setTimeout as sleep } from "node:timers/promises";
import type { Readable } from "node:stream";
import { Agent, buildConnector, type Dispatcher } from "undici";
import { AddressBlockedSignal, createAddressPolicy, createGuardedLookup, ipLiteral, type AddressPolicy } from "./address-policy";
import {
  HttpAbortedError,
  HttpBlockedAddressError,
  HttpError,
  HttpNetworkError,
  HttpParseError,
  HttpStatusError,
  HttpTimeoutError,
  HttpTooManyRedirectsError,
  HttpUrlRefusedError,
} from "./errors";
import { createRateLimiter, type RateLimiter } from "./rate-limiter";
import { redactUrl } from "./redact";
import { backoffDelay, DEFAULT_RETRY, isRetryableNetworkCode, isRetryableStatus, neverSent, parseRetryAfter, type RetryPolicy } from "./retry";

export interface HttpClientOptions {
  /** Hostnames (`api.internal`, `*.internal`), IPs or CIDR ranges (`127.0.0.0/8`) opened explicitly. */
  allow?: readonly string[];
  userAgent?: string;
  /** Per attempt: until the response headers arrive, and between two chunks of the body (default 30 s). */
  defaultTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Requests per second for everything this client sends (unless a request brings its own limiter). */
  requestsPerSecond?: number;
  burst?: number;
  /** Redirects followed per request, each one checked again (default 5). */
  maxRedirects?: number;
  /** DNS resolver (default node:dns lookup). Tests and custom resolvers only. */
  lookup?: typeof dns.lookup;
  /** Random source of the backoff jitter (default Math.random). */
  random?: () => number;
}

export type QueryValue = string | number | boolean | null | undefined;

/** Credentials for a request; see auth.ts for the ones built from a connection. */
export interface HttpAuth {
  /** Adds credentials to one outgoing request (headers or query). Called again for each attempt. */
  apply(request: { url: URL; headers: Record<string, string> }, context: HttpAuthContext): Promise<void> | void;
  /** After a 401 (to the request sent with `failed.headers`): get fresh credentials; true means try once more. */
  refresh?(context: HttpAuthContext, failed: { headers: Record<string, string> }): Promise<boolean>;
  /** Query parameters holding secrets, hidden in error messages and resume cursors. */
  readonly secretParams?: readonly string[];
}

export interface HttpAuthContext {
  client: HttpClient;
  signal?: AbortSignal;
}

export interface HttpRequest {
  url: string | URL;
  method?: string;
  headers?: Record<string, string>;
  query?: Record<string, QueryValue>;
  /** A body sent as is. Must be replayable (a string or bytes) so that retries can send it again. */
  body?: string | Uint8Array;
  /** A value sent as JSON (sets content-type). */
  json?: unknown;
  auth?: HttpAuth;
  timeoutMs?: number;
  /** Overrides the client's retry policy for this request; false: one attempt only. */
  retry?: Partial<RetryPolicy> | false;
  /** Overrides the client's requests-per-second limiter (e.g. one limiter per source). */
  rateLimiter?: RateLimiter;
  signal?: AbortSignal;
  /** Return non-2xx responses (after retries) instead of throwing HttpStatusError (default true: throw). */
  throwOnStatus?: boolean;
}

export interface HttpResponse {
  /** The final URL, after redirects (not redacted: do not show it to people, use displayUrl). */
  url: string;
  displayUrl: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as a stream, for large responses. Read it, or call dump(), or the connection stays busy. */
  body: Readable;
  /** Attempts made, retries included. */
  attempts: number;
  text(): Promise<string>;
  /** Parses the whole body as JSON; malformed or truncated JSON is an HttpParseError. */
  json<T = unknown>(): Promise<T>;
  /** Discards the body. */
  dump(): Promise<void>;
  /** Turns an error raised while streaming `body` into the matching HttpError. */
  toHttpError(error: unknown): HttpError;
}

export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
  /** Refuses a URL before any request: bad scheme, or a host resolving to a blocked address. For forms and "test connection". */
  checkUrl(url: string | URL): Promise<void>;
  readonly policy: AddressPolicy;
  readonly userAgent: string;
  close(): Promise<void>;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);
const EXCERPT_CHARS = 300;
/** The headers each response's request went out with (auth included), for HttpAuth.refresh. */
const sentHeaders = new WeakMap<HttpResponse, Record<string, string>>();

/** What went wrong in one attempt, before we know how many attempts it took. */
class AttemptFailure {
  constructor(
    readonly kind: "timeout" | "network" | "aborted" | "blocked",
    readonly code: string | undefined,
    readonly detail: string,
    readonly cause: unknown,
    readonly url: string,
    readonly blocked?: AddressBlockedSignal,
  ) {}

  toError(attempts: number, timeoutMs: number): HttpError {
    switch (this.kind) {
      case "timeout":
        return new HttpTimeoutError(this.url, timeoutMs, attempts);
      case "aborted":
        return new HttpAbortedError(this.url, this.cause);
      case "blocked":
        return new HttpBlockedAddressError(this.url, this.blocked!.address, this.blocked!.range);
      case "network":
        return new HttpNetworkError(this.url, this.code, this.detail, attempts, this.cause);
    }
  }
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const policy = createAddressPolicy(options.allow ?? []);
  const resolve = options.lookup ?? dns.lookup;
  const userAgent = options.userAgent ?? "Flowgate/0.1";
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;
  const maxRedirects = options.maxRedirects ?? 5;
  const random = options.random ?? Math.random;
  const clientRetry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const clientLimiter = options.requestsPerSecond ? createRateLimiter({ requestsPerSecond: options.requestsPerSecond, burst: options.burst }) : undefined;

  const connector = buildConnector({ lookup: createGuardedLookup(policy, resolve) } as buildConnector.BuildOptions);
  const agent = new Agent({
    connect(connectOptions, callback) {
      connector(connectOptions, (error, socket) => {
        if (error || !socket) return callback(error ?? new Error("no socket"), null);
        // IP literals skip lookup; and whatever resolved, judge the address really connected to.
        const remote = socket.remoteAddress;
        const range = remote ? policy.check(remote, connectOptions.hostname) : "unknown";
        if (range) {
          socket.destroy();
          return callback(new AddressBlockedSignal(connectOptions.hostname, remote ?? "an unknown address", range), null);
        }
        callback(null, socket);
      });
    },
  });

  const client: HttpClient = {
    policy,
    userAgent,
    close: () => agent.close(),
    async checkUrl(input) {
      const url = parseUrl(input, []);
      checkStatically(url, policy, []);
      const literal = ipLiteral(url.hostname);
      if (literal) return;
      const addresses = await new Promise<dns.LookupAddress[]>((ok, fail) =>
        resolve(url.hostname, { all: true }, (error, list) => (error ? fail(error) : ok(list as unknown as dns.LookupAddress[]))),
      ).catch((error: NodeJS.ErrnoException) => {
        throw new HttpNetworkError(redactUrl(url), error.code, describeNetworkCode(error.code, error.message), 1, error);
      });
      // Same rule as the connection: at least one address must pass (only those are connected to).
      if (addresses.some(({ address }) => policy.check(address, url.hostname) === null)) return;
      const first = addresses[0];
      if (first) throw new HttpBlockedAddressError(redactUrl(url), first.address, policy.check(first.address, url.hostname) ?? "unknown");
    },
    async request(request) {
      const secretParams = request.auth?.secretParams ?? [];
      const start = parseUrl(request.url, secretParams);
      for (const [name, value] of Object.entries(request.query ?? {})) {
        if (value !== undefined && value !== null) start.searchParams.set(name, String(value));
      }
      checkStatically(start, policy, secretParams);

      const retry: RetryPolicy = request.retry === false ? { ...clientRetry, maxAttempts: 1 } : { ...clientRetry, ...request.retry };
      const timeoutMs = request.timeoutMs ?? defaultTimeoutMs;
      const method = (request.method ?? "GET").toUpperCase();
      const headers: Record<string, string> = { "user-agent": userAgent };
      for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
      let body = request.body;
      if (request.json !== undefined) {
        body = JSON.stringify(request.json);
        headers["content-type"] ??= "application/json";
      }
      const mayRetry = IDEMPOTENT_METHODS.has(method) || "idempotency-key" in headers || retry.retryNonIdempotent;
      const limiter = request.rateLimiter ?? clientLimiter;
      const context: HttpAuthContext = { client, signal: request.signal };
      let authRefreshed = false;

      for (let attempt = 1; ; attempt++) {
        let response: HttpResponse;
        try {
          response = await sendFollowingRedirects({ start, method, headers, body, auth: request.auth, context, limiter, timeoutMs, signal: request.signal, attempt, secretParams });
        } catch (error) {
          if (!(error instanceof AttemptFailure)) throw error;
          const again =
            (error.kind === "timeout" || (error.kind === "network" && isRetryableNetworkCode(error.code))) &&
            (mayRetry || neverSent(error.code)) &&
            attempt < retry.maxAttempts;
          if (!again) throw error.toError(attempt, timeoutMs);
          await pause(backoffDelay(attempt, retry, random), request.signal, error.url);
          continue;
        }

        if (response.status === 401 && request.auth?.refresh && !authRefreshed) {
          authRefreshed = true;
          const sent = sentHeaders.get(response) ?? {};
          if (await request.auth.refresh(context, { headers: sent })) {
            await response.dump();
            attempt--; // fresh credentials are not a retry
            continue;
          }
        }

        if (response.status < 400) return response;
        if (isRetryableStatus(response.status) && mayRetry && attempt < retry.maxAttempts) {
          const retryAfter = parseRetryAfter(response.headers["retry-after"]);
          const backoff = backoffDelay(attempt, retry, random);
          const delay = retryAfter === undefined ? backoff : Math.max(Math.min(retryAfter, retry.maxRetryAfterMs), backoff);
          await response.dump();
          await pause(delay, request.signal, response.displayUrl);
          continue;
        }
        if (request.throwOnStatus === false) return response;
        const excerpt = await readExcerpt(response.body);
        throw new HttpStatusError(response.displayUrl, response.status, excerpt, attempt, response.headers);
      }
    },
  };

  interface SendOptions {
    start: URL;
    method: string;
    headers: Record<string, string>;
    body: string | Uint8Array | undefined;
    auth: HttpAuth | undefined;
    context: HttpAuthContext;
    limiter: RateLimiter | undefined;
    timeoutMs: number;
    signal: AbortSignal | undefined;
    attempt: number;
    secretParams: readonly string[];
  }

  /** One attempt: the request and every redirect it leads to, each hop checked again. */
  async function sendFollowingRedirects(send: SendOptions): Promise<HttpResponse> {
    let url = new URL(send.start);
    let method = send.method;
    let body = send.body;
    let headers = { ...send.headers };
    let sameOrigin = true;
    for (let hop = 0; ; hop++) {
      checkStatically(url, policy, send.secretParams);
      const target = { url: new URL(url), headers: { ...headers } };
      // Credentials go to the origin they were made for, never to where a redirect points.
      if (send.auth && sameOrigin) await send.auth.apply(target, send.context);
      // Shows that a key went in the query (`?key=***`) without showing the key.
      const displayUrl = redactUrl(target.url, send.secretParams);
      if (send.signal?.aborted) throw new AttemptFailure("aborted", undefined, "cancelled", send.signal.reason, displayUrl);
      try {
        await send.limiter?.acquire(send.signal);
      } catch (error) {
        throw new AttemptFailure("aborted", undefined, "cancelled", error, displayUrl);
      }

      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(new Error("timeout")), send.timeoutMs);
      const signal = send.signal ? AbortSignal.any([send.signal, timeout.signal]) : timeout.signal;
      let raw: Dispatcher.ResponseData;
      try {
        raw = await agent.request({
          origin: target.url.origin,
          path: `${target.url.pathname}${target.url.search}`,
          method: method as Dispatcher.HttpMethod,
          headers: target.headers,
          body,
          signal,
          headersTimeout: send.timeoutMs,
          bodyTimeout: send.timeoutMs,
        });
      } catch (error) {
        throw classify(error, displayUrl, send.signal, timeout.signal);
      } finally {
        clearTimeout(timer);
      }

      const location = raw.headers.location;
      if (REDIRECT_STATUSES.has(raw.statusCode) && typeof location === "string") {
        await raw.body.dump().catch(() => undefined);
        if (hop >= maxRedirects) throw new HttpTooManyRedirectsError(redactUrl(send.start, send.secretParams), maxRedirects);
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          throw new HttpUrlRefusedError(`${displayUrl} redirected to "${location.slice(0, 200)}", which is not a valid URL.`, displayUrl);
        }
        if (raw.statusCode === 303 || ((raw.statusCode === 301 || raw.statusCode === 302) && method === "POST")) {
          method = "GET";
          body = undefined;
          headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith("content-") && name !== "idempotency-key"));
        }
        if (next.origin !== send.start.origin && sameOrigin) {
          sameOrigin = false;
          for (const name of ["authorization", "cookie", "proxy-authorization"]) delete headers[name];
        }
        url = next;
        continue;
      }
      const response = wrapResponse(raw, url, displayUrl, send.attempt, send.signal, send.timeoutMs);
      sentHeaders.set(response, target.headers);
      return response;
    }
  }

  return client;
}

function parseUrl(input: string | URL, secretParams: readonly string[]): URL {
  try {
    return new URL(String(input));
  } catch {
    const shown = redactUrl(String(input), secretParams);
    throw new HttpUrlRefusedError(`"${shown}" is not a valid URL. Write it in full, starting with https://.`, shown);
  }
}

/** The checks that need no network: scheme, credentials in the URL, and IP-literal hosts. */
function checkStatically(url: URL, policy: AddressPolicy, secretParams: readonly string[]): void {
  const shown = redactUrl(url, secretParams);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new HttpUrlRefusedError(`${shown} uses "${url.protocol.replace(/:$/, "")}". Flowgate only calls http and https URLs.`, shown);
  }
  const literal = ipLiteral(url.hostname);
  if (literal) {
    const range = policy.check(literal, url.hostname);
    if (range) throw new HttpBlockedAddressError(shown, literal, range);
  }
}

function classify(error: unknown, url: string, userSignal: AbortSignal | undefined, timeoutSignal: AbortSignal): AttemptFailure {
  const blocked = findBlocked(error);
  if (blocked) return new AttemptFailure("blocked", blocked.code, blocked.message, error, url, blocked);
  if (userSignal?.aborted) return new AttemptFailure("aborted", undefined, "cancelled", error, url);
  const code = (error as { code?: string }).code;
  if (timeoutSignal.aborted || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT" || code === "UND_ERR_CONNECT_TIMEOUT") {
    return new AttemptFailure("timeout", code ?? "TIMEOUT", "timed out", error, url);
  }
  return new AttemptFailure("network", code, describeNetworkCode(code, (error as Error).message), error, url);
}

function findBlocked(error: unknown): AddressBlockedSignal | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof AddressBlockedSignal) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeNetworkCode(code: string | undefined, message: string): string {
  switch (code) {
    case "ECONNREFUSED":
      return "the connection was refused (nothing listens there)";
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
    case "EPIPE":
      return "the server closed the connection unexpectedly";
    case "ENOTFOUND":
      return "the host name does not exist";
    case "EAI_AGAIN":
      return "the host name could not be resolved right now";
    case "UND_ERR_RES_CONTENT_LENGTH_MISMATCH":
      return "the connection closed before the whole body arrived";
    default:
      return message || code || "unknown network error";
  }
}

async function pause(ms: number, signal: AbortSignal | undefined, url: string): Promise<void> {
  if (ms <= 0 && !signal?.aborted) return;
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    throw new HttpAbortedError(url, error);
  }
}

async function readExcerpt(body: Readable, limit = 4096): Promise<string> {
  let text = "";
  try {
    for await (const chunk of body) {
      text += (chunk as Buffer).toString("utf8");
      if (text.length >= limit) break;
    }
  } catch {
    // An excerpt is a courtesy: a broken body leaves it short.
  } finally {
    body.destroy();
  }
  return excerptOf(text);
}

export function excerptOf(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
}

function wrapResponse(raw: Dispatcher.ResponseData, url: URL, displayUrl: string, attempts: number, userSignal: AbortSignal | undefined, timeoutMs: number): HttpResponse {
  const body = raw.body as unknown as Readable & { text(): Promise<string>; dump(): Promise<void> };
  const toHttpError = (error: unknown): HttpError => {
    if (error instanceof HttpError) return error;
    const never = new AbortController().signal;
    return classify(error, displayUrl, userSignal, never).toError(attempts, timeoutMs);
  };
  const response: HttpResponse = {
    url: url.href,
    displayUrl,
    status: raw.statusCode,
    headers: raw.headers,
    body,
    attempts,
    async text() {
      try {
        return await body.text();
      } catch (error) {
        throw toHttpError(error);
      }
    },
    async json<T>() {
      const text = await response.text();
      if (text.trim() === "") throw new HttpParseError(displayUrl, "the body is empty where JSON was expected", "");
      try {
        return JSON.parse(text) as T;
      } catch (error) {
        const message = (error as Error).message;
        const truncated = /end of JSON input|Unterminated/i.test(message);
        const detail = truncated
          ? `the JSON ends too early (${text.length} characters), so the response looks cut off`
          : `the body is not valid JSON (${message})`;
        throw new HttpParseError(displayUrl, detail, excerptOf(text.slice(0, 120)), error);
      }
    },
    async dump() {
      await body.dump().catch(() => undefined);
    },
    toHttpError,
  };
  return response;
}
