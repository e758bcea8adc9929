import { createRecordEncoder, type RecordEncoder, type WriteFormatOptions } from "@flowgate/connectors/formats";
import type { NodeContext, NodeImplementation, PlannedWrite, RunInfo } from "@flowgate/engine";
import type { ArtifactWriter, NodeServices } from "../services";
import { destinationFileDefinition, type DestinationFileConfig } from "./definition";

type Ctx = NodeContext<DestinationFileConfig, NodeServices>;

/** The file a run is writing: opened with its first batch, closed by `finish`, dropped by `abort`. */
interface OpenFile {
  name: string;
  encoder: RecordEncoder;
  writer: ArtifactWriter;
  records: number;
}

/**
 * One file per run and node. The engine gives each run its own parsed config object, so the
 * config is the key: two runs of the same flow never share a file.
 */
const openFiles = new WeakMap<object, Promise<OpenFile>>();
/** Dry runs: how many records were planned so far, to number them. */
const plannedCounts = new WeakMap<object, number>();

/**
 * Appends each batch to one artifact per run, encoded batch by batch (memory stays one batch);
 * `finish` closes it and logs its id. A run that fails or is cancelled drops the half-written file
 * (`abort`), so no run leaves a file with only some of its records to download.
 */
export const destinationFile: NodeImplementation<DestinationFileConfig, NodeServices> = {
  definition: destinationFileDefinition,

  async execute(ctx, batch) {
    const file = await openFile(ctx);
    const bytes = file.encoder.write(batch);
    if (bytes.length > 0) await file.writer.write(bytes);
    file.records += batch.length;
    return { ports: {} };
  },

  async plan(ctx, batch) {
    const name = withExtension(fileNameFor(ctx.config, ctx.run), ctx.config.format);
    const before = plannedCounts.get(ctx.config) ?? 0;
    plannedCounts.set(ctx.config, before + batch.length);
    return batch.map((record, i): PlannedWrite => ({ op: "create", key: `${name} #${before + i + 1}`, after: record }));
  },

  async finish(ctx) {
    const pending = openFiles.get(ctx.config);
    if (!pending) {
      ctx.log("info", "No records reached this step, so no file was written.");
      return;
    }
    openFiles.delete(ctx.config);
    const file = await pending;
    await file.writer.write(file.encoder.end());
    const artifact = await file.writer.close();
    ctx.log("info", `Wrote ${file.records} ${file.records === 1 ? "record" : "records"} to “${artifact.name}” (${artifact.bytes} bytes).`, {
      artifactId: artifact.id,
      name: artifact.name,
      bytes: artifact.bytes,
      records: file.records,
    });
  },

  async abort(ctx) {
    const pending = openFiles.get(ctx.config);
    if (!pending) return;
    openFiles.delete(ctx.config);
    // A file that could not even be created has nothing to drop.
    const file = await pending.catch(() => undefined);
    await file?.writer.abort();
  },
};

function openFile(ctx: Ctx): Promise<OpenFile> {
  let pending = openFiles.get(ctx.config);
  if (!pending) {
    pending = createFile(ctx);
    openFiles.set(ctx.config, pending);
  }
  return pending;
}

async function createFile(ctx: Ctx): Promise<OpenFile> {
  const encoder = createRecordEncoder(encoderOptions(ctx.config));
  const name = withExtension(fileNameFor(ctx.config, ctx.run), encoder.fileExtension);
  const writer = await ctx.services.artifacts.create(name, encoder.contentType);
  return { name, encoder, writer, records: 0 };
}

function encoderOptions(config: DestinationFileConfig): WriteFormatOptions {
  switch (config.format) {
    case "csv":
      return {
        format: "csv",
        delimiter: config.csv.delimiter,
        header: config.csv.header,
        encoding: config.csv.encoding,
        decimalComma: config.csv.decimalComma,
        ...(config.csv.columns && config.csv.columns.length > 0 && { columns: config.csv.columns }),
      };
    case "json":
    case "ndjson":
      return { format: config.format };
    case "xml":
      return { format: "xml", recordsPath: config.xml.recordsPath, namespaces: config.xml.namespaces };
  }
}

/** The file name with its placeholders filled in from the run's start (UTC). */
export function fileNameFor(config: DestinationFileConfig, run: Pick<RunInfo, "id" | "startedAt">): string {
  const iso = run.startedAt.toISOString();
  const date = iso.slice(0, 10);
  const time = iso.slice(11, 19).replace(/:/g, "");
  const values: Record<string, string> = { date, time, datetime: `${date}_${time}`, run: run.id };
  return config.fileName.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole).replace(/[\u0000-\u001f/\\]/g, "_");
}

function withExtension(name: string, extension: string): string {
  return /\.[A-Za-z0-9]{1,8}$/.test(name) ? name : `${name}.${extension}`;
}
