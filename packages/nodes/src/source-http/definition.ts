import type { NodeDefinition } from "@flowgate/engine";
import { z } from "zod";
import { CsvReadSettingsSchema } from "../shared/formats";

export const HTTP_SOURCE_FORMATS = ["json", "ndjson", "csv", "xml"] as const;
export const PAGINATION_MODES = ["none", "page", "offset", "cursor", "link", "next-url"] as const;

const ParamName = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(100)
  .regex(/^[^\s&=?#]+$/, "must be a query parameter name without spaces, &, =, ? or #");

const BodyPath = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(300)
  .regex(/^[^\s]+$/, "must be a dotted path without spaces, such as meta.next_cursor");

export const PaginationSchema = z.object({
  mode: z
    .enum(PAGINATION_MODES, { message: "must be none, page, offset, cursor, link or next-url" })
    .default("none")
    .describe(
      "page: ?page=1,2,3… · offset: ?offset=0,100… · cursor: the next cursor comes in the body · link: the Link header names the next page · next-url: the body holds the next page's address",
    )
    .meta({
      title: "Pagination",
      optionLabels: { none: "None (one request)", page: "Page numbers", offset: "Offset", cursor: "Cursor in the body", link: "Link header", "next-url": "Next page address in the body" },
    }),
  pageSize: z
    .int()
    .min(1, "must be at least 1")
    .max(100_000)
    .optional()
    .describe("Records per page, sent to the API.")
    .meta({ title: "Page size", visibleWhen: { field: "mode", is: ["page", "offset", "cursor", "link", "next-url"] } }),
  pageParam: ParamName.optional()
    .describe("Page mode: the page number parameter (default “page”).")
    .meta({ title: "Page parameter", placeholder: "page", visibleWhen: { field: "mode", is: ["page"] } }),
  pageSizeParam: ParamName.optional()
    .describe("The page size parameter (default “per_page” in page mode, “limit” otherwise).")
    .meta({ title: "Size parameter", visibleWhen: { field: "mode", is: ["page", "offset", "cursor", "link", "next-url"] } }),
  offsetParam: ParamName.optional()
    .describe("Offset mode: the offset parameter (default “offset”).")
    .meta({ title: "Offset parameter", placeholder: "offset", visibleWhen: { field: "mode", is: ["offset"] } }),
  cursorPath: BodyPath.optional()
    .describe("Cursor mode: where the next cursor is in the body (default “next_cursor”).")
    .meta({ title: "Cursor path", placeholder: "next_cursor", visibleWhen: { field: "mode", is: ["cursor"] } }),
  cursorParam: ParamName.optional()
    .describe("Cursor mode: the parameter the cursor goes in (default “cursor”).")
    .meta({ title: "Cursor parameter", placeholder: "cursor", visibleWhen: { field: "mode", is: ["cursor"] } }),
  nextUrlPath: BodyPath.optional()
    .describe("Next-URL mode: where the next page's address is in the body (default “next”).")
    .meta({ title: "Next page path", placeholder: "next", visibleWhen: { field: "mode", is: ["next-url"] } }),
  maxPages: z
    .int()
    .min(1, "must be at least 1")
    .max(1_000_000)
    .default(1000)
    .describe("Stop after this many pages, so a looping API cannot run forever.")
    .meta({ title: "Page limit", visibleWhen: { field: "mode", is: ["page", "offset", "cursor", "link", "next-url"] } }),
});
export type PaginationSettings = z.infer<typeof PaginationSchema>;

export const HttpSourceConfigSchema = z
  .object({
    connectionId: z.string().min(1).optional().describe("The HTTP connection with the base URL and credentials."),
    method: z.enum(["GET", "POST"], { message: "must be GET or POST" }).default("GET").meta({ title: "Method" }),
    url: z
      .string()
      .trim()
      .min(1, "is empty: enter a path such as /products (relative to the connection's base URL) or a full https:// address")
      .max(4000)
      .describe("A path relative to the connection's base URL (/products), or a full address.")
      .meta({ title: "URL", placeholder: "/products" }),
    headers: z.record(z.string().min(1), z.string()).default({}).describe("Extra request headers.").meta({ title: "Headers" }),
    query: z
      .record(z.string().min(1), z.string())
      .default({})
      .describe("Query parameters added to the first request.")
      .meta({ title: "Query parameters" }),
    body: z
      .string()
      .max(1_000_000)
      .optional()
      .describe("POST only: the request body, sent as is.")
      .meta({ title: "Request body", widget: "textarea", visibleWhen: { field: "method", is: ["POST"] } }),
    format: z
      .enum(HTTP_SOURCE_FORMATS, { message: "must be JSON, NDJSON, CSV or XML" })
      .default("json")
      .meta({ title: "Response format", optionLabels: { json: "JSON", ndjson: "NDJSON (one record per line)", csv: "CSV", xml: "XML" } }),
    recordsPath: z
      .string()
      .trim()
      .max(500)
      .regex(/^[^\s]*$/, "must be a dotted path without spaces, such as data.items or rss.channel.item")
      .optional()
      .describe("JSON: where the list is (data.items); empty for a bare list. XML: the record elements (products.product).")
      .meta({ title: "Records path", placeholder: "data.items" }),
    pagination: PaginationSchema.prefault({}).meta({ title: "Pages" }),
    requestsPerSecond: z
      .number()
      .positive("must be above 0")
      .max(10_000)
      .optional()
      .describe("Never send more requests than this per second.")
      .meta({ title: "Requests per second", advanced: true }),
    timeoutSeconds: z
      .number()
      .positive("must be above 0")
      .max(3600)
      .default(30)
      .describe("Per request: how long to wait for an answer.")
      .meta({ title: "Timeout (seconds)", advanced: true }),
    retries: z
      .int()
      .min(0, "must be 0 or more")
      .max(10, "must be at most 10")
      .default(3)
      .describe("Retries after a network error, a 5xx or a 429.")
      .meta({ title: "Retries", advanced: true }),
    csv: CsvReadSettingsSchema.optional().meta({ title: "CSV settings", visibleWhen: { field: "format", is: ["csv"] } }),
  })
  .superRefine((config, ctx) => {
    const mode = config.pagination.mode;
    if ((mode === "cursor" || mode === "next-url") && config.format !== "json") {
      ctx.addIssue({
        code: "custom",
        path: ["pagination", "mode"],
        message: `“${mode}” pagination reads the next page from a JSON body, but the response format is ${config.format.toUpperCase()}. Use page, offset or link pagination, or the JSON format.`,
      });
    }
    if ((mode === "cursor" || mode === "next-url") && config.method === "POST") {
      ctx.addIssue({
        code: "custom",
        path: ["pagination", "mode"],
        message: `“${mode}” pagination works with GET requests only for now. Use GET, or page, offset or link pagination.`,
      });
    }
    if (config.body !== undefined && config.body !== "" && config.method !== "POST") {
      ctx.addIssue({ code: "custom", path: ["body"], message: "is only sent with POST: choose POST, or clear the body." });
    }
  });
export type HttpSourceConfig = z.infer<typeof HttpSourceConfigSchema>;

export const httpSourceDefinition = {
  id: "source.http",
  version: 1,
  label: "Read from an API",
  description: "Fetches records from a web API (JSON, NDJSON, CSV or XML), page after page.",
  category: "source",
  icon: "globe",
  configSchema: HttpSourceConfigSchema,
  inputs: ["in"],
  outputs: ["out"],
  connection: "http",
} as const satisfies NodeDefinition;
