import { ERROR_PORT, plainIssueMessage, type Flow } from "@flowgate/flow";
import type {
  AbortInfo,
  BatchOutput,
  Expressions,
  FlowRecord,
  HeldRecord,
  ImplementationRegistry,
  Json,
  LogLevel,
  NodeContext,
  PlannedWrite,
  RecordWrite,
  RoutedError,
  RunInfo,
} from "./contract";
import { planFlow, PlanError, type ExecutionPlan, type PlannedNode, type SkippedReason } from "./plan";
import type { StagedStateWrites, StatePort } from "./state";

/** Counts for one node, cumulative over the run (and over the runs it resumed). */
export interface NodeCounts {
  in: number;
  out: Record<string, number>;
  errors: number;
  ms: number;
  /** Approval nodes: records held for a person's decision (in a dry run: those that would wait for approval). */
  held?: number;
}

/** What a checkpoint carries so that a resumed run goes on counting where it stopped. Plain JSON. */
export interface RunCounts {
  batches: number;
  recordsRead: number;
  /** Per-record errors of all nodes (skipped and routed; a "fail" error ends the run). */
  errors: number;
  nodes: Record<string, NodeCounts>;
  edges: Record<string, number>;
}

export interface Checkpoint {
  /** Index (from 0) of the last source batch that went all the way through the graph; -1 before the first. */
  batchIndex: number;
  /** The source's cursor after that batch; undefined when no batch was read yet. */
  cursor: Json | undefined;
  counts: RunCounts;
  /** State the batch staged; store it in the same transaction as the checkpoint. */
  state: StagedStateWrites;
  /** True for the checkpoint after the nodes' `finish`: the run has nothing left to do. */
  done: boolean;
  /** This checkpoint's per-record errors (the dead letters), each with the record as the node received it. */
  errors: DeadLetter[];
  /** What happened to record keys since the last checkpoint: destinations' writes and keyed errors at any node. */
  lineage: LineageEntry[];
  /**
   * Records approval nodes held since the last checkpoint (and those their rules decided at once,
   * with `decisionSource`): the runtime stores them as change set items in the checkpoint's transaction.
   * Absent: none.
   */
  held?: HeldEntry[];
}

/** A record an approval node held (or decided by a rule), with the node and the record as the node received it. */
export interface HeldEntry extends HeldRecord {
  nodeId: string;
  /** The source batch (from 0); -1 after the last batch. */
  batchIndex: number;
  record: FlowRecord;
}

/** A per-record error with the record that met it: what `runs.retryFailed` sends into the node again. */
export interface DeadLetter extends RecordErrorReport {
  /** The record as the node received it; absent for errors of a node's `finish`. */
  record?: FlowRecord;
}

/** One record key at one node: written by a destination, or failed at any node. */
export interface LineageEntry {
  nodeId: string;
  key: string;
  /** The destination's operation (create, update, delete, upsert), "error" for a failure, or an approval node's decision. */
  op: RecordWrite["op"] | "error" | "approve" | "reject" | "expire";
  /** "skipped": a change that was rejected (or expired) at an approval node. */
  outcome: "written" | "failed" | "skipped" | "decided";
  /** The record as the node received it (absent when it came from a node's `finish`). */
  record?: FlowRecord;
  /** The destination's answer (e.g. "HTTP 201"), or the error message. */
  detail?: string;
  /** The source batch (from 0); -1 after the last batch. */
  batchIndex: number;
}

/** One batch to replay: records delivered straight into the nodes they failed in. */
export interface ReplayBatch {
  entries: { nodeId: string; record: FlowRecord }[];
  /** Where to continue after this batch (stored with the checkpoint, handed back on resume). */
  cursor: Json;
}

/** Replays records instead of reading the flow's source, resuming after `cursor` (undefined: from the start). */
export type ReplaySource = (cursor: Json | undefined) => AsyncIterable<ReplayBatch>;

export interface CheckpointPort {
  /**
   * Stores the checkpoint durably (with its state writes, in one transaction). If it throws, the run
   * stops and `runFlow` rejects with that error: the run is not failed, it can resume from the last
   * checkpoint that was saved.
   */
  save(checkpoint: Checkpoint): Promise<void>;
}

export interface ResumePoint {
  cursor: Json | undefined;
  batchIndex: number;
  counts: RunCounts;
  done?: boolean;
}

export interface RecordErrorReport {
  nodeId: string;
  label: string;
  /** The source batch the record was in (from 0); -1 after the last batch (in or from a node's `finish`). */
  batchIndex: number;
  /** The record's index in the batch the node received (from 0); -1 for `finish`. */
  index: number;
  key?: string;
  message: string;
  /** What happened to the record: dropped, or sent to the node's error port. */
  handling: "skipped" | "routed";
}

export interface LogEntry {
  level: LogLevel;
  message: string;
  nodeId?: string;
  data?: Record<string, unknown>;
}

export interface RunOptions<Services = unknown> {
  flow: Flow;
  implementations: ImplementationRegistry;
  services: Services;
  run: RunInfo;
  state: StatePort;
  checkpoint?: CheckpointPort;
  resumeFrom?: ResumePoint;
  signal?: AbortSignal;
  expressions: Expressions;
  log?: (entry: LogEntry) => void;
  /** Records kept per node and output port for the report (default 20). */
  sampleSize?: number;
  /** Dry run: records read before stopping (default 100). */
  dryRunLimit?: number;
  /** The trigger that started the run, when the flow has several (see `planFlow`). */
  triggerNodeId?: string;
  /**
   * Replays records (the dead letters of an earlier run) instead of reading the source: each record
   * goes into the node it names, and the graph runs from there. The nodes then finish with
   * `complete: false`, since the run did not see the whole source.
   */
  replay?: ReplaySource;
}

export type RunStatus = "succeeded" | "succeeded_with_errors" | "failed" | "cancelled";

export interface RunFailure {
  message: string;
  nodeId?: string;
  /** For an invalid node setting: its path in the node's config, e.g. `fields.0.target`. */
  field?: string;
  /** For a record that failed under the "fail" policy. */
  record?: { batchIndex: number; index: number; key?: string };
  /**
   * The cause may pass by itself (a timeout, a refused or reset connection, a 5xx or 429 after the
   * node's own retries, a lost database connection): the runtime retries the run from its last
   * checkpoint, with backoff, before calling it failed.
   */
  transient?: boolean;
}

export interface RunReport {
  status: RunStatus;
  error?: RunFailure;
  batches: number;
  recordsRead: number;
  nodes: Record<string, NodeCounts>;
  edges: Record<string, number>;
  /** Number of per-record errors (skipped or routed) over the whole run. */
  errorCount: number;
  /** The first 100 per-record errors of this run. */
  errors: RecordErrorReport[];
  /** The first `sampleSize` records per node and output port. */
  samples: Record<string, Record<string, FlowRecord[]>>;
  /** Dry run: per destination, what it would create, update and delete. */
  planned?: Record<string, PlannedWrite[]>;
  /** Dry run: destinations that cannot say what they would write, with the reason. */
  notPreviewable?: Record<string, string>;
  /** The cursor after the last batch that went all the way through (where a resume starts). */
  cursor: Json | undefined;
  /** Nodes that did not run, and why (disabled, behind a disabled node, not connected). */
  skipped: { nodeId: string; reason: SkippedReason }[];
}

export const DEFAULT_SAMPLE_SIZE = 20;
export const DEFAULT_DRY_RUN_LIMIT = 100;
export const MAX_REPORTED_ERRORS = 100;

/** A run that cannot go on: says which node, and where it can, which field or record. */
export class RunError extends Error {
  override readonly name = "RunError";
  readonly failure: RunFailure;
  constructor(failure: RunFailure, options?: { cause?: unknown }) {
    super(failure.message, options);
    this.failure = failure;
  }
}

/** The checkpoint port failed: the caller's storage, not the flow. `runFlow` rejects with the cause. */
class CheckpointFailed extends Error {
  constructor(readonly original: unknown) {
    super("checkpoint failed");
  }
}

/**
 * Runs a flow: reads the source batch by batch, pushes each batch through the graph in topological
 * order, checkpoints after each one, then lets every node finish. Memory is bounded by the batch: only
 * counts, the first samples and the first errors are kept.
 *
 * Resolves with a report for everything the flow itself causes (bad settings, a failing node or
 * record, cancellation). Rejects only when the checkpoint port fails, so that the runtime can retry
 * the job and resume from the last saved checkpoint.
 */
export async function runFlow<Services>(options: RunOptions<Services>): Promise<RunReport> {
  return new FlowRun(options).start();
}

class FlowRun<Services> {
  private readonly dryRun: boolean;
  private readonly sampleSize: number;
  private readonly signal: AbortSignal;
  private readonly counts: RunCounts;
  private readonly errors: RecordErrorReport[] = [];
  /** Since the last checkpoint; handed to it, then emptied, so memory stays bounded by the batch. */
  private deadLetters: DeadLetter[] = [];
  private lineage: LineageEntry[] = [];
  private held: HeldEntry[] = [];
  private readonly samples: Record<string, Record<string, FlowRecord[]>> = {};
  private readonly planned: Record<string, PlannedWrite[]> = {};
  private readonly notPreviewable: Record<string, string> = {};
  private plan: ExecutionPlan | undefined;
  private contexts = new Map<string, NodeContext<unknown, Services>>();
  private cursor: Json | undefined;
  private batchIndex: number;
  /** Records waiting at each node for the batch being pushed through: one array per incoming delivery. */
  private inbox = new Map<string, FlowRecord[][]>();
  /** Nodes the run called (read, execute, plan or finish): the ones `abort` is called on if it stops. */
  private readonly ran = new Set<string>();

  constructor(private readonly options: RunOptions<Services>) {
    this.dryRun = options.run.mode === "dry-run";
    this.sampleSize = options.sampleSize ?? DEFAULT_SAMPLE_SIZE;
    this.signal = options.signal ?? new AbortController().signal;
    this.counts = options.resumeFrom
      ? structuredClone(options.resumeFrom.counts)
      : { batches: 0, recordsRead: 0, errors: 0, nodes: {}, edges: {} };
    this.cursor = options.resumeFrom?.cursor;
    this.batchIndex = options.resumeFrom?.batchIndex ?? -1;
  }

  async start(): Promise<RunReport> {
    try {
      const plan = (this.plan = planFlow(this.options.flow, this.options.implementations, {
        ...(this.options.triggerNodeId !== undefined && { triggerNodeId: this.options.triggerNodeId }),
      }));
      for (const node of plan.order) this.counts.nodes[node.id] ??= { in: 0, out: {}, errors: 0, ms: 0 };
      for (const node of plan.order) for (const edge of node.inputs) this.counts.edges[edge.id] ??= 0;
      this.contexts = this.createContexts(plan);

      if (this.options.resumeFrom?.done) return this.report(this.finalStatus());
      if (this.signal.aborted) return this.report("cancelled");
      const complete = this.options.replay ? await this.replayAll(plan, this.options.replay) : await this.readAll(plan);
      if (complete === "cancelled") return await this.cancel();
      if ((await this.finishAll(plan, complete)) === "cancelled") return await this.cancel();
      return this.report(this.finalStatus());
    } catch (error) {
      this.options.state.discard();
      if (error instanceof CheckpointFailed) {
        // This attempt stops here; a resumed one starts its nodes afresh, so this one's must let go.
        await this.abortNodes({ error: { message: `The checkpoint could not be saved: ${describe(error.original)}` }, cancelled: false });
        throw error.original;
      }
      // A node that stopped because the run was cancelled (its request aborted) did not fail.
      if (this.signal.aborted && !(error instanceof RunError && error.failure.record)) return await this.cancel();
      if (error instanceof RunError) return await this.fail(error.failure);
      if (error instanceof PlanError) {
        return await this.fail({ message: error.message, ...(error.nodeId !== undefined && { nodeId: error.nodeId }) });
      }
      // A bug in the engine itself: still a report, with the cause, rather than a lost run.
      return await this.fail({ message: `The run stopped on an unexpected error: ${describe(error)}` });
    }
  }

  private createContexts(plan: ExecutionPlan): Map<string, NodeContext<unknown, Services>> {
    const contexts = new Map<string, NodeContext<unknown, Services>>();
    for (const node of plan.order) {
      const nodeInfo = { id: node.id, label: node.label, kind: node.kind };
      contexts.set(node.id, {
        node: nodeInfo,
        run: this.options.run,
        config: parseConfig(node),
        state: this.options.state.forNode(node.id),
        services: this.options.services,
        expressions: this.options.expressions,
        signal: this.signal,
        log: (level, message, data) =>
          this.options.log?.({ level, message, nodeId: node.id, ...(data !== undefined && { data }) }),
      });
    }
    return contexts;
  }

  /** Returns whether the source was read to its end, or "cancelled". */
  private async readAll(plan: ExecutionPlan): Promise<boolean | "cancelled"> {
    const producer = plan.producer;
    this.ran.add(producer.id);
    const limit = this.dryRun ? (this.options.dryRunLimit ?? DEFAULT_DRY_RUN_LIMIT) : undefined;
    const stream = producer.implementation.read!(this.contexts.get(producer.id)!, {
      cursor: this.cursor,
      batchSize: this.options.flow.settings.batchSize,
      ...(limit !== undefined && { limit }),
    });
    const iterator = stream[Symbol.asyncIterator]();
    let exhausted = false;
    try {
      while (true) {
        if (limit !== undefined && this.counts.recordsRead >= limit) return false;
        const started = performance.now();
        let next: IteratorResult<{ records: FlowRecord[]; cursor: Json }>;
        try {
          next = await iterator.next();
        } catch (error) {
          exhausted = true;
          throw this.nodeFailure(producer, error);
        } finally {
          this.counts.nodes[producer.id]!.ms += performance.now() - started;
        }
        if (next.done) {
          exhausted = true;
          return true;
        }
        let records = next.value.records;
        if (limit !== undefined && records.length > limit - this.counts.recordsRead) {
          records = records.slice(0, limit - this.counts.recordsRead);
        }
        const batchIndex = this.batchIndex + 1;
        this.counts.recordsRead += records.length;
        this.inbox = new Map();
        this.deliver(producer, plan.producerPort, records);
        for (const node of plan.order) {
          const input = this.take(node.id);
          if (input) await this.process(node, input, batchIndex);
        }
        this.counts.batches += 1;
        await this.commit(batchIndex, next.value.cursor, false);
        if (this.signal.aborted) return "cancelled";
      }
    } finally {
      // Stopping early (limit, cancel, failure) lets the source close its connection or file.
      if (!exhausted) await iterator.return?.();
    }
  }

  /**
   * Delivers each replayed record into the node it names and runs the graph from there, batch by
   * batch, checkpointing after each. Returns false (the source was not read: nodes must conclude
   * nothing about records they did not see) or "cancelled".
   */
  private async replayAll(plan: ExecutionPlan, replay: ReplaySource): Promise<false | "cancelled"> {
    for await (const batch of replay(this.cursor)) {
      const batchIndex = this.batchIndex + 1;
      this.counts.recordsRead += batch.entries.length;
      this.inbox = new Map();
      for (const { nodeId, record } of batch.entries) {
        const node = plan.nodes.get(nodeId);
        if (!node?.implementation.execute) {
          throw new RunError({
            message: node
              ? `A record to replay is addressed to “${node.label}”, which takes no records in. Only records that failed in a step with an input can be retried.`
              : `A record to replay failed in the step “${nodeId}”, which this flow version does not run (it was removed or disabled). Retry the run from the start instead.`,
            ...(node && { nodeId }),
          });
        }
        const waiting = this.inbox.get(nodeId);
        if (waiting) waiting[0]!.push(record);
        else this.inbox.set(nodeId, [[record]]);
      }
      for (const node of plan.order) {
        const input = this.take(node.id);
        if (input) await this.process(node, input, batchIndex);
      }
      this.counts.batches += 1;
      await this.commit(batchIndex, batch.cursor, false);
      if (this.signal.aborted) return "cancelled";
    }
    return false;
  }

  /**
   * Lets every node finish, in order. What a node's finish returns waits in the inbox for the nodes
   * after it, which take it before their own finish; one checkpoint at the end commits it all. A
   * finish that yields batches instead has each batch pushed through all the nodes after it and
   * checkpointed (the inbox is then empty: everything staged so far reached the destinations), and
   * can be cancelled between batches. Returns "cancelled" when it was.
   */
  private async finishAll(plan: ExecutionPlan, complete: boolean): Promise<void | "cancelled"> {
    this.inbox = new Map();
    const batchSize = this.options.flow.settings.batchSize;
    for (const [position, node] of plan.order.entries()) {
      const input = this.take(node.id);
      // Records the nodes before it sent from their own finish: batch index -1 in errors.
      if (input) await this.process(node, input, -1);
      const finish = node.implementation.finish;
      // A destination's finish writes (closes a file, flushes a buffer); a dry run writes nothing.
      if (!finish || (this.dryRun && node.isDestination)) continue;
      this.ran.add(node.id);
      const output = await this.timed(node, "while finishing", async () =>
        finish.call(node.implementation, this.contexts.get(node.id)!, { complete, batchSize }),
      );
      if (!isAsyncIterable(output)) {
        if (output) this.route(node, output, [], "finish");
        continue;
      }
      const later = plan.order.slice(position + 1);
      const iterator = output[Symbol.asyncIterator]();
      let exhausted = false;
      try {
        while (true) {
          const next = await this.timed(node, "while finishing", async () => {
            try {
              return await iterator.next();
            } catch (error) {
              exhausted = true;
              throw error;
            }
          });
          if (next.done) {
            exhausted = true;
            break;
          }
          this.route(node, next.value, [], "finish");
          for (const after of later) {
            const records = this.take(after.id);
            if (records) await this.process(after, records, -1);
          }
          await this.commit(this.batchIndex, this.cursor, false);
          if (this.signal.aborted) return "cancelled";
        }
      } finally {
        // Stopping early (cancel, failure downstream) lets the node close what it pages through.
        if (!exhausted) await iterator.return?.();
      }
    }
    await this.commit(this.batchIndex, this.cursor, true);
  }

  /** Runs a node's call, adding its time to the node's count; an error fails the run naming the node. */
  private async timed<T>(node: PlannedNode, when: string, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await call();
    } catch (error) {
      throw this.nodeFailure(node, error, when);
    } finally {
      this.counts.nodes[node.id]!.ms += performance.now() - started;
    }
  }

  private async process(node: PlannedNode, batch: FlowRecord[], batchIndex: number): Promise<void> {
    const counts = this.counts.nodes[node.id]!;
    const ctx = this.contexts.get(node.id)!;
    this.ran.add(node.id);
    counts.in += batch.length;
    const started = performance.now();
    let output: BatchOutput;
    try {
      if (this.dryRun && node.isDestination) {
        output = await this.preview(node, ctx, batch);
      } else {
        output = await node.implementation.execute!(ctx, batch);
      }
    } catch (error) {
      throw this.nodeFailure(node, error);
    } finally {
      counts.ms += performance.now() - started;
    }
    this.route(node, output, batch, batchIndex);
  }

  private async preview(node: PlannedNode, ctx: NodeContext<unknown, Services>, batch: FlowRecord[]): Promise<BatchOutput> {
    const plan = node.implementation.plan;
    if (!plan) {
      this.notPreviewable[node.id] =
        `“${node.label}” cannot preview what it would write; in a real run it receives the records counted on its input.`;
      return { ports: {} };
    }
    const writes = await plan.call(node.implementation, ctx, batch);
    (this.planned[node.id] ??= []).push(...writes);
    return { ports: {} };
  }

  /** Applies the node's error policy, then sends each port's records down its edges. */
  private route(node: PlannedNode, output: BatchOutput, batch: FlowRecord[], batchIndex: number | "finish"): void {
    if (typeof output !== "object" || output === null || typeof output.ports !== "object" || output.ports === null) {
      throw new RunError({
        message: `Node “${node.label}” (kind “${node.kind}”) returned no records at all, not even empty ports. This is a bug in that kind; please report it.`,
        nodeId: node.id,
      });
    }
    const routed: FlowRecord[] = [];
    const batchNumber = batchIndex === "finish" ? -1 : batchIndex;
    for (const error of output.errors ?? []) {
      const index = batchIndex === "finish" ? -1 : error.index;
      const record = batch[index];
      const key = error.key;
      if (node.errorPolicy === "fail") {
        const where =
          batchIndex === "finish"
            ? "while finishing"
            : batchIndex === -1
              ? `on record ${index + 1} of those sent after the last batch`
              : `on record ${index + 1} of batch ${batchIndex + 1}`;
        throw new RunError({
          message: `Node “${node.label}” failed ${where}${key !== undefined ? ` (key “${key}”)` : ""}: ${error.message}`,
          nodeId: node.id,
          record: { batchIndex: batchIndex === "finish" ? -1 : batchIndex, index, ...(key !== undefined && { key }) },
        });
      }
      this.counts.errors += 1;
      this.counts.nodes[node.id]!.errors += 1;
      const entry: RecordErrorReport = {
        nodeId: node.id,
        label: node.label,
        batchIndex: batchNumber,
        index,
        ...(key !== undefined && { key }),
        message: error.message,
        handling: node.errorPolicy === "route" ? "routed" : "skipped",
      };
      if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push(entry);
      if (!this.dryRun) {
        this.deadLetters.push(record === undefined ? entry : { ...entry, record });
        if (key !== undefined) {
          this.lineage.push({
            nodeId: node.id,
            key,
            op: "error",
            outcome: "failed",
            ...(record !== undefined && { record }),
            detail: error.message,
            batchIndex: batchNumber,
          });
        }
      }
      if (node.errorPolicy === "route") {
        const _error: RoutedError = { node: node.id, label: node.label, message: error.message, ...(key !== undefined && { key }) };
        routed.push({ ...record, _error });
      }
    }
    if (output.writes && !this.dryRun) this.trace(node, output.writes, batch, batchNumber);
    if (output.held && output.held.length > 0) this.hold(node, output.held, batch, batchNumber);
    for (const port in output.ports) this.deliver(node, port, output.ports[port]!);
    if (routed.length > 0) this.deliver(node, ERROR_PORT, routed);
  }

  /** A destination's writes as lineage (what it left unchanged is no event worth a row). */
  private trace(node: PlannedNode, writes: readonly RecordWrite[], batch: FlowRecord[], batchIndex: number): void {
    for (const write of writes) {
      if (write.op === "unchanged") continue;
      const record = batch[write.index];
      this.lineage.push({
        nodeId: node.id,
        key: write.key,
        op: write.op,
        outcome: "written",
        ...(record !== undefined && { record }),
        ...(write.detail !== undefined && { detail: write.detail }),
        batchIndex,
      });
    }
  }

  /** An approval node's held (and rule-decided) records, for the checkpoint; a dry run only counts them. */
  private hold(node: PlannedNode, held: readonly HeldRecord[], batch: FlowRecord[], batchIndex: number): void {
    const counts = this.counts.nodes[node.id]!;
    let waiting = 0;
    for (const entry of held) {
      if (entry.decisionSource === undefined) waiting += 1;
      if (this.dryRun) continue;
      const record = batch[entry.index];
      if (record === undefined) {
        throw new RunError({
          message: `Node “${node.label}” (kind “${node.kind}”) held a record it was not given (index ${entry.index}). This is a bug in that kind; please report it.`,
          nodeId: node.id,
        });
      }
      this.held.push({ ...entry, nodeId: node.id, batchIndex, record });
    }
    if (waiting > 0) counts.held = (counts.held ?? 0) + waiting;
  }

  private deliver(node: PlannedNode, port: string, records: FlowRecord[]): void {
    const out = this.counts.nodes[node.id]!.out;
    out[port] = (out[port] ?? 0) + records.length;
    if (records.length === 0) return;
    this.sample(node.id, port, records);
    for (const edge of node.outputs[port] ?? []) {
      this.counts.edges[edge.id] = (this.counts.edges[edge.id] ?? 0) + records.length;
      const waiting = this.inbox.get(edge.target);
      if (waiting) waiting.push(records);
      else this.inbox.set(edge.target, [records]);
    }
  }

  /** The concatenation of what reached a node this batch, or undefined when nothing did. */
  private take(nodeId: string): FlowRecord[] | undefined {
    const waiting = this.inbox.get(nodeId);
    if (!waiting) return undefined;
    this.inbox.delete(nodeId);
    return waiting.length === 1 ? waiting[0] : waiting.flat();
  }

  private sample(nodeId: string, port: string, records: FlowRecord[]): void {
    if (this.sampleSize <= 0) return;
    const byPort = (this.samples[nodeId] ??= {});
    const kept = (byPort[port] ??= []);
    for (let i = 0; i < records.length && kept.length < this.sampleSize; i++) kept.push(copy(records[i]!));
  }

  private async commit(batchIndex: number, cursor: Json | undefined, done: boolean): Promise<void> {
    this.batchIndex = batchIndex;
    this.cursor = cursor;
    // A dry run's staged state is discarded at the end; it never reaches a checkpoint.
    if (this.dryRun) return;
    const checkpoint: Checkpoint = {
      batchIndex,
      cursor,
      counts: structuredClone(this.counts),
      state: this.options.state.pending(),
      done,
      errors: this.deadLetters,
      lineage: this.lineage,
      held: this.held,
    };
    try {
      await this.options.checkpoint?.save(checkpoint);
    } catch (error) {
      throw new CheckpointFailed(error);
    }
    this.options.state.markCommitted();
    this.deadLetters = [];
    this.lineage = [];
    this.held = [];
  }

  private nodeFailure(node: PlannedNode, error: unknown, when?: string): RunError {
    if (error instanceof RunError) return error;
    return new RunError(
      { message: `Node “${node.label}” failed${when ? ` ${when}` : ""}: ${describe(error)}`, nodeId: node.id, ...(isTransient(error) && { transient: true }) },
      { cause: error },
    );
  }

  private finalStatus(): RunStatus {
    return this.counts.errors > 0 ? "succeeded_with_errors" : "succeeded";
  }

  private async fail(failure: RunFailure): Promise<RunReport> {
    this.options.log?.({ level: "error", message: failure.message, ...(failure.nodeId !== undefined && { nodeId: failure.nodeId }) });
    await this.abortNodes({ error: { message: failure.message, ...(failure.nodeId !== undefined && { nodeId: failure.nodeId }) }, cancelled: false });
    return { ...this.report("failed"), error: failure };
  }

  private async cancel(): Promise<RunReport> {
    await this.abortNodes({ error: { message: "The run was cancelled." }, cancelled: true });
    return this.report("cancelled");
  }

  /** Lets every node that ran release what it holds for the run; a node's error is logged, never thrown. */
  private async abortNodes(info: AbortInfo): Promise<void> {
    if (!this.plan) return;
    for (const node of this.plan.order) {
      const abort = node.implementation.abort;
      if (!abort || !this.ran.has(node.id)) continue;
      try {
        await abort.call(node.implementation, this.contexts.get(node.id)!, info);
      } catch (error) {
        this.options.log?.({
          level: "warn",
          message: `Node “${node.label}” could not clean up after the run stopped: ${describe(error)}`,
          nodeId: node.id,
        });
      }
    }
  }

  private report(status: RunStatus): RunReport {
    if (this.dryRun) this.options.state.discard();
    const nodes: Record<string, NodeCounts> = {};
    for (const [id, counts] of Object.entries(this.counts.nodes)) {
      nodes[id] = { ...counts, out: { ...counts.out }, ms: Math.round(counts.ms * 10) / 10 };
    }
    return {
      status,
      batches: this.counts.batches,
      recordsRead: this.counts.recordsRead,
      nodes,
      edges: { ...this.counts.edges },
      errorCount: this.counts.errors,
      errors: this.errors,
      samples: this.samples,
      ...(this.dryRun && { planned: this.planned, notPreviewable: this.notPreviewable }),
      cursor: this.cursor,
      skipped: this.plan ? [...this.plan.skipped] : [],
    };
  }
}

/** Parses a node's config with its kind's schema; the first problem names the node and the field. */
function parseConfig(node: PlannedNode): unknown {
  const ours = new Set<string>();
  const result = node.definition.configSchema.safeParse(node.node.config, {
    error: (issue) => {
      const message = plainIssueMessage(issue);
      if (typeof message === "string") ours.add(message);
      return message;
    },
  });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join(".");
  const subject = field ? `Node “${node.label}”: the setting “${field}”` : `Node “${node.label}”: the settings`;
  const what = issue.message.trim().replace(/\.$/, "");
  throw new RunError({
    message: `${ours.has(issue.message) ? `${subject} ${what}` : `${subject}: ${what}`}. Open the node and correct this setting.`,
    nodeId: node.id,
    ...(field && { field }),
  });
}

function isAsyncIterable(value: unknown): value is AsyncIterable<BatchOutput> {
  return typeof value === "object" && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
}

/** Network and connection failure codes (Node's and PostgreSQL's SQLSTATE classes 08 and 57P0x). */
const TRANSIENT_CODES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_SOCKET|UND_ERR_CONNECT_TIMEOUT|08\d\d\d|57P0[1-3])$/;

/**
 * Whether a node's error may pass by itself. Connectors say so (`retryable`, e.g. the HTTP client's
 * errors after its own retries); otherwise the error's code, or its cause's, names a lost connection.
 */
export function isTransient(error: unknown): boolean {
  for (let current = error, depth = 0; typeof current === "object" && current !== null && depth < 4; current = (current as { cause?: unknown }).cause, depth++) {
    const { retryable, code } = current as { retryable?: unknown; code?: unknown };
    if (typeof retryable === "boolean") return retryable;
    if (typeof code === "string" && TRANSIENT_CODES.test(code)) return true;
  }
  return false;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

function copy(record: FlowRecord): FlowRecord {
  try {
    return structuredClone(record);
  } catch {
    return { ...record };
  }
}
