import type { HttpAuth, HttpClient, QueryValue } from "./client";
import { HttpError, HttpParseError } from "./errors";
import { findLink } from "./link-header";
import type { RateLimiter } from "./rate-limiter";
import { getPath, parsePath } from "./records-path";
import type { RetryPolicy } from "./retry";

export type PaginationMode = "none" | "page" | "offset" | "cursor" | "link" | "next-url";

export interface PaginateOptions {
  url: string;
  mode: PaginationMode;
  headers?: Record<string, string>;
  /** Added to the first request's URL (later ones keep them, or take what the API links to). */
  query?: Record<string, QueryValue>;
  auth?: HttpAuth;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy> | false;
  rateLimiter?: RateLimiter;
  signal?: AbortSignal;
  /** Dot path to the records array in each page, e.g. `data.items`; empty for a bare array. */
  recordsPath?: string;
  /** Stop after this many pages in all (resumed pages count). */
  maxPages?: number;
  /** Records per page, sent as `pageSizeParam` on the first request. */
  pageSize?: number;
  /** Default `per_page` for "page" mode, `limit` otherwise. */
  pageSizeParam?: string;
  /** "page" mode: the page number parameter (default `page`) and the first page (default 1). */
  pageParam?: string;
  firstPage?: number;
  /** "offset" mode: the offset parameter (default `offset`). */
  offsetParam?: string;
  /** "cursor" mode: where the next cursor is in the body (default `next_cursor`) and the parameter it goes in (default `cursor`). */
  cursorPath?: string;
  cursorParam?: string;
  /** "next-url" mode: where the next page's URL is in the body (default `next`). */
  nextUrlPath?: string;
  /** "page" and "offset" modes: body field with the total number of records, to stop without asking for an empty page. */
  totalPath?: string;
  /** "page" mode: body field with the number of pages. */
  totalPagesPath?: string;
  /** Resume where a previous run stopped: a page's `next`. */
  resumeFrom?: PageCursor | null;
}

/** The next request to make, enough to resume a pagination after a crash (store it with the checkpoint). */
export interface PageCursor {
  /** Absolute URL of the next page, without credentials. */
  url: string;
  /** Pages and records read before it. */
  pages: number;
  records: number;
}

export interface Page<T = unknown> {
  records: T[];
  /** 1-based position of this page in the whole pagination (a resumed one continues counting). */
  number: number;
  /** Where to resume after this page; null when it was the last one (or maxPages was reached). */
  next: PageCursor | null;
  /** True when the pagination stopped at maxPages with more pages left (`next` then still points to them). */
  truncated: boolean;
  /** The page's URL, credentials hidden. */
  url: string;
}

/**
 * Reads a paginated JSON API page by page. Each page carries the cursor of the request after it,
 * so a source can checkpoint after any page and resume there with `resumeFrom`.
 */
export async function* paginate<T = unknown>(client: HttpClient, options: PaginateOptions): AsyncGenerator<Page<T>> {
  const secretParams = options.auth?.secretParams ?? [];
  const recordsPath = parsePath(options.recordsPath);
  const sizeParam = options.pageSizeParam ?? (options.mode === "page" ? "per_page" : "limit");
  const pageParam = options.pageParam ?? "page";
  const offsetParam = options.offsetParam ?? "offset";
  const cursorParam = options.cursorParam ?? "cursor";

  let cursor: PageCursor = options.resumeFrom ?? { url: firstUrl(), pages: 0, records: 0 };
  const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;

  function firstUrl(): string {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      return options.url; // the client's request reports the invalid URL
    }
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
    }
    if (options.pageSize !== undefined && options.mode !== "none") url.searchParams.set(sizeParam, String(options.pageSize));
    if (options.mode === "page" && !url.searchParams.has(pageParam)) url.searchParams.set(pageParam, String(options.firstPage ?? 1));
    if (options.mode === "offset" && !url.searchParams.has(offsetParam)) url.searchParams.set(offsetParam, "0");
    return url.href;
  }

  while (cursor.pages < maxPages) {
    const response = await client.request({
      url: cursor.url,
      headers: { accept: "application/json", ...options.headers },
      auth: options.auth,
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      rateLimiter: options.rateLimiter,
      signal: options.signal,
    });
    const shown = response.displayUrl;
    const body = await response.json();
    const records = extractRecords<T>(body, recordsPath, options.recordsPath, shown);
    const current = new URL(cursor.url);
    const readSoFar = cursor.records + records.length;
    const nextUrl = findNext(current, body, response.headers, records.length, readSoFar, shown);
    const number = cursor.pages + 1;
    let next: PageCursor | null = null;
    if (nextUrl !== null) {
      const clean = withoutSecrets(nextUrl, secretParams);
      if (clean === withoutSecrets(current.href, secretParams)) {
        throw new HttpError(
          `${shown} pointed to itself as the next page. Flowgate stopped so as not to read forever; check the pagination settings of the source.`,
          shown,
        );
      }
      next = { url: clean, pages: number, records: readSoFar };
    }
    const truncated = next !== null && number >= maxPages;
    yield { records, number, next, truncated, url: shown };
    if (!next) return;
    cursor = next;
  }

  function findNext(current: URL, body: unknown, headers: Record<string, string | string[] | undefined>, count: number, readSoFar: number, shown: string): string | null {
    const total = options.totalPath ? Number(getPath(body, options.totalPath)) : Number.NaN;
    switch (options.mode) {
      case "none":
        return null;
      case "page": {
        const page = Number(current.searchParams.get(pageParam) ?? options.firstPage ?? 1);
        const totalPages = options.totalPagesPath ? Number(getPath(body, options.totalPagesPath)) : Number.NaN;
        if (count === 0 || page >= totalPages || readSoFar >= total) return null;
        const next = new URL(current);
        next.searchParams.set(pageParam, String(page + 1));
        return next.href;
      }
      case "offset": {
        const offset = Number(current.searchParams.get(offsetParam) ?? 0);
        if (count === 0 || offset + count >= total) return null;
        const next = new URL(current);
        next.searchParams.set(offsetParam, String(offset + count));
        return next.href;
      }
      case "cursor": {
        const value = getPath(body, options.cursorPath ?? "next_cursor");
        if (value === undefined || value === null || value === "" || value === false) return null;
        if (typeof value !== "string" && typeof value !== "number") {
          throw new HttpParseError(shown, `the next cursor at "${options.cursorPath ?? "next_cursor"}" is not a string or number`, "");
        }
        const next = new URL(current);
        next.searchParams.set(cursorParam, String(value));
        return next.href;
      }
      case "link":
        return findLink(headers.link, "next", current);
      case "next-url": {
        const value = getPath(body, options.nextUrlPath ?? "next");
        if (value === undefined || value === null || value === "") return null;
        if (typeof value !== "string") {
          throw new HttpParseError(shown, `the next page URL at "${options.nextUrlPath ?? "next"}" is not a string`, "");
        }
        try {
          return new URL(value, current).href;
        } catch {
          throw new HttpParseError(shown, `the next page URL "${value.slice(0, 120)}" is not a valid URL`, "");
        }
      }
    }
  }
}

function extractRecords<T>(body: unknown, steps: string[], path: string | undefined, shown: string): T[] {
  const value = getPath(body, steps);
  if (Array.isArray(value)) return value as T[];
  if (value === null) return [];
  if (value === undefined) {
    const keys = body && typeof body === "object" && !Array.isArray(body) ? Object.keys(body).slice(0, 10) : [];
    throw new HttpParseError(
      shown,
      `there is nothing at the records path "${path}"${keys.length ? `; the response has ${keys.map((k) => `"${k}"`).join(", ")}` : ""}`,
      "",
    );
  }
  if (typeof value === "object") return [value as T];
  throw new HttpParseError(shown, `the records path "${path ?? ""}" holds a ${typeof value}, not a list of records`, "");
}

function withoutSecrets(url: string, secretParams: readonly string[]): string {
  if (secretParams.length === 0) return url;
  const parsed = new URL(url);
  for (const name of secretParams) parsed.searchParams.delete(name);
  return parsed.href;
}

