import {
  createAuth,
  createRateLimiter,
  getPath,
  HttpAuthError,
  HttpError,
  HttpNetworkError,
  HttpStatusError,
  HttpTimeoutError,
  HttpUrlRefusedError,
  type HttpAuth,
  type HttpResponse,
  type RateLimiter,
  type RetryPolicy,
} from "@flowgate/connectors/http";
import type { CompiledExpression } from "@flowgate/engine/expressions";
import type { BatchOutput, FlowRecord, NodeContext, NodeImplementation, PlannedWrite, RecordError, RecordWrite } from "@flowgate/engine";
import { createHash } from "node:crypto";
import type { NodeServices } from "../services";
import { httpConnectionParts, resolveUrl } from "../shared/http-connection";
import { httpDestinationDefinition, urlPlaceholders, type HttpDestinationConfig } from "./definition";

type Ctx = NodeContext<HttpDestinationConfig, NodeServices>;
type Method = "POST" | "PUT" | "PATCH" | "DELETE";

/** What every request of a run shares; made once per run (the OAuth2 token is fetched once). */
interface Prepared {
  baseUrl: string | undefined;
  headers: Record<string, string>;
  auth: HttpAuth | undefined;
  rateLimiter: RateLimiter | undefined;
  timeoutMs: number;
  retry: Partial<RetryPolicy>;
  mapping: { target: string; expression: CompiledExpression }[] | undefined;
}

/** One record ready to send, or already known to fail. */
interface Write {
  index: number;
  key: string;
  op: "create" | "update" | "delete";
  /** False when no change detection said what the record is: a PUT or POST of it is then an upsert. */
  opKnown: boolean;
  method: Method;
  url: string;
  body: unknown;
}

/** What sending some records came to: the ones the API refused and the ones it took. */
interface Sent {
  errors: RecordError[];
  writes: RecordWrite[];
}

/** Fields Flowgate adds to records on their way (change detection, error routing); never sent. */
const INTERNAL_FIELDS = new Set(["_change", "_error"]);

const prepared = new WeakMap<object, Promise<Prepared>>();

/**
 * destination.http: sends records to an API, one request per record or arrays of N.
 *
 * Every request carries an `Idempotency-Key` made of the flow, the run, the record key and a hash of
 * what is sent, so a batch sent twice within a run (resumed after a crash, a request retried) changes
 * nothing twice at an API that honours the header. The run is part of it because such an API also
 * replays a refusal (a 4xx) to the same key: another run (`runs.retryFailed` after the cause was
 * fixed) must be able to send the record again. A record the API refuses is a per-record error with
 * the status and the start of the answer; trouble that is not about a record (the API unreachable,
 * credentials refused) fails the node, so the run can resume from its last checkpoint once the API is
 * back. What the API took is reported as the node's writes, with the status it answered.
 */
export const httpDestination: NodeImplementation<HttpDestinationConfig, NodeServices> = {
  definition: httpDestinationDefinition,

  async execute(ctx, batch): Promise<BatchOutput> {
    const setup = await prepare(ctx);
    const errors: RecordError[] = [];
    const writes: Write[] = [];
    for (let index = 0; index < batch.length; index++) {
      const built = await buildWrite(ctx, setup, batch[index]!, index);
      if ("message" in built) errors.push(built);
      else writes.push(built);
    }
    const size = ctx.config.batchMode.size;
    const tasks: (() => Promise<Sent>)[] = [];
    const batched: Write[] = [];
    for (const write of writes) {
      if (size > 1 && write.op !== "delete") batched.push(write);
      else tasks.push(async () => sendOne(ctx, setup, write));
    }
    for (let start = 0; start < batched.length; start += size) {
      const chunk = batched.slice(start, start + size);
      tasks.push(async () => sendMany(ctx, setup, chunk));
    }
    const written: RecordWrite[] = [];
    for (const sent of await inParallel(tasks, ctx.config.concurrency)) {
      errors.push(...sent.errors);
      written.push(...sent.writes);
    }
    errors.sort((a, b) => a.index - b.index);
    written.sort((a, b) => a.index - b.index);
    return { ports: {}, errors, writes: written };
  },

  async plan(ctx, batch): Promise<PlannedWrite[]> {
    const setup = await prepare(ctx, { connect: false });
    const planned: PlannedWrite[] = [];
    for (let index = 0; index < batch.length; index++) {
      const record = batch[index]!;
      const built = await buildWrite(ctx, setup, record, index);
      if ("message" in built) {
        ctx.log("warn", `Record ${index + 1}${built.key ? ` (key “${built.key}”)` : ""} would fail: ${built.message}`);
        continue;
      }
      const before = changeOf(record)?.before;
      planned.push({
        op: built.op,
        key: built.key,
        ...(isObject(before) && { before }),
        ...(built.op !== "delete" && isObject(built.body) && { after: built.body }),
      });
    }
    return planned;
  },
};

function prepare(ctx: Ctx, options: { connect: boolean } = { connect: true }): Promise<Prepared> {
  // A dry run must not contact anything: no token request either, so nothing is cached for it.
  if (!options.connect) return makePrepared(ctx, false);
  let setup = prepared.get(ctx);
  if (!setup) {
    setup = makePrepared(ctx, true);
    prepared.set(ctx, setup);
    setup.catch(() => prepared.delete(ctx));
  }
  return setup;
}

async function makePrepared(ctx: Ctx, connect: boolean): Promise<Prepared> {
  const { config } = ctx;
  let baseUrl: string | undefined;
  let connectionHeaders: Record<string, string> = {};
  let auth: HttpAuth | undefined;
  if (config.connectionId) {
    const parts = httpConnectionParts(await ctx.services.connections.get(config.connectionId));
    baseUrl = parts.baseUrl;
    connectionHeaders = parts.headers;
    if (connect) auth = createAuth(parts.auth);
  }
  const headers: Record<string, string> = { accept: "application/json" };
  for (const [name, value] of Object.entries({ ...connectionHeaders, ...config.headers })) headers[name.toLowerCase()] = value;
  const mapping =
    config.body === "record" ? undefined : config.body.mapping.map((field) => ({ target: field.target, expression: ctx.expressions.compile(field.expression) }));
  return {
    baseUrl,
    headers,
    auth,
    rateLimiter: connect && config.requestsPerSecond ? createRateLimiter({ requestsPerSecond: config.requestsPerSecond }) : undefined,
    timeoutMs: Math.round(config.timeoutSeconds * 1000),
    retry: { maxAttempts: config.retries + 1 },
    mapping,
  };
}

async function buildWrite(ctx: Ctx, setup: Prepared, record: FlowRecord, index: number): Promise<Write | RecordError> {
  const { config } = ctx;
  const keyValue = getPath(record, config.keyField);
  if (keyValue === undefined || keyValue === null || keyValue === "") {
    return {
      index,
      message: `The record has no “${config.keyField}”, the field that identifies it, so it was not sent. Check the key field of the step, or the steps before it.`,
    };
  }
  const key = typeof keyValue === "object" ? JSON.stringify(keyValue) : String(keyValue);
  const change = changeOf(record);
  const op = change?.op === "delete" ? "delete" : change?.op === "create" ? "create" : "update";
  const opKnown = change?.op === "delete" || change?.op === "create" || change?.op === "update";
  try {
    if (op === "delete") {
      if (config.batchMode.size > 1 && !config.deleteUrl) {
        return { index, key, message: "The record was deleted at the source, but batched requests need a delete URL (such as /products/{sku}) to send deletions to. Set one in the step." };
      }
      return { index, key, op, opKnown, method: "DELETE", url: resolveUrl(setup.baseUrl, expand(config.deleteUrl ?? config.url, record)), body: undefined };
    }
    const url = resolveUrl(setup.baseUrl, config.batchMode.size > 1 ? config.url : expand(config.url, record));
    return { index, key, op, opKnown, method: config.method, url, body: config.method === "DELETE" ? undefined : await buildBody(setup, record) };
  } catch (error) {
    return { index, key, message: error instanceof Error ? error.message : String(error) };
  }
}

/** `{field}` → the record's value, URL-encoded; a missing value is the record's error. */
function expand(template: string, record: FlowRecord): string {
  if (urlPlaceholders(template).length === 0) return template;
  return template.replace(/\{([^{}]*)\}/g, (_match, name: string) => {
    const field = name.trim();
    const value = getPath(record, field);
    if (value === undefined || value === null || value === "" || typeof value === "object") {
      throw new Error(`The URL needs the record's “${field}”, but the record ${value === undefined || value === null || value === "" ? "has none" : "holds a list or object there"}.`);
    }
    return encodeURIComponent(String(value));
  });
}

async function buildBody(setup: Prepared, record: FlowRecord): Promise<FlowRecord> {
  if (!setup.mapping) {
    const body: FlowRecord = {};
    for (const name in record) if (!INTERNAL_FIELDS.has(name)) body[name] = record[name];
    return body;
  }
  const body: FlowRecord = {};
  for (const field of setup.mapping) {
    let value: unknown;
    try {
      value = field.expression.evaluateSync ? field.expression.evaluateSync(record) : await field.expression.evaluate(record);
    } catch (error) {
      // F0001: this evaluation needs JSONata's own evaluator, which only the async path has.
      if ((error as { code?: string }).code !== "F0001") fieldFailed(field, error);
      value = await field.expression.evaluate(record).catch((e: unknown) => fieldFailed(field, e));
    }
    if (value !== undefined) body[field.target] = value;
  }
  return body;
}

function fieldFailed(field: { target: string; expression: CompiledExpression }, error: unknown): never {
  throw new Error(`The body field “${field.target}” (${field.expression.source}) could not be computed: ${error instanceof Error ? error.message : String(error)}`);
}

function changeOf(record: FlowRecord): { op?: unknown; before?: unknown } | undefined {
  const change = record._change;
  return isObject(change) ? change : undefined;
}

function isObject(value: unknown): value is FlowRecord {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Flow, run, record key and a hash of the request: the same write in the same run gets the same key,
 * a different one (or the same one in another run) another.
 */
function idempotencyKey(ctx: Ctx, key: string, method: string, url: string, body: unknown): string {
  const digest = createHash("sha256").update(`${method} ${url}\n${body === undefined ? "" : JSON.stringify(body)}`).digest("hex").slice(0, 32);
  const readableKey = encodeURIComponent(key);
  const keyPart = readableKey.length <= 100 ? readableKey : createHash("sha256").update(key).digest("hex").slice(0, 32);
  return `${encodeURIComponent(ctx.run.flowId)}:${encodeURIComponent(ctx.run.id)}:${keyPart}:${digest}`;
}

/** A write the API took, for lineage: the operation and the status it answered. */
function written(write: Write, status: number): RecordWrite {
  const op = write.method === "DELETE" ? "delete" : write.opKnown ? write.op : write.method === "PATCH" ? "update" : "upsert";
  return { index: write.index, key: write.key, op, detail: `HTTP ${status}` };
}

async function sendOne(ctx: Ctx, setup: Prepared, write: Write): Promise<Sent> {
  try {
    const response = await send(ctx, setup, write.method, write.url, write.body, idempotencyKey(ctx, write.key, write.method, write.url, write.body));
    await response.dump();
    return { errors: [], writes: [written(write, response.status)] };
  } catch (error) {
    return { errors: [{ index: write.index, key: write.key, message: recordFailure(ctx, write.method, error) }], writes: [] };
  }
}

async function sendMany(ctx: Ctx, setup: Prepared, chunk: Write[]): Promise<Sent> {
  const method = ctx.config.method;
  const url = chunk[0]!.url;
  const body = chunk.map((write) => write.body);
  const key = idempotencyKey(ctx, `batch-${createHash("sha256").update(chunk.map((w) => w.key).join("\n")).digest("hex").slice(0, 16)}`, method, url, body);
  const allFailed = (message: string): Sent => ({
    errors: chunk.map((write) => ({ index: write.index, key: write.key, message: `${message} (a batch of ${chunk.length} records)` })),
    writes: [],
  });
  let response: HttpResponse;
  try {
    response = await send(ctx, setup, method, url, body, key, false);
  } catch (error) {
    return allFailed(recordFailure(ctx, method, error));
  }
  if (response.status >= 400) {
    const excerpt = excerptOf(await response.text().catch(() => ""));
    const failure = new HttpStatusError(response.displayUrl, response.status, excerpt, response.attempts, response.headers);
    return allFailed(recordFailure(ctx, method, failure));
  }
  if (response.status !== 207) {
    await response.dump();
    return { errors: [], writes: chunk.map((write) => written(write, response.status)) };
  }
  const errors = itemFailures(ctx, chunk, response, await response.json().catch(() => undefined));
  const refused = new Set(errors.map((error) => error.index));
  return { errors, writes: chunk.filter((write) => !refused.has(write.index)).map((write) => written(write, response.status)) };
}

/** A 207 answer: the items the API refused, matched to records by key when it names them, else by position. */
function itemFailures(ctx: Ctx, chunk: Write[], response: HttpResponse, answer: unknown): RecordError[] {
  const items = Array.isArray(answer) ? answer : isObject(answer) ? (answer.results ?? answer.items ?? answer.data) : undefined;
  const where = `${response.displayUrl} answered 207 (some records of the batch refused)`;
  if (!Array.isArray(items)) {
    return chunk.map((write) => ({ index: write.index, key: write.key, message: `${where}, but its answer lists no per-record results, so it is unknown whether this record was written.` }));
  }
  const byKey = new Map<string, unknown>();
  for (const item of items) {
    const itemKey = isObject(item) ? getPath(item, ctx.config.keyField) : undefined;
    if (itemKey !== undefined && itemKey !== null) byKey.set(String(itemKey), item);
  }
  const useKeys = byKey.size === chunk.length;
  const errors: RecordError[] = [];
  chunk.forEach((write, position) => {
    const item = useKeys ? byKey.get(write.key) : items[position];
    if (item === undefined) {
      errors.push({ index: write.index, key: write.key, message: `${where}, but says nothing about this record.` });
      return;
    }
    if (!isObject(item)) return;
    const status = Number(item.status ?? item.statusCode ?? item.code);
    const refused = (Number.isFinite(status) && status >= 400) || (item.error !== undefined && item.error !== null && item.error !== false) || item.ok === false || item.success === false;
    if (refused) {
      const detail = excerptOf(JSON.stringify(item.error ?? item.message ?? item));
      errors.push({ index: write.index, key: write.key, message: `${where}: this record got ${Number.isFinite(status) ? `status ${status}` : "an error"}: ${detail}` });
    }
  });
  return errors;
}

function send(ctx: Ctx, setup: Prepared, method: Method, url: string, body: unknown, key: string, throwOnStatus = true): Promise<HttpResponse> {
  return ctx.services.http.request({
    url,
    method,
    headers: { ...setup.headers, "idempotency-key": key },
    ...(body !== undefined && { json: body }),
    auth: setup.auth,
    timeoutMs: setup.timeoutMs,
    retry: setup.retry,
    rateLimiter: setup.rateLimiter,
    signal: ctx.signal,
    throwOnStatus,
  });
}

/**
 * The message of a record's failure; throws instead when the failure is not about the record (the
 * API unreachable, credentials refused, the run cancelled), which fails the node rather than
 * marking every record of the run as failed one by one.
 */
function recordFailure(ctx: Ctx, method: string, error: unknown): string {
  if (ctx.signal.aborted) throw error;
  if (!(error instanceof HttpError)) throw error;
  if (error instanceof HttpNetworkError || error instanceof HttpTimeoutError || error instanceof HttpUrlRefusedError || error instanceof HttpAuthError) throw error;
  if (error instanceof HttpStatusError && (error.status === 401 || error.status === 403)) throw error;
  return `${method} ${error.message}`;
}

function excerptOf(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

async function inParallel<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < tasks.length && !failed) {
      const i = next++;
      try {
        results[i] = await tasks[i]!();
      } catch (error) {
        // Stop sending: the failure is not about a record, the others would meet it too.
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
