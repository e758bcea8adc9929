import { FormatError, readRecords, type ReadFormatOptions } from "@flowgate/connectors/formats";
import type { Json, NodeContext, NodeImplementation, ReadOptions, SourceBatch } from "@flowgate/engine";
import type { NodeServices } from "../services";
import { csvQuote } from "../shared/formats";
import { webhookTriggerDefinition, type WebhookTriggerConfig } from "./definition";

type Ctx = NodeContext<WebhookTriggerConfig, NodeServices>;
type BodyFormat = Exclude<WebhookTriggerConfig["format"], "auto">;

/**
 * trigger.webhook: the body of the request that started the run becomes its records, in batches.
 * The runtime stores the body with the run, so a resumed run reads it again and skips the records
 * its cursor (`{ records: n }`) says were already brought.
 */
export const webhookTrigger: NodeImplementation<WebhookTriggerConfig, NodeServices> = {
  definition: webhookTriggerDefinition,
  read(ctx, options) {
    return readWebhookBody(ctx, options);
  },
};

async function* readWebhookBody(ctx: Ctx, options: ReadOptions): AsyncGenerator<SourceBatch> {
  const trigger = ctx.run.trigger;
  if (trigger?.kind !== "webhook") {
    ctx.log(
      "info",
      `This run was started ${trigger ? (trigger.kind === "manual" ? "by hand" : "by its schedule") : "without a trigger"}, not by a webhook, so “${ctx.node.label}” brings no records. Send a request to the flow's webhook address to run it with data.`,
    );
    return;
  }
  const body = trigger.body;
  if (!body || isBlank(body)) {
    ctx.log("info", "The webhook request had an empty body, so there are no records to process.");
    return;
  }
  const format = chooseFormat(ctx.config.format, trigger.contentType, body);
  const skip = resumeAfter(options.cursor);
  const charset = charsetOf(trigger.contentType);
  const common = { batchSize: options.batchSize, skipRecords: skip, ...(options.limit !== undefined && { limit: options.limit }) };
  const { config } = ctx;
  const readOptions: ReadFormatOptions =
    format === "csv"
      ? {
          format,
          ...common,
          delimiter: config.csv?.delimiter ?? "auto",
          header: config.csv?.header ?? true,
          quote: csvQuote(config.csv),
          // A setting other than the default wins over the sender's label: mislabelled windows-1250 is common.
          encoding: config.csv && config.csv.encoding !== "utf-8" ? config.csv.encoding : (charset ?? "utf-8"),
        }
      : format === "xml"
        ? { format, ...common, ...(config.recordsPath ? { recordsPath: config.recordsPath } : {}), ...(charset ? { encoding: charset } : {}) }
        : format === "ndjson"
          ? { format, ...common, ...(charset ? { encoding: charset } : {}) }
          : { format, ...common, ...(config.recordsPath ? { recordsPath: config.recordsPath } : {}), ...(charset ? { encoding: charset } : {}) };
  try {
    for await (const batch of readRecords(body, readOptions)) {
      if (batch.records.length > 0) yield { records: batch.records, cursor: { records: batch.nextIndex } satisfies Json };
    }
  } catch (error) {
    if (error instanceof FormatError) {
      throw new Error(`The webhook's body could not be read as ${format.toUpperCase()}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function resumeAfter(cursor: Json | undefined): number {
  if (cursor && typeof cursor === "object" && !Array.isArray(cursor) && typeof cursor.records === "number" && cursor.records >= 0) {
    return Math.floor(cursor.records);
  }
  return 0;
}

/** The configured format, else the Content-Type, else what the body starts with. */
export function chooseFormat(configured: WebhookTriggerConfig["format"], contentType: string | undefined, body: Uint8Array): BodyFormat {
  if (configured !== "auto") return configured;
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (/ndjson|jsonl|json-?lines|json-seq/.test(type)) return "ndjson";
  if (/json/.test(type)) return "json";
  if (/csv|comma-separated/.test(type)) return "csv";
  if (/xml/.test(type)) return "xml";
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 4096)).toString("utf8").replace(/^\uFEFF/, "").trimStart();
  if (head.startsWith("<")) return "xml";
  if (head.startsWith("[")) return "json";
  if (head.startsWith("{")) {
    // One object per line is NDJSON; a pretty-printed object's second line never starts with “{”.
    const lines = head.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "");
    return lines.length > 1 && lines[0]!.endsWith("}") && lines[1]!.startsWith("{") ? "ndjson" : "json";
  }
  throw new Error(
    `Flowgate could not tell the format of the webhook's body (Content-Type “${contentType ?? "none"}”, starting with “${head.slice(0, 40)}”). ` +
      "Ask the sender to set a Content-Type, or choose the format in the trigger's settings.",
  );
}

function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? "");
  return match ? match[1]!.toLowerCase() : undefined;
}

function isBlank(body: Uint8Array): boolean {
  for (const byte of body) if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return false;
  return true;
}
