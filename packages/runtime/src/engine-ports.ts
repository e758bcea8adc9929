import { runs, type Database } from "@flowgate/db";
import { and, eq } from "drizzle-orm";
import { jsonataExpressions, type ImplementationRegistry, type LogEntry, type RunOptions } from "@flowgate/engine";
import { upgradeFlow, type KindRegistry } from "@flowgate/flow";
import { kindRegistry } from "@flowgate/nodes/definitions";
import { nodeImplementations } from "@flowgate/nodes/registry";
import type { NodeServices } from "@flowgate/nodes/services";
import type { RuntimeLog } from "./log";
import type { RuntimeServices } from "./services";
import { PostgresStatePort } from "./state";

/** What the tasks that run the engine (run-flow, dry-run) are built with. */
export interface EngineDeps {
  db: Database;
  services: RuntimeServices;
  /** The node kinds (packages/nodes unless a test brings its own). */
  implementations?: ImplementationRegistry;
  kinds?: KindRegistry;
}

export function kindsOf(deps: Pick<EngineDeps, "implementations" | "kinds">): { implementations: ImplementationRegistry; kinds: KindRegistry } {
  return { implementations: deps.implementations ?? nodeImplementations, kinds: deps.kinds ?? kindRegistry };
}

/**
 * The ports a run and a dry run hand the engine alike: the node kinds, the workspace's services, the
 * expressions, the flow's sync_state and the log. The state port stages writes in memory; they reach
 * sync_state only through a checkpoint (writeCheckpoint), so a run without one (a dry run) reads the
 * real state and never changes it.
 */
export function enginePorts(
  deps: EngineDeps,
  run: { id: string; workspaceId: string; flowId: string },
  log: RuntimeLog,
): Pick<RunOptions<NodeServices>, "implementations" | "services" | "expressions" | "state" | "log"> {
  return {
    implementations: kindsOf(deps).implementations,
    services: deps.services.forRun({ id: run.id, workspaceId: run.workspaceId }),
    expressions: jsonataExpressions,
    state: new PostgresStatePort(deps.db, run.flowId),
    log: (entry: LogEntry) => log[entry.level]({ nodeId: entry.nodeId, ...entry.data }, entry.message),
  };
}

/** A stored document in the current schema version; an unreadable one is handed to the validator as is, which names its problems. */
export function openDocument(document: unknown): unknown {
  try {
    return upgradeFlow(document);
  } catch {
    return document;
  }
}

/**
 * Refreshes the run's heartbeat while a task works on it, so the sweeper leaves it alone; returns the
 * stopper. A beat landing after the run finished must not make it look alive again.
 */
export function startRunHeartbeat(db: Database, runId: string, everyMs: number, log: RuntimeLog, task: string): () => void {
  const timer = setInterval(() => {
    void db
      .update(runs)
      .set({ heartbeatAt: new Date() })
      .where(and(eq(runs.id, runId), eq(runs.status, "running")))
      .catch((error: unknown) => log.warn({ err: describeError(error) }, `${task}: heartbeat failed`));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
