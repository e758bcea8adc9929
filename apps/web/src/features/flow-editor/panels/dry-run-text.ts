import type { DryRunView } from "../editor-store";
import type { DryRunResult } from "./dry-run-types";

type PlannedWrite = DryRunResult["planned"][string][number];
type Op = PlannedWrite["op"];

export interface DryRunFailure {
  /** One line: which node failed, or that the dry run could not run at all. */
  title: string;
  message: string;
  nodeId?: string;
  /** The config field the failure is about (dotted), when the engine named one. */
  field?: string;
}

/**
 * Why a dry run failed, in a person's words, or null when it did not. A result with an error names
 * the node; a row error (`dryRun.error`) means it could not run at all (the flow has problems, no
 * worker picked it up, the worker crashed).
 */
export function dryRunFailure(view: DryRunView, labelOf: (nodeId: string) => string): DryRunFailure | null {
  const result = view.result;
  const failed = view.status === "failed" || result?.status === "failed" || result?.status === "cancelled";
  if (!failed) return null;
  const error = result?.error;
  if (error) {
    return {
      title: error.nodeId ? `The dry run stopped at “${labelOf(error.nodeId)}”` : "The dry run stopped",
      message: error.message,
      ...(error.nodeId !== undefined && { nodeId: error.nodeId }),
      ...(error.field !== undefined && { field: error.field }),
    };
  }
  if (result?.status === "cancelled") return { title: "The dry run was cancelled", message: view.error ?? "Start it again when you are ready." };
  return {
    title: "The dry run could not run",
    message: view.error ?? "The worker gave no reason. Start it again; if it fails again, check that the worker is running.",
  };
}

/** "Dry run on the first 100 records…", with what it is waiting for. */
export function progressText(view: Pick<DryRunView, "status" | "options">): { title: string; detail: string } {
  return {
    title: `Dry run on the first ${view.options.limit} records…`,
    detail: view.status === "queued" ? "Waiting for a worker to pick it up." : "Running the flow without writing anywhere.",
  };
}

/** "fields.0.expression" → ["fields", 0, "expression"]: the shape of a problem's config path, for the inspector's focus. */
export function configPath(field: string): (string | number)[] {
  return field
    .split(".")
    .filter(Boolean)
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

export const OPS: readonly Op[] = ["create", "update", "delete"];
const opWord: Record<Op, [one: string, many: string]> = {
  create: ["create", "creates"],
  update: ["update", "updates"],
  delete: ["delete", "deletes"],
};

export function countOps(items: readonly PlannedWrite[]): Record<Op, number> {
  const counts: Record<Op, number> = { create: 0, update: 0, delete: 0 };
  for (const item of items) counts[item.op] += 1;
  return counts;
}

/** "12 creates, 3 updates, 0 deletes". */
export function opsSummary(items: readonly PlannedWrite[]): string {
  const counts = countOps(items);
  return OPS.map((op) => `${counts[op]} ${opWord[op][counts[op] === 1 ? 0 : 1]}`).join(", ");
}

/** "100 in · 88 kept · 12 discarded · 2 errors · 14 ms", or null when the node did not run. */
export function nodeStatsText(result: DryRunResult, nodeId: string): string | null {
  const stats = result.nodes[nodeId];
  if (!stats) return null;
  const ports = Object.entries(stats.out);
  const out =
    ports.length === 1 && ports[0]?.[0] === "out" ? [`${ports[0][1]} out`] : ports.map(([port, count]) => `${count} ${port}`);
  return [`${stats.in} in`, ...out, `${stats.errors} ${stats.errors === 1 ? "error" : "errors"}`, `${stats.ms} ms`].join(" · ");
}
