import type { NodeDefinition } from "@flowgate/engine";
import { z } from "zod";
import { CsvReadSettingsSchema } from "../shared/formats";

export const WEBHOOK_FORMATS = ["auto", "json", "ndjson", "csv", "xml"] as const;

export const WebhookTriggerConfigSchema = z.object({
  format: z
    .enum(WEBHOOK_FORMATS, { message: "must be auto, JSON, NDJSON, CSV or XML" })
    .default("auto")
    .describe("“auto” reads the request's Content-Type (and, without one, whether the body starts like JSON or XML).")
    .meta({ title: "Body format", optionLabels: { auto: "Detect", json: "JSON", ndjson: "NDJSON (one record per line)", csv: "CSV", xml: "XML" } }),
  recordsPath: z
    .string()
    .trim()
    .max(500)
    .regex(/^[^\s]*$/, "must be a dotted path without spaces, such as data.items or order.lines.line")
    .optional()
    .describe("JSON: where the list is in a wrapped payload (data.items). XML: the record elements (orders.order).")
    .meta({ title: "Records path", placeholder: "data.items" }),
  csv: CsvReadSettingsSchema.optional().meta({ title: "CSV settings", visibleWhen: { field: "format", is: ["csv"] } }),
  requireSignature: z
    .boolean()
    .default(false)
    .describe(
      "Accept only requests signed with this flow's signing secret (Standard Webhooks). A request without a valid signature from the last 5 minutes is refused and starts nothing.",
    )
    .meta({ title: "Require a signature" }),
});
export type WebhookTriggerConfig = z.infer<typeof WebhookTriggerConfigSchema>;

/**
 * The request's address, secret and signature check belong to the runtime's webhook intake; this
 * kind says how the body becomes records, and whether the intake must insist on a signature.
 */
export const webhookTriggerDefinition = {
  id: "trigger.webhook",
  version: 1,
  label: "When a webhook arrives",
  description: "Starts the flow when another system sends data to the flow's web address; the data becomes the records.",
  category: "trigger",
  icon: "webhook",
  configSchema: WebhookTriggerConfigSchema,
  inputs: [],
  outputs: ["out"],
} as const satisfies NodeDefinition;
