import { z } from "zod";

export const MAX_NODES = 500;
export const MAX_EDGES = 2000;
export const MAX_ID_LENGTH = 64;
export const MAX_LABEL_LENGTH = 200;

export const FlowIdSchema = z.string().min(1).max(MAX_ID_LENGTH);

/** Namespaced kind id: at least two dot-separated lowercase segments, e.g. `source.http`, `transform.map`. */
export const KindIdSchema = z
  .string()
  .max(100)
  .regex(/^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$/, {
    message: "must be a kind name with dots, such as “source.http”",
  });

export const PositionSchema = z.object({ x: z.number(), y: z.number() });

/** What a node does with a record it cannot process: fail the run, drop it (recording the error), or send it to its `error` output. */
export const ErrorPolicySchema = z.enum(["fail", "skip", "route"]);

export const NodeSchema = z.object({
  id: FlowIdSchema,
  kind: KindIdSchema,
  kindVersion: z.int().min(1),
  label: z.string().min(1).max(MAX_LABEL_LENGTH),
  position: PositionSchema,
  config: z.record(z.string(), z.unknown()).default(() => ({})),
  disabled: z.boolean().optional(),
  /** What this node does with a record it cannot process; unset means the flow's `settings.errorPolicy`. */
  onError: ErrorPolicySchema.optional(),
});

export const EdgeSchema = z.object({
  id: FlowIdSchema,
  source: FlowIdSchema,
  sourcePort: z.string().min(1).max(MAX_ID_LENGTH).default("out"),
  target: FlowIdSchema,
  targetPort: z.string().min(1).max(MAX_ID_LENGTH).default("in"),
});

function isKnownTimezone(timezone: string): boolean {
  try {
    // Throws a RangeError for a time zone the platform's Intl data does not know.
    new Intl.DateTimeFormat("en", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

export const MissedSchedulesSchema = z.enum(["skip", "once"]);
export type MissedSchedules = z.output<typeof MissedSchedulesSchema>;

export const FlowSettingsSchema = z.object({
  batchSize: z.int().min(1).max(100_000).default(1000),
  maxConcurrentRuns: z.int().min(1).max(100).default(1),
  timezone: z
    .string()
    .min(1)
    .max(100)
    .refine(isKnownTimezone, { message: "must be a time zone name such as “UTC” or “Europe/Paris”" })
    .default("UTC"),
  errorPolicy: ErrorPolicySchema.default("fail"),
  /** After downtime, a scheduled flow whose slots were missed runs once (flagged backfilled) or skips them. */
  missedSchedules: MissedSchedulesSchema.default("once"),
});

export const FlowSchema = z.object({
  schemaVersion: z.literal(1),
  nodes: z.array(NodeSchema).max(MAX_NODES),
  edges: z.array(EdgeSchema).max(MAX_EDGES),
  settings: FlowSettingsSchema,
});

export type Flow = z.output<typeof FlowSchema>;
export type FlowInput = z.input<typeof FlowSchema>;
export type FlowNode = z.output<typeof NodeSchema>;
export type FlowNodeInput = z.input<typeof NodeSchema>;
export type FlowEdge = z.output<typeof EdgeSchema>;
export type FlowEdgeInput = z.input<typeof EdgeSchema>;
export type FlowSettings = z.output<typeof FlowSettingsSchema>;
export type FlowSettingsInput = z.input<typeof FlowSettingsSchema>;
export type ErrorPolicy = z.output<typeof ErrorPolicySchema>;
export type Position = z.output<typeof PositionSchema>;

/** A valid document with no nodes, default settings. Each call returns a new object. */
export function emptyFlow(): Flow {
  return FlowSchema.parse({ schemaVersion: 1, nodes: [], edges: [], settings: {} });
}
