import type { Database, Role } from "@flowgate/db";
import type { SecretBox } from "@flowgate/db/crypto";
import type { KindRegistry } from "@flowgate/flow";
import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";

/** What a service call may touch: one workspace, on behalf of one user. */
export interface Scope {
  db: Database;
  workspaceId: string;
  userId: string;
  role: Role;
  secrets: SecretBox;
  registry: KindRegistry;
}

export function notFound(what: string): TRPCError {
  return new TRPCError({ code: "NOT_FOUND", message: `${what} was not found in this workspace. It may have been deleted, or it belongs to another workspace.` });
}

/** One row of `table` by id, only if it belongs to the caller's workspace; NOT_FOUND otherwise. */
export async function findInWorkspace<T extends PgTable>(
  scope: Pick<Scope, "db" | "workspaceId">,
  table: T,
  columns: { id: AnyPgColumn; workspace: AnyPgColumn },
  id: string,
  what: string,
): Promise<T["$inferSelect"]> {
  const [row] = await scope.db
    .select()
    .from(table as PgTable)
    .where(and(eq(columns.id, id), eq(columns.workspace, scope.workspaceId)))
    .limit(1);
  if (!row) throw notFound(what);
  return row as T["$inferSelect"];
}
