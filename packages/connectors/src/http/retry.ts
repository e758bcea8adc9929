export interface RetryPolicy {
  /** Attempts in all, the first included (default 3). 1 turns retries off. */
  maxAttempts: number;
  /** The backoff ceiling doubles from this after each failure (default 300 ms). */
  baseDelayMs: number;
  /** Upper bound of one backoff (default 10 s). */
  maxDelayMs: number;
  /** Longest wait a `Retry-After` header can ask for (default 60 s); longer requests are cut to this. */
  maxRetryAfterMs: number;
  /**
   * Retry POST and PATCH too. Off by default: they are retried only when the request carries an
   * `Idempotency-Key` header, or when the connection failed before anything was sent.
   */
  retryNonIdempotent: boolean;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 300,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
  retryNonIdempotent: false,
};

/** Exponential backoff with full jitter: a random wait in [0, min(max, base · 2^(failures-1))]. */
export function backoffDelay(failures: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.floor(random() * ceiling);
}

/** `Retry-After` as milliseconds from now: delta seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

const RETRYABLE_NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

export function isRetryableNetworkCode(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_NETWORK_CODES.has(code);
}

/** Codes meaning the request never reached the server, so even a POST may be sent again. */
export function neverSent(code: string | undefined): boolean {
  return code === "ECONNREFUSED" || code === "EAI_AGAIN" || code === "UND_ERR_CONNECT_TIMEOUT" || code === "EHOSTUNREACH" || code === "ENETUNREACH";
}
