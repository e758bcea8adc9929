import type { NodeDefinition } from "@flowgate/engine";
import { expressionSchema } from "@flowgate/engine/expressions";
import { z } from "zod";

/** `{field}` placeholders of a URL template (a field may be a dotted path: `{supplier.id}`). */
export function urlPlaceholders(template: string): string[] {
  return [...template.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1]!.trim());
}

const UrlTemplate = z
  .string()
  .trim()
  .min(1, "is empty: enter a path such as /products/{sku} (relative to the connection's base URL) or a full https:// address")
  .max(4000)
  .superRefine((template, ctx) => {
    const stripped = template.replace(/\{[^{}]*\}/g, "");
    if (/[{}]/.test(stripped)) {
      ctx.addIssue({ code: "custom", message: "has a “{” or “}” without its partner: write a record field as {sku}." });
    }
    if (urlPlaceholders(template).some((field) => field === "")) {
      ctx.addIssue({ code: "custom", message: "has an empty {}: name the record field inside, e.g. {sku}." });
    }
  });

export const FieldMappingSchema = z.object({
  target: z.string().trim().min(1, "needs a field name").max(200).describe("The field of the request body.").meta({ title: "Body field" }),
  expression: expressionSchema({ description: "Its value, computed from the record (JSONata), e.g. price * 1.23" }),
});

export const HttpDestinationConfigSchema = z
  .object({
    connectionId: z.string().min(1).optional().describe("The HTTP connection with the base URL and credentials."),
    method: z
      .enum(["POST", "PUT", "PATCH", "DELETE"], { message: "must be POST, PUT, PATCH or DELETE" })
      .default("PUT")
      .meta({ title: "Method" }),
    url: UrlTemplate.describe("Where each record goes; {field} is replaced by the record's value, e.g. /products/{sku}.").meta({
      title: "URL",
      placeholder: "/products/{sku}",
    }),
    deleteUrl: UrlTemplate.optional()
      .describe("Where a deleted record's DELETE goes (default: the URL above).")
      .meta({ title: "Delete URL", advanced: true }),
    headers: z.record(z.string().min(1), z.string()).default({}).describe("Extra request headers.").meta({ title: "Headers" }),
    body: z
      .union(
        [
          z.literal("record").meta({ title: "The record as it is" }),
          z.object({ mapping: z.array(FieldMappingSchema).min(1, "needs at least one field").meta({ title: "Fields", itemTitle: "Field" }) }).meta({ title: "Field by field" }),
        ],
        { message: "must be “record” or a list of fields" },
      )
      .default("record")
      .describe("Send the record as it is (without Flowgate's _change and _error fields), or build the body field by field.")
      .meta({ title: "Body" }),
    batchMode: z
      .object({
        size: z.int().min(1, "must be at least 1").max(1000, "must be at most 1,000").default(1).meta({ title: "Records per request" }),
      })
      .prefault({})
      .describe("1: one request per record. More: arrays of that many records in one request to the URL.")
      .meta({ title: "Batching" }),
    keyField: z
      .string()
      .trim()
      .min(1, "is empty: name the field that identifies a record, such as sku")
      .max(200)
      .describe("The field that identifies a record (e.g. sku): named in errors and part of the idempotency key.")
      .meta({ title: "Key field", widget: "field" }),
    retries: z.int().min(0, "must be 0 or more").max(10, "must be at most 10").default(3).meta({ title: "Retries", advanced: true }),
    timeoutSeconds: z.number().positive("must be above 0").max(3600).default(30).meta({ title: "Timeout (seconds)", advanced: true }),
    requestsPerSecond: z.number().positive("must be above 0").max(10_000).optional().meta({ title: "Requests per second", advanced: true }),
    concurrency: z.int().min(1).max(32).default(4).describe("Requests in flight at once.").meta({ title: "Concurrency", advanced: true }),
  })
  .superRefine((config, ctx) => {
    if (config.batchMode.size > 1 && urlPlaceholders(config.url).length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["url"],
        message: "holds {field} placeholders, but a batched request sends many records to one URL. Remove them, or send one request per record.",
      });
    }
    if (config.batchMode.size > 1 && config.method === "DELETE") {
      ctx.addIssue({
        code: "custom",
        path: ["method"],
        message: "cannot be DELETE for batched requests: deleted records are sent one by one to the delete URL.",
      });
    }
  });
export type HttpDestinationConfig = z.infer<typeof HttpDestinationConfigSchema>;

export const httpDestinationDefinition = {
  id: "destination.http",
  version: 1,
  label: "Send to an API",
  description: "Sends each record (or batches of records) to a web API, once, with an idempotency key.",
  category: "destination",
  icon: "send",
  configSchema: HttpDestinationConfigSchema,
  inputs: ["in"],
  outputs: [],
  connection: "http",
} as const satisfies NodeDefinition;
