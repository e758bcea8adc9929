import { readRecords, FormatError, type ReadFormatOptions, type SkippedRecord } from "@flowgate/connectors/formats";
import { HttpError, redactUrl, type HttpResponse } from "@flowgate/connectors/http";
import type { Json, NodeContext, NodeImplementation, ReadOptions, SourceBatch } from "@flowgate/engine";
import type { Readable } from "node:stream";
import type { NodeServices } from "../services";
import { csvQuote } from "../shared/formats";
import { sourceFileDefinition, type SourceFileConfig } from "./definition";

type Ctx = NodeContext<SourceFileConfig, NodeServices>;

/** Skipped lines logged one by one; past this only the count is logged, so a broken file cannot flood the log. */
const LOGGED_SKIPS = 20;

const FORMAT_NAMES = { csv: "CSV", json: "JSON", ndjson: "NDJSON", xml: "XML" } as const;

/**
 * Reads the file as a stream of batches. The cursor is the number of records handed out so far:
 * a resumed run opens the file again and skips that many records.
 *
 * A source cannot report per-record errors, so with `skipBadLines` a malformed line is left out,
 * logged as a warning (line, reason, text) and counted in a summary at the end of the read.
 */
export const sourceFile: NodeImplementation<SourceFileConfig, NodeServices> = {
  definition: sourceFileDefinition,
  read: (ctx, options) => readFile(ctx, options),
};

async function* readFile(ctx: Ctx, options: ReadOptions): AsyncGenerator<SourceBatch> {
  const config = ctx.config;
  const skipRecords = recordsReached(options.cursor);
  const opened = await openFile(ctx);
  const name = opened.name;
  const stream = opened.stream;
  const onAbort = () => stream.destroy();
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  let skipped = 0;
  try {
    const batches = readRecords(stream, {
      ...formatOptions(config),
      batchSize: options.batchSize,
      skipRecords,
      ...(options.limit !== undefined && { limit: options.limit }),
    });
    for await (const batch of batches) {
      for (const bad of batch.skipped) logSkipped(ctx, name, bad, ++skipped);
      // A batch of skipped lines only: nothing to push through the graph.
      if (batch.records.length === 0) continue;
      yield { records: batch.records, cursor: batch.nextIndex };
    }
  } catch (error) {
    throw explain(error, config, name, opened.response);
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
    stream.destroy();
    if (skipped > 0) {
      ctx.log("warn", `Skipped ${skipped} malformed ${skipped === 1 ? "line" : "lines"} of “${name}”.`, { file: name, skipped });
    }
  }
}

function formatOptions(config: SourceFileConfig): ReadFormatOptions {
  const recordsPath = config.recordsPath || undefined;
  switch (config.format) {
    case "csv":
      return {
        format: "csv",
        delimiter: config.csv.delimiter,
        header: config.csv.header,
        quote: csvQuote(config.csv),
        encoding: config.csv.encoding,
        skipBadRecords: config.skipBadLines,
      };
    case "ndjson":
      return { format: "ndjson", skipBadRecords: config.skipBadLines };
    case "json":
      return { format: "json", ...(recordsPath !== undefined && { recordsPath }) };
    case "xml":
      return { format: "xml", ...(recordsPath !== undefined && { recordsPath }) };
  }
}

/** The cursor of a previous batch: how many records were handed out. */
function recordsReached(cursor: Json | undefined): number {
  if (cursor === undefined || cursor === null) return 0;
  if (typeof cursor === "number" && Number.isInteger(cursor) && cursor >= 0) return cursor;
  throw new Error(
    `The saved position (${JSON.stringify(cursor)}) is not a record count, so the file cannot be resumed from it. Start the run again.`,
  );
}

async function openFile(ctx: Ctx): Promise<{ name: string; stream: Readable; response?: HttpResponse }> {
  const location = ctx.config.location;
  if (location.type === "upload") {
    return { name: location.fileName, stream: await ctx.services.files.openUpload(location.uploadId) };
  }
  // Through the workspace's client: the SSRF guard checks the address (and every redirect).
  const response = await ctx.services.http.request({ url: location.url, signal: ctx.signal });
  return { name: response.displayUrl || redactUrl(location.url), stream: response.body, response };
}

function logSkipped(ctx: Ctx, name: string, bad: SkippedRecord, count: number): void {
  if (count > LOGGED_SKIPS) return;
  ctx.log("warn", `Skipped line ${bad.line} of “${name}”: ${bad.reason}`, {
    file: name,
    line: bad.line,
    ...(bad.raw !== undefined && { text: bad.raw }),
  });
  if (count === LOGGED_SKIPS) ctx.log("warn", `More malformed lines in “${name}” are skipped without being listed one by one.`);
}

/** Says which file could not be read; the reader's own words say where in it and what to do. */
function explain(error: unknown, config: SourceFileConfig, name: string, response: HttpResponse | undefined): unknown {
  if (error instanceof FormatError) {
    return new Error(`Could not read “${name}” as ${FORMAT_NAMES[config.format]}: ${error.message}`, { cause: error });
  }
  if (error instanceof HttpError) return error;
  // The download broke off while the file was being read (a reset, a timeout between chunks).
  if (response) return response.toHttpError(error);
  return error;
}
