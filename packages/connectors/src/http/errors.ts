/**
 * Everything the HTTP connector throws is an HttpError. Messages are for the person who built the
 * flow: they name the URL (credentials stripped), what went wrong and what to do about it.
 */
export class HttpError extends Error {
  override name = "HttpError";
  /** Whether trying again later may succeed (network trouble, 5xx, 429). */
  readonly retryable: boolean;

  constructor(
    message: string,
    /** The redacted URL. */
    readonly url: string,
    options: { cause?: unknown; retryable?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? false;
  }
}

/** The URL is not one Flowgate may call: bad scheme, blocked address, malformed. */
export class HttpUrlRefusedError extends HttpError {
  override name = "HttpUrlRefusedError";
}

/** The host resolves to (or is) an address Flowgate refuses: private, loopback, link-local… */
export class HttpBlockedAddressError extends HttpUrlRefusedError {
  override name = "HttpBlockedAddressError";
  constructor(
    url: string,
    readonly address: string,
    /** Which kind of address it is, e.g. "loopback", "private". */
    readonly range: string,
  ) {
    super(
      `${url} leads to ${address}, which is a ${describeRange(range)} address. Flowgate refuses it to protect ` +
        `your network; an admin can allow it in the workspace settings.`,
      url,
    );
  }
}

export class HttpTimeoutError extends HttpError {
  override name = "HttpTimeoutError";
  constructor(url: string, readonly timeoutMs: number, attempts: number) {
    super(
      `${url} did not answer within ${formatMs(timeoutMs)}${attempts > 1 ? ` (${attempts} attempts)` : ""}. ` +
        `Check that the service is up, or raise the timeout.`,
      url,
      { retryable: true },
    );
  }
}

/** The connection failed or broke (refused, reset, DNS failure). */
export class HttpNetworkError extends HttpError {
  override name = "HttpNetworkError";
  constructor(url: string, readonly code: string | undefined, detail: string, attempts: number, cause?: unknown) {
    super(
      `Could not reach ${url}: ${detail}${attempts > 1 ? ` (after ${attempts} attempts)` : ""}. ` +
        `Check the address and that the service is up.`,
      url,
      { cause, retryable: code !== "ENOTFOUND" },
    );
  }
}

/** The server answered with a status that is not a success. */
export class HttpStatusError extends HttpError {
  override name = "HttpStatusError";
  constructor(
    url: string,
    readonly status: number,
    /** The start of the response body, for the person reading the error. */
    readonly bodyExcerpt: string,
    readonly attempts: number,
    readonly headers: Record<string, string | string[] | undefined> = {},
  ) {
    super(
      `${url} answered ${status}${statusHint(status)}${attempts > 1 ? ` after ${attempts} attempts` : ""}` +
        `${bodyExcerpt ? `: ${bodyExcerpt}` : ""}`,
      url,
      { retryable: status >= 500 || status === 429 || status === 408 },
    );
  }
}

/** The body could not be read as the expected format (malformed or truncated JSON, …). */
export class HttpParseError extends HttpError {
  override name = "HttpParseError";
  constructor(url: string, detail: string, readonly bodyExcerpt: string, cause?: unknown) {
    super(`${url} sent a response Flowgate could not read: ${detail}${bodyExcerpt ? ` (starts with: ${bodyExcerpt})` : ""}.`, url, {
      cause,
      retryable: false,
    });
  }
}

export class HttpTooManyRedirectsError extends HttpError {
  override name = "HttpTooManyRedirectsError";
  constructor(url: string, max: number) {
    super(`${url} redirected more than ${max} times. Use the final address directly.`, url);
  }
}

export class HttpAbortedError extends HttpError {
  override name = "HttpAbortedError";
  constructor(url: string, cause?: unknown) {
    super(`The request to ${url} was cancelled.`, url, { cause });
  }
}

/** Authentication could not be obtained (e.g. the OAuth2 token endpoint refused the client). */
export class HttpAuthError extends HttpError {
  override name = "HttpAuthError";
}

const RANGE_NAMES: Record<string, string> = {
  private: "private",
  loopback: "loopback (this machine)",
  linkLocal: "link-local",
  uniqueLocal: "unique-local (private IPv6)",
  unspecified: "unspecified",
  multicast: "multicast",
  broadcast: "broadcast",
  carrierGradeNat: "carrier-grade NAT (shared)",
  reserved: "reserved",
};

function describeRange(range: string): string {
  return RANGE_NAMES[range] ?? `special-purpose (${range})`;
}

function statusHint(status: number): string {
  if (status === 401) return " (not authorized: check the connection's credentials)";
  if (status === 403) return " (forbidden: the credentials lack permission)";
  if (status === 404) return " (not found: check the URL)";
  if (status === 429) return " (too many requests: lower the requests per second)";
  if (status >= 500) return " (a server error on their side)";
  return "";
}

export function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
