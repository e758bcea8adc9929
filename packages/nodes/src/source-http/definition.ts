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
    ),
  pageSize: z.int().min(1, "must be at least 1").max(100_000).optional().describe("Records per page, sent to the API."),
  pageParam: ParamName.optional().describe("Page mode: the page number parameter (default “page”)."),
  pageSizeParam: ParamName.optional().describe("The page size parameter (default “per_page” in page mode, “limit” otherwise)."),
  offsetParam: ParamName.optional().describe("Offset mode: the offset parameter (default “offset”)."),
  cursorPath: BodyPath.optional().describe("Cursor mode: where the next cursor is in the body (default “next_cursor”)."),
  cursorParam: ParamName.optional().describe("Cursor mode: the parameter the cursor goes in (default “cursor”)."),
  nextUrlPath: BodyPath.optional().describe("Next-URL mode: where the next page's address is in the body (default “next”)."),
  maxPages: z.int().min(1, "must be at least 1").max(1_000_000).default(1000).describe("Stop after this many pages, so a looping API cannot run forever."),
});
export type PaginationSettings = z.infer<typeof PaginationSchema>;

export const HttpSourceConfigSchema = z
  .object({
    connectionId: z.string().min(1).optional().describe("The HTTP connection with the base URL and credentials."),
    method: z.enum(["GET", "POST"], { message: "must be GET or POST" }).default("GET"),
    url: z
      .string()
      .trim()
      .min(1, "is empty: enter a path such as /products (relative to the connection's base URL) or a full https:// address")
      .max(4000)
      .describe("A path relative to the connection's base URL (/products), or a full address."),
    headers: z.record(z.string().min(1), z.string()).default({}).describe("Extra request headers."),
    query: z.record(z.string().min(1), z.string()).default({}).describe("Query parameters added to the first request."),
    body: z.string().max(1_000_000).optional().describe("POST only: the request body, sent as is."),
    format: z.enum(HTTP_SOURCE_FORMATS, { message: "must be JSON, NDJSON, CSV or XML" }).default("json"),
    recordsPath: z
      .string()
      .trim()
      .max(500)
      .regex(/^[^\s]*$/, "must be a dotted path without spaces, such as data.items or rss.channel.item")
      .optional()
      .describe("JSON: where the list is (data.items); empty for a bare list. XML: the record elements (products.product)."),
    pagination: PaginationSchema.prefault({}),
    requestsPerSecond: z.number().positive("must be above 0").max(10_000).optional().describe("Never send more requests than this per second."),
    timeoutSeconds: z.number().positive("must be above 0").max(3600).default(30).describe("Per request: how long to wait for an answer."),
    retries: z.int().min(0, "must be 0 or more").max(10, "must be at most 10").default(3).describe("Retries after a network error, a 5xx or a 429."),
    csv: CsvReadSettingsSchema.optional(),
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
