import { flows, lineage, runs } from "@flowgate/db";
import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { decodeTimeCursor, encodeTimeCursor } from "./paging";
import type { Scope } from "./scope";

export interface SearchLineageInput {
  key: string;
  cursor?: string;
  limit: number;
}

/**
 * What happened to one record key in this workspace, across flows, newest first: each write and
 * each failure, with the flow's name and how its run ended. Served by (workspace_id, key, created_at).
 */
export async function searchLineage(scope: Scope, input: SearchLineageInput) {
  const conditions: SQL[] = [eq(lineage.workspaceId, scope.workspaceId), eq(lineage.key, input.key)];
  if (input.cursor) {
    const { at, id } = decodeTimeCursor(input.cursor, "the search");
    conditions.push(sql`(${lineage.createdAt}, ${lineage.id}) < (${at}::timestamptz, ${id}::bigint)`);
  }
  const rows = await scope.db
    .select({
      entry: lineage,
      cursorAt: sql<string>`${lineage.createdAt}::text`,
      flowName: flows.name,
      runStatus: runs.status,
    })
    .from(lineage)
    .innerJoin(flows, eq(flows.id, lineage.flowId))
    .innerJoin(runs, eq(runs.id, lineage.runId))
    .where(and(...conditions))
    .orderBy(desc(lineage.createdAt), desc(lineage.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ entry, flowName, runStatus }) => ({
      id: entry.id,
      flowId: entry.flowId,
      flowName,
      runId: entry.runId,
      runStatus,
      nodeId: entry.nodeId,
      key: entry.key,
      op: entry.op,
      outcome: entry.outcome,
      hash: entry.hash,
      record: (entry.record as Record<string, unknown> | null) ?? null,
      detail: entry.detail,
      batchIndex: entry.batchIndex,
      createdAt: entry.createdAt.toISOString(),
    })),
    nextCursor: rows.length > input.limit && last ? encodeTimeCursor({ at: last.cursorAt, id: String(last.entry.id) }) : null,
  };
}
