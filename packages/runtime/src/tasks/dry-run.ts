import { dryRuns, type Database, type DryRunOptions, type DryRunResult } from "@flowgate/db";
import {
  planFlow,
  runFlow,
  type FlowRecord,
  type ImplementationRegistry,
  type NodeImplementation,
  type ReplaySource,
  type RunOptions,
  type RunReport,
  type SourceBatch,
} from "@flowgate/engine";
import { validateFlow, type Flow, type FlowProblem } from "@flowgate/flow";
import type { NodeServices } from "@flowgate/nodes/services";
import { eq, lt } from "drizzle-orm";
import type { Task } from "graphile-worker";
import { z } from "zod";
import { describeError as describe, enginePorts, kindsOf, openDocument, type EngineDeps } from "../engine-ports";
import type { RuntimeLog } from "../log";
import { WEBHOOK_TRIGGER_KIND, webhookTriggerOf } from "../webhooks/trigger";

export const DryRunPayloadSchema = z.object({ dryRunId: z.string().min(1) });
export type DryRunPayload = z.infer<typeof DryRunPayloadSchema>;

/** Records kept per node and port for the editor's tables (a run keeps 20). */
export const DRY_RUN_SAMPLE_SIZE = 50;
/** Errors reported with their record: as many as the engine reports. */
const MAX_ERROR_RECORDS = 100;

export interface DryRunDeps extends EngineDeps {
  log: RuntimeLog;
}

type DryRunRow = typeof dryRuns.$inferSelect;

/** How a dry run ends: the row's status, what it saw, and why it could not run at all. */
interface Outcome {
  status: "succeeded" | "failed";
  result: DryRunResult | null;
  error: string | null;
}

/**
 * dry-run {dryRunId}: runs the document a person had in the editor through the same engine, node
 * kinds and services as a run, writing nothing: destinations plan instead of writing, no checkpoint
 * is saved (so neither sync_state, dead letters nor lineage change), and the result lands on the
 * dry_runs row. The whole flow on the first `limit` source records, or one node on pinned input.
 */
export function createDryRunTask(deps: DryRunDeps): Task {
  const { db } = deps;
  return async (payload, helpers) => {
    const { dryRunId } = DryRunPayloadSchema.parse(payload);
    const log = deps.log.child({ dryRunId, jobId: helpers.job.id, attempt: helpers.job.attempts });
    const [row] = await db.select().from(dryRuns).where(eq(dryRuns.id, dryRunId)).limit(1);
    if (!row) {
      log.info({}, "dry-run: the dry run no longer exists (its flow was deleted); nothing to do");
      return;
    }
    if (row.status === "succeeded" || row.status === "failed") return;
    await db.update(dryRuns).set({ status: "running", startedAt: new Date() }).where(eq(dryRuns.id, dryRunId));

    let outcome: Outcome;
    try {
      outcome = await dryRun(deps, row, log);
    } catch (error) {
      // Not the flow (the engine reports those): the database or a bug. One more attempt may pass.
      if (helpers.job.attempts < helpers.job.max_attempts) {
        log.warn({ err: describe(error) }, "dry-run: stopped on an unexpected error; the job will be retried");
        throw error;
      }
      log.error({ err: describe(error) }, "dry-run: stopped on an unexpected error");
      outcome = { status: "failed", result: null, error: `The dry run stopped on an unexpected error: ${describe(error)}. Start it again; if it keeps happening, check the worker's log.` };
    }
    try {
      await db.update(dryRuns).set({ ...outcome, finishedAt: new Date() }).where(eq(dryRuns.id, dryRunId));
    } catch (error) {
      // A record PostgreSQL cannot store as JSON must not leave the dry run running forever.
      log.error({ err: describe(error) }, "dry-run: could not store the result");
      await db
        .update(dryRuns)
        .set({ status: "failed", result: null, error: `The dry run finished, but its result could not be stored: ${describe(error)}.`, finishedAt: new Date() })
        .where(eq(dryRuns.id, dryRunId));
    }
    log.info({ status: outcome.status, read: outcome.result?.recordsRead }, "dry-run: finished");
  };
}

async function dryRun(deps: DryRunDeps, row: DryRunRow, log: RuntimeLog): Promise<Outcome> {
  const { kinds, implementations } = kindsOf(deps);
  const validation = validateFlow(openDocument(row.document), kinds);
  if (!validation.ok || !validation.flow) return couldNotRun(invalidFlow(validation.problems));
  const flow = validation.flow;
  const start = startOf(flow, row.options, implementations);
  if ("refused" in start) return couldNotRun(start.refused);

  const errorRecords = new ErrorRecords();
  const ports = enginePorts(deps, { id: row.id, workspaceId: row.workspaceId, flowId: row.flowId }, log);
  let registry = errorRecords.capturing(ports.implementations);
  if (start.pinned) registry = withPinnedRecords(registry, start.pinned.nodeId, start.pinned.records);
  const options: RunOptions<NodeServices> = {
    ...ports,
    flow,
    implementations: registry,
    run: { id: row.id, flowId: row.flowId, mode: "dry-run", startedAt: new Date(), trigger: { kind: "manual" } },
    dryRunLimit: row.options.limit,
    sampleSize: DRY_RUN_SAMPLE_SIZE,
    ...(start.pinned && { triggerNodeId: start.pinned.nodeId }),
    ...(start.replay && { replay: start.replay }),
  };
  const report = await runFlow(options);
  const truncated = start.replay ? false : start.pinned ? start.pinned.records.length > row.options.limit : report.recordsRead >= row.options.limit;
  const result = toDryRunResult(report, truncated, errorRecords);
  return { status: report.status === "failed" ? "failed" : "succeeded", result, error: null };
}

function couldNotRun(error: NonNullable<DryRunResult["error"]>): Outcome {
  const result: DryRunResult = {
    status: "failed",
    recordsRead: 0,
    truncated: false,
    nodes: {},
    edges: {},
    samples: {},
    errors: [],
    planned: {},
    notPreviewable: {},
    error,
  };
  return { status: "failed", result, error: error.message };
}

function invalidFlow(problems: FlowProblem[]): NonNullable<DryRunResult["error"]> {
  const first = problems[0];
  const [area, , part, ...field] = first?.path ?? [];
  return {
    message: `The flow has ${problems.length} problem(s), so the dry run did not start:\n${problems.map((p) => `• ${p.message}`).join("\n")}\nFix them and start the dry run again.`,
    ...(first?.nodeId !== undefined && { nodeId: first.nodeId }),
    ...(area === "nodes" && part === "config" && field.length > 0 && { field: field.join(".") }),
  };
}

/** What the engine starts from: the flow's own source, records pinned into a webhook trigger, or records replayed into one node. */
type Start =
  | { refused: NonNullable<DryRunResult["error"]> }
  | { pinned?: { nodeId: string; records: FlowRecord[] }; replay?: ReplaySource };

/**
 * Reads the dry run's options against the flow. A webhook flow has no request to read: its records
 * are the pasted sample (given for the trigger, or with no node named). A node with inputs gets the
 * pinned records sent into it, and the graph runs from there. A node that reads its own records
 * (a source), or a trigger, is tested by a dry run of the whole flow.
 */
function startOf(flow: Flow, options: DryRunOptions, implementations: ImplementationRegistry): Start {
  const { nodeId, input } = options;
  const webhook = webhookTriggerOf(flow);
  const needsSample = (id: string): Start => ({
    refused: {
      message: `A webhook flow's dry run needs a sample body: select “${labelOf(flow, id)}”, choose Test node, and paste a sample of the records the sender posts (JSON).`,
      nodeId: id,
    },
  });
  if (nodeId === undefined) {
    if (input !== undefined) {
      if (!webhook) return { refused: { message: "Sample records go into one step: select the step to test and choose Test node." } };
      return { pinned: { nodeId: webhook.nodeId, records: input } };
    }
    return webhook ? needsSample(webhook.nodeId) : {};
  }

  const node = flow.nodes.find((n) => n.id === nodeId);
  if (!node) return { refused: { message: `The step “${nodeId}” is not in this flow. Select the step on the canvas and test it again.` } };
  const label = labelOf(flow, node.id);
  const skipped = skippedReason(flow, implementations, node.id);
  if (skipped) return { refused: { message: `“${label}” ${skipped}, so it does not run. ${skipped === "is switched off" ? "Switch it on" : "Connect it"} and test it again.`, nodeId: node.id } };
  if (node.kind === WEBHOOK_TRIGGER_KIND) {
    return input !== undefined ? { pinned: { nodeId: node.id, records: input } } : needsSample(node.id);
  }
  const implementation = implementations.get(node.kind);
  if (implementation?.read || !implementation?.execute) {
    if (input !== undefined && input.length > 0) {
      const what = implementation?.read
        ? `reads its own records, so it takes no sample records. Test it without input: the dry run reads its first ${options.limit} records.`
        : "starts the flow and takes no records. Test it without input to dry-run the whole flow.";
      return { refused: { message: `“${label}” ${what}`, nodeId: node.id } };
    }
    return webhook ? needsSample(webhook.nodeId) : {};
  }
  if (input === undefined) {
    return {
      refused: {
        message: `Testing “${label}” needs records to send into it: run a dry run of the flow first to use the records that reach it, or paste sample records as JSON.`,
        nodeId: node.id,
      },
    };
  }
  const batchSize = flow.settings.batchSize;
  return {
    replay: async function* () {
      for (let at = 0; at < input.length; at += batchSize) {
        yield { entries: input.slice(at, at + batchSize).map((record) => ({ nodeId: node.id, record })), cursor: at + batchSize };
      }
    },
  };
}

function labelOf(flow: Flow, nodeId: string): string {
  return flow.nodes.find((n) => n.id === nodeId)?.label ?? nodeId;
}

/** Why the node does not run in this flow, in words, or undefined when it runs (or the plan fails: the engine then says why). */
function skippedReason(flow: Flow, implementations: ImplementationRegistry, nodeId: string): string | undefined {
  try {
    const reason = planFlow(flow, implementations).skipped.find((s) => s.nodeId === nodeId)?.reason;
    if (reason === "disabled") return "is switched off";
    if (reason === "behind_disabled") return "comes after a step that is switched off";
    if (reason === "not_connected") return "is not connected to the trigger";
    return undefined;
  } catch {
    return undefined;
  }
}

/** The kinds with `nodeId`'s trigger bringing the pinned records (batched, up to the limit) instead of reading a request. */
function withPinnedRecords(implementations: ImplementationRegistry, nodeId: string, records: FlowRecord[]): ImplementationRegistry {
  return {
    get(kindId) {
      const implementation = implementations.get(kindId);
      if (!implementation?.read) return implementation;
      const read = implementation.read;
      return {
        ...implementation,
        read(ctx, options) {
          if (ctx.node.id !== nodeId) return read.call(implementation, ctx, options);
          return pinnedBatches(records, options.batchSize, options.limit);
        },
      };
    },
  };
}

async function* pinnedBatches(records: FlowRecord[], batchSize: number, limit = Infinity): AsyncGenerator<SourceBatch> {
  const end = Math.min(records.length, limit);
  for (let at = 0; at < end; at += batchSize) {
    yield { records: records.slice(at, Math.min(at + batchSize, end)), cursor: { records: Math.min(at + batchSize, end) } };
  }
}

/**
 * The records behind the per-record errors, which a dry run keeps no dead letters of: taken from the
 * batch each node was given, in the order the engine reports the errors (per node).
 */
class ErrorRecords {
  private readonly byNode = new Map<string, FlowRecord[]>();

  capturing(implementations: ImplementationRegistry): ImplementationRegistry {
    return {
      get: (kindId) => {
        const implementation = implementations.get(kindId);
        if (!implementation?.execute) return implementation;
        const execute = implementation.execute;
        const wrapped: NodeImplementation<unknown, unknown> = {
          ...implementation,
          execute: async (ctx, batch) => {
            const output = await execute.call(implementation, ctx, batch);
            for (const error of output?.errors ?? []) this.keep(ctx.node.id, batch[error.index]);
            return output;
          },
        };
        return wrapped;
      },
    };
  }

  private keep(nodeId: string, record: FlowRecord | undefined): void {
    let kept = this.byNode.get(nodeId);
    if (!kept) this.byNode.set(nodeId, (kept = []));
    if (kept.length < MAX_ERROR_RECORDS && record !== undefined) kept.push(record);
  }

  /** The next error record of the node (errors of a node's `finish` have none). */
  next(nodeId: string, index: number): FlowRecord | undefined {
    return index >= 0 ? this.byNode.get(nodeId)?.shift() : undefined;
  }
}

function toDryRunResult(report: RunReport, truncated: boolean, records: ErrorRecords): DryRunResult {
  const errors: DryRunResult["errors"] = report.errors.map((error) => {
    const record = records.next(error.nodeId, error.index);
    return {
      nodeId: error.nodeId,
      index: error.index,
      ...(error.key !== undefined && { key: error.key }),
      message: error.message,
      ...(record !== undefined && { record }),
    };
  });
  // Under the "fail" policy the failing record ends the dry run instead of joining the errors: show it with them.
  const failed = report.error;
  if (failed?.record && failed.nodeId !== undefined) {
    const record = records.next(failed.nodeId, failed.record.index);
    errors.push({
      nodeId: failed.nodeId,
      index: failed.record.index,
      ...(failed.record.key !== undefined && { key: failed.record.key }),
      message: failed.message,
      ...(record !== undefined && { record }),
    });
  }
  return {
    status: report.status,
    recordsRead: report.recordsRead,
    truncated,
    nodes: report.nodes,
    edges: report.edges,
    samples: report.samples,
    errors,
    planned: report.planned ?? {},
    notPreviewable: report.notPreviewable ?? {},
    ...(failed && {
      error: { message: failed.message, ...(failed.nodeId !== undefined && { nodeId: failed.nodeId }), ...(failed.field !== undefined && { field: failed.field }) },
    }),
  };
}

/** How long a dry run is kept: it is read right after it finishes, and can be started again in a click. */
export const DRY_RUN_RETENTION_MS = 24 * 3_600_000;

/** Deletes dry runs older than a day (prune-history calls it daily); answers how many. */
export async function pruneDryRuns(db: Pick<Database, "delete">, options: { now?: Date } = {}): Promise<number> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - DRY_RUN_RETENTION_MS);
  const result = await db.delete(dryRuns).where(lt(dryRuns.createdAt, cutoff));
  return result.rowCount ?? 0;
}
