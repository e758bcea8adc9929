import { RECORD_ERROR_STATUSES, RUN_EVENT_LEVELS, RUN_STATUSES, RUN_TRIGGERS } from "@flowgate/db";
import { z } from "zod";
import * as runs from "../services/runs";
import { scopeOf } from "../scope";
import { roleProcedure, router, workspaceProcedure } from "../trpc";
import { Id, IsoDate } from "./schemas";

const RunInput = z.object({ runId: Id });
const RunStatusSchema = z.enum(RUN_STATUSES);
const CountsSchema = z.object({ read: z.number(), written: z.number(), errors: z.number() });

const RunSummarySchema = z.object({
  id: z.string(),
  flowId: z.string(),
  flowVersionId: z.string(),
  flowName: z.string(),
  versionNumber: z.number(),
  trigger: z.enum(RUN_TRIGGERS),
  status: RunStatusSchema,
  attempt: z.number(),
  counts: CountsSchema,
  error: z.object({ message: z.string(), nodeId: z.string().optional() }).nullable(),
  cancelRequested: z.boolean(),
  createdAt: IsoDate,
  startedAt: IsoDate.nullable(),
  finishedAt: IsoDate.nullable(),
});

const RunDetailSchema = RunSummarySchema.extend({
  error: z
    .object({
      message: z.string(),
      nodeId: z.string().optional(),
      field: z.string().optional(),
      record: z.object({ batchIndex: z.number(), index: z.number(), key: z.string().optional() }).optional(),
      problems: z.array(z.object({ code: z.string(), message: z.string(), nodeId: z.string().optional(), path: z.array(z.union([z.string(), z.number()])) })).optional(),
    })
    .nullable(),
  batchIndex: z.number(),
  /** The run's change set waiting for decisions, when one waits (the run page links to it). */
  pendingChangeSetId: z.string().nullable(),
  /** Failed records not yet retried or dismissed that can be sent again (runs.retryFailed takes these). */
  retryableErrors: z.number(),
  nodes: z.array(z.object({ nodeId: z.string(), in: z.number(), out: z.record(z.string(), z.number()), errors: z.number(), ms: z.number() })),
});

const RecordSchema = z.record(z.string(), z.unknown());

const DeadLetterSchema = z.object({
  id: z.number(),
  nodeId: z.string(),
  batchIndex: z.number(),
  index: z.number(),
  key: z.string().nullable(),
  message: z.string(),
  record: RecordSchema.nullable(),
  status: z.enum(RECORD_ERROR_STATUSES),
  /** The worker attempt of the run that met the error. */
  attempt: z.number(),
  /** The run that retried it. */
  retriedBy: z.string().nullable(),
  createdAt: IsoDate,
});

export const runsRouter = router({
  start: roleProcedure("editor")
    .input(z.object({ flowId: Id }))
    .output(z.object({ runId: z.string() }))
    .mutation(({ ctx, input }) => runs.startRun(scopeOf(ctx), input.flowId)),
  list: workspaceProcedure
    .input(
      z.object({
        flowId: Id.optional(),
        status: RunStatusSchema.optional(),
        trigger: z.enum(RUN_TRIGGERS).optional(),
        /** Runs created at or after this time (ISO 8601). */
        from: z.iso.datetime({ offset: true }).optional(),
        /** Runs created before this time (ISO 8601). */
        to: z.iso.datetime({ offset: true }).optional(),
        /** Text in the flow's name, or a run id. */
        search: z.string().trim().min(1).max(200).optional(),
        cursor: z.string().max(500).optional(),
        limit: z.int().min(1).max(100).default(50),
      }),
    )
    .output(z.object({ items: z.array(RunSummarySchema), nextCursor: z.string().nullable() }))
    .query(({ ctx, input }) => runs.listRuns(scopeOf(ctx), input)),
  get: workspaceProcedure
    .input(RunInput)
    .output(RunDetailSchema)
    .query(({ ctx, input }) => runs.getRun(scopeOf(ctx), input.runId)),
  cancel: roleProcedure("editor")
    .input(RunInput)
    .output(z.object({ runId: z.string(), status: RunStatusSchema }))
    .mutation(({ ctx, input }) => runs.cancelRun(scopeOf(ctx), input.runId)),
  retry: roleProcedure("editor")
    .input(z.object({ runId: Id, version: z.enum(["same", "latest"]).default("same") }))
    .output(z.object({ runId: z.string() }))
    .mutation(({ ctx, input }) => runs.retryRun(scopeOf(ctx), input)),
  /** A new run replaying the open dead letters of this one into the nodes they failed in: these (ids), or all. */
  retryFailed: roleProcedure("editor")
    .input(RunInput.extend({ ids: z.array(z.int().positive()).min(1).max(1000).optional() }))
    .output(z.object({ runId: z.string(), records: z.number() }))
    .mutation(({ ctx, input }) => runs.retryFailedRecords(scopeOf(ctx), input)),
  /** The run's log, oldest first. */
  events: workspaceProcedure
    .input(z.object({ runId: Id, cursor: z.string().max(40).optional(), limit: z.int().min(1).max(500).default(200) }))
    .output(
      z.object({
        items: z.array(z.object({ id: z.number(), level: z.enum(RUN_EVENT_LEVELS), message: z.string(), details: z.record(z.string(), z.unknown()).nullable(), at: IsoDate })),
        nextCursor: z.string().nullable(),
      }),
    )
    .query(({ ctx, input }) => runs.runEventsOf(scopeOf(ctx), input)),
  /** The run's batches, in order: the timeline. */
  batches: workspaceProcedure
    .input(z.object({ runId: Id, cursor: z.string().max(40).optional(), limit: z.int().min(1).max(1000).default(500) }))
    .output(
      z.object({
        items: z.array(z.object({ batchIndex: z.number(), records: z.number(), errors: z.number(), ms: z.number(), finishedAt: IsoDate })),
        nextCursor: z.string().nullable(),
      }),
    )
    .query(({ ctx, input }) => runs.runBatchesOf(scopeOf(ctx), input)),
  samples: workspaceProcedure
    .input(z.object({ runId: Id, nodeId: z.string().min(1).max(200), port: z.string().min(1).max(200) }))
    .output(z.object({ nodeId: z.string(), port: z.string(), records: z.array(RecordSchema), takenAt: IsoDate.nullable() }))
    .query(({ ctx, input }) => runs.runSamplesOf(scopeOf(ctx), input)),
  errors: workspaceProcedure
    .input(
      z.object({
        runId: Id,
        status: z.enum(RECORD_ERROR_STATUSES).optional(),
        /** Only the records that failed in this step. */
        nodeId: z.string().min(1).max(200).optional(),
        cursor: z.string().max(40).optional(),
        limit: z.int().min(1).max(500).default(100),
      }),
    )
    .output(z.object({ items: z.array(DeadLetterSchema), nextCursor: z.string().nullable() }))
    .query(({ ctx, input }) => runs.runErrors(scopeOf(ctx), input)),
  dismissErrors: roleProcedure("editor")
    .input(z.object({ runId: Id, ids: z.array(z.int().positive()).min(1).max(1000).optional() }))
    .output(z.object({ dismissed: z.number() }))
    .mutation(({ ctx, input }) => runs.dismissErrors(scopeOf(ctx), input)),
});
