export { createAddressPolicy, parseAddress, type AddressPolicy } from "./address-policy";
export { createAuth, createOAuth2ClientCredentials, type HttpAuthConfig } from "./auth";
export {
  createHttpClient,
  type HttpAuth,
  type HttpAuthContext,
  type HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
  type QueryValue,
} from "./client";
export {
  HttpAbortedError,
  HttpAuthError,
  HttpBlockedAddressError,
  HttpError,
  HttpNetworkError,
  HttpParseError,
  HttpStatusError,
  HttpTimeoutError,
  HttpTooManyRedirectsError,
  HttpUrlRefusedError,
} from "./errors";
export { findLink } from "./link-header";
export { paginate, type Page, type PageCursor, type PaginateOptions, type PaginationMode } from "./paginate";
export { createRateLimiter, type RateLimiter, type TokenBucketOptions } from "./rate-limiter";
export { getPath, parsePath } from "./records-path";
export { redactUrl } from "./redact";
export { backoffDelay, DEFAULT_RETRY, parseRetryAfter, type RetryPolicy } from "./retry";
