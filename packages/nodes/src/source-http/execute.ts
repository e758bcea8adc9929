import { FormatError, readRecords, type ReadFormatOptions } from "@flowgate/connectors/formats";
import {
  createAuth,
  createRateLimiter,
  findLink,
  HttpError,
  paginate,
  type HttpAuth,
  type HttpResponse,
  type PageCursor,
  type RateLimiter,
  type RetryPolicy,
} from "@flowgate/connectors/http";
import type { FlowRecord, Json, NodeContext, NodeImplementation, ReadOptions, SourceBatch } from "@flowgate/engine";
import { z } from "zod";
import type { NodeServices } from "../services";
import { csvQuote } from "../shared/formats";
import { httpConnectionParts, resolveUrl } from "../shared/http-connection";
import { httpSourceDefinition, type HttpSourceConfig } from "./definition";

type Ctx = NodeContext<HttpSourceConfig, NodeServices>;

/**
 * Where a run resumes, stored with each checkpoint (plain JSON, no credentials):
 * - `{ next, skip }`: request the page `next` points to (null: the first page) and drop its first
 *   `skip` records, which earlier batches already brought;
 * - `{ done: true }`: the last page was read.
 */
export type HttpSourceCursor = { next: PageCursor | null; skip: number } | { done: true };

const PageCursorSchema = z.object({ url: z.string(), pages: z.int().min(0), records: z.int().min(0) });
const HttpSourceCursorSchema = z.union([
  z.object({ done: z.literal(true) }),
  z.object({ next: PageCursorSchema.nullable(), skip: z.int().min(0) }),
]);

/** What every request of one read shares: the resolved address, headers, credentials and limits. */
interface RequestPlan {
  url: string;
  headers: Record<string, string>;
  auth: HttpAuth | undefined;
  rateLimiter: RateLimiter | undefined;
  timeoutMs: number;
  retry: Partial<RetryPolicy>;
}

/** One page of the response(s): its records in chunks, and where the page after it starts. */
interface SourcePage {
  /** The cursor that requested this page (null: the first page of the JSON pagination). */
  start: PageCursor | null;
  /** Records of this page dropped because a previous run already brought them. */
  skip: number;
  chunks: AsyncIterable<FlowRecord[]> | Iterable<FlowRecord[]>;
  /** Known once `chunks` has been read to its end. */
  end(): HttpSourceCursor;
}

/**
 * source.http: reads records from an API.
 *
 * Paginated JSON over GET goes through the connector's `paginate` (one page in memory at a time).
 * Everything else (NDJSON, CSV, XML, an unpaginated JSON document, POST requests) is parsed as the
 * bytes arrive, so a response of a million records needs the memory of one batch.
 *
 * Pages are re-cut into batches of the flow's batch size. A batch that ends where a page ends
 * carries the cursor of the next page; one that ends inside a page carries that page's cursor and
 * how many of its records were already brought, so a resumed run asks for the same page again and
 * skips those (the API is assumed to answer the same page the same way within a run).
 */
export const httpSource: NodeImplementation<HttpSourceConfig, NodeServices> = {
  definition: httpSourceDefinition,
  read(ctx, options) {
    return readHttpSource(ctx, options);
  },
};

async function* readHttpSource(ctx: Ctx, options: ReadOptions): AsyncGenerator<SourceBatch> {
  const cursor = parseCursor(options.cursor);
  if ("done" in cursor) return;
  const plan = await planRequests(ctx);
  const { config } = ctx;
  const streamed = config.format !== "json" || config.method !== "GET" || config.pagination.mode === "none";
  const pages = streamed ? streamedPages(ctx, plan, cursor, options.batchSize) : jsonPages(ctx, plan, cursor);
  yield* rebatch(pages, options);
}

function parseCursor(cursor: Json | undefined): HttpSourceCursor {
  if (cursor === undefined || cursor === null) return { next: null, skip: 0 };
  const parsed = HttpSourceCursorSchema.safeParse(cursor);
  if (!parsed.success) {
    throw new Error(
      "The saved reading position of this source is not one this step understands (the run was probably started by another version of Flowgate). Start a new run to read from the beginning.",
    );
  }
  return parsed.data;
}

async function planRequests(ctx: Ctx): Promise<RequestPlan> {
  const { config, services } = ctx;
  let baseUrl: string | undefined;
  let connectionHeaders: Record<string, string> = {};
  let auth: HttpAuth | undefined;
  if (config.connectionId) {
    const parts = httpConnectionParts(await services.connections.get(config.connectionId));
    baseUrl = parts.baseUrl;
    connectionHeaders = parts.headers;
    auth = createAuth(parts.auth);
  }
  const headers: Record<string, string> = { accept: ACCEPT[config.format] };
  for (const [name, value] of Object.entries({ ...connectionHeaders, ...config.headers })) headers[name.toLowerCase()] = value;
  if (config.method === "POST" && config.body && !headers["content-type"]) {
    headers["content-type"] = /^\s*[[{]/.test(config.body) ? "application/json" : "text/plain; charset=utf-8";
  }
  return {
    url: resolveUrl(baseUrl, config.url),
    headers,
    auth,
    rateLimiter: config.requestsPerSecond ? createRateLimiter({ requestsPerSecond: config.requestsPerSecond }) : undefined,
    timeoutMs: Math.round(config.timeoutSeconds * 1000),
    // Reading is safe to repeat, even over POST (search endpoints): retry it like a GET.
    retry: { maxAttempts: config.retries + 1, retryNonIdempotent: true },
  };
}

const ACCEPT: Record<HttpSourceConfig["format"], string> = {
  json: "application/json",
  ndjson: "application/x-ndjson, application/jsonl;q=0.9, application/json;q=0.5",
  csv: "text/csv, text/plain;q=0.5",
  xml: "application/xml, text/xml;q=0.9",
};

/** Paginated JSON over GET: the connector's pagination, whose page cursors resume exactly. */
async function* jsonPages(ctx: Ctx, plan: RequestPlan, cursor: { next: PageCursor | null; skip: number }): AsyncGenerator<SourcePage> {
  const { config } = ctx;
  const p = config.pagination;
  let start = cursor.next;
  let skip = cursor.skip;
  for await (const page of paginate<FlowRecord>(ctx.services.http, {
    url: plan.url,
    mode: p.mode,
    headers: plan.headers,
    query: config.query,
    auth: plan.auth,
    timeoutMs: plan.timeoutMs,
    retry: plan.retry,
    rateLimiter: plan.rateLimiter,
    signal: ctx.signal,
    recordsPath: config.recordsPath,
    maxPages: p.maxPages,
    pageSize: p.pageSize,
    pageSizeParam: p.pageSizeParam,
    pageParam: p.pageParam,
    offsetParam: p.offsetParam,
    cursorPath: p.cursorPath,
    cursorParam: p.cursorParam,
    nextUrlPath: p.nextUrlPath,
    resumeFrom: cursor.next,
  })) {
    if (page.truncated) warnMaxPages(ctx, page.url);
    const records = skip > 0 ? page.records.slice(skip) : page.records;
    const next = page.next;
    yield { start, skip, chunks: [asRecords(records)], end: () => (next && !page.truncated ? { next, skip: 0 } : { done: true }) };
    start = next;
    skip = 0;
  }
}

/** A record that is not an object (an API listing bare ids) becomes `{ value }`, as in the file readers. */
function asRecords(values: unknown[]): FlowRecord[] {
  let plain = true;
  for (const value of values) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      plain = false;
      break;
    }
  }
  if (plain) return values as FlowRecord[];
  return values.map((value) => (value !== null && typeof value === "object" && !Array.isArray(value) ? (value as FlowRecord) : { value }));
}

/** Responses parsed as they stream in; page, offset and Link pagination count records or read headers. */
async function* streamedPages(
  ctx: Ctx,
  plan: RequestPlan,
  cursor: { next: PageCursor | null; skip: number },
  batchSize: number,
): AsyncGenerator<SourcePage> {
  const { config } = ctx;
  const p = config.pagination;
  const secretParams = plan.auth?.secretParams ?? [];
  let current: PageCursor = cursor.next ?? { url: firstUrl(plan.url, config), pages: 0, records: 0 };
  let skip = cursor.skip;
  while (current.pages < p.maxPages) {
    const response = await ctx.services.http.request({
      url: current.url,
      method: config.method,
      headers: plan.headers,
      ...(config.method === "POST" && config.body ? { body: config.body } : {}),
      auth: plan.auth,
      timeoutMs: plan.timeoutMs,
      retry: plan.retry,
      rateLimiter: plan.rateLimiter,
      signal: ctx.signal,
    });
    const counted = { records: skip };
    const page = current;
    let next: PageCursor | null | undefined;
    const end = (): HttpSourceCursor => {
      next ??= nextPage(page, counted.records, response, config, secretParams);
      return next && next.pages < p.maxPages ? { next, skip: 0 } : { done: true };
    };
    yield { start: page, skip, chunks: parseBody(response, config, skip, batchSize, counted), end };
    end();
    if (!next) return;
    if (next.pages >= p.maxPages) {
      warnMaxPages(ctx, response.displayUrl);
      return;
    }
    current = next;
    skip = 0;
  }
}

function firstUrl(address: string, config: HttpSourceConfig): string {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new Error(`“${address}” is not a valid web address. Check the URL of the step (and the base URL of its connection).`);
  }
  const p = config.pagination;
  for (const [name, value] of Object.entries(config.query)) url.searchParams.set(name, value);
  if (p.pageSize !== undefined && p.mode !== "none") url.searchParams.set(p.pageSizeParam ?? (p.mode === "page" ? "per_page" : "limit"), String(p.pageSize));
  if (p.mode === "page" && !url.searchParams.has(p.pageParam ?? "page")) url.searchParams.set(p.pageParam ?? "page", "1");
  if (p.mode === "offset" && !url.searchParams.has(p.offsetParam ?? "offset")) url.searchParams.set(p.offsetParam ?? "offset", "0");
  return url.href;
}

/** The page after a streamed one. Without totals in a streamed body, an empty page ends the reading. */
function nextPage(page: PageCursor, count: number, response: HttpResponse, config: HttpSourceConfig, secretParams: readonly string[]): PageCursor | null {
  const p = config.pagination;
  const url = new URL(page.url);
  const after = (href: string): PageCursor => ({ url: href, pages: page.pages + 1, records: page.records + count });
  switch (p.mode) {
    case "page": {
      if (count === 0) return null;
      const name = p.pageParam ?? "page";
      url.searchParams.set(name, String(Number(url.searchParams.get(name) ?? 1) + 1));
      return after(url.href);
    }
    case "offset": {
      if (count === 0) return null;
      const name = p.offsetParam ?? "offset";
      url.searchParams.set(name, String(Number(url.searchParams.get(name) ?? 0) + count));
      return after(url.href);
    }
    case "link": {
      const link = findLink(response.headers.link, "next", url);
      if (!link) return null;
      // The API may echo a query API key into its links: never store it in the cursor.
      const clean = new URL(link);
      for (const name of secretParams) clean.searchParams.delete(name);
      if (clean.href === url.href) {
        throw new HttpError(
          `${response.displayUrl} named itself as the next page. Flowgate stopped so as not to read forever; check the pagination settings of the step.`,
          response.displayUrl,
        );
      }
      return after(clean.href);
    }
    default:
      return null;
  }
}

/** The response body through the format's streaming reader, in chunks of records. */
async function* parseBody(
  response: HttpResponse,
  config: HttpSourceConfig,
  skip: number,
  batchSize: number,
  counted: { records: number },
): AsyncGenerator<FlowRecord[]> {
  let streamError: unknown;
  async function* bytes(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of response.body) yield chunk as Uint8Array;
    } catch (error) {
      streamError = error;
      throw error;
    }
  }
  const common = { batchSize, skipRecords: skip };
  const options: ReadFormatOptions =
    config.format === "csv"
      ? {
          format: "csv",
          ...common,
          delimiter: config.csv?.delimiter ?? "auto",
          header: config.csv?.header ?? true,
          quote: csvQuote(config.csv),
          encoding: config.csv?.encoding ?? "utf-8",
        }
      : config.format === "xml"
        ? { format: "xml", ...common, ...(config.recordsPath ? { recordsPath: config.recordsPath } : {}) }
        : config.format === "ndjson"
          ? { format: "ndjson", ...common }
          : { format: "json", ...common, ...(config.recordsPath ? { recordsPath: config.recordsPath } : {}) };
  try {
    for await (const batch of readRecords(bytes(), options)) {
      counted.records = batch.nextIndex;
      if (batch.records.length > 0) yield batch.records;
    }
  } catch (error) {
    // A connection that broke mid-body is a network problem, not a malformed document.
    if (streamError !== undefined) throw response.toHttpError(streamError);
    if (error instanceof FormatError) {
      throw new HttpError(
        `${response.displayUrl} sent a response Flowgate could not read as ${config.format.toUpperCase()}: ${error.message}`,
        response.displayUrl,
        { cause: error },
      );
    }
    throw error;
  } finally {
    response.body.destroy();
  }
}

/**
 * Pages to batches of `batchSize` (the last one smaller), each with the cursor to resume after it,
 * stopping at `limit` records (dry run). A batch that fills up exactly at the end of a chunk is held
 * back until we know whether its page goes on, so that it gets the next page's cursor when it can.
 */
async function* rebatch(pages: AsyncIterable<SourcePage>, options: ReadOptions): AsyncGenerator<SourceBatch> {
  const batchSize = Math.max(1, options.batchSize);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  let buffer: FlowRecord[] = [];
  let taken = 0; // records handed out or held
  let held: { records: FlowRecord[]; position: number; page: SourcePage } | undefined;
  let lastEnd: HttpSourceCursor | undefined;
  const midPage = (h: NonNullable<typeof held>): SourceBatch => ({ records: h.records, cursor: toJson({ next: h.page.start, skip: h.position }) });

  for await (const page of pages) {
    let position = page.skip;
    for await (const chunk of page.chunks) {
      let i = 0;
      while (i < chunk.length) {
        if (held) {
          yield midPage(held);
          held = undefined;
        }
        const take = Math.min(batchSize - buffer.length, chunk.length - i, limit - taken);
        for (let j = i; j < i + take; j++) buffer.push(chunk[j]!);
        i += take;
        position += take;
        taken += take;
        if (taken >= limit) {
          yield { records: buffer, cursor: toJson({ next: page.start, skip: position }) };
          return;
        }
        if (buffer.length === batchSize) {
          held = { records: buffer, position, page };
          buffer = [];
        }
      }
    }
    lastEnd = page.end();
    if (held) {
      yield { records: held.records, cursor: toJson(lastEnd) };
      held = undefined;
    }
  }
  if (buffer.length > 0) yield { records: buffer, cursor: toJson(lastEnd ?? { done: true }) };
}

function toJson(cursor: HttpSourceCursor): Json {
  return cursor as unknown as Json;
}

function warnMaxPages(ctx: Ctx, url: string): void {
  ctx.log("warn", `Stopped after ${ctx.config.pagination.maxPages} pages (the step's page limit) with more pages left at ${url}. Raise “max pages” to read them all.`, {
    maxPages: ctx.config.pagination.maxPages,
  });
}
