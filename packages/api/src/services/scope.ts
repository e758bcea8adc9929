import type { Database, Role } from "@flowgate/db";
import type { SecretBox } from "@flowgate/db/crypto";
import type { KindRegistry } from "@flowgate/flow";
import { TRPCError } from "@trpc/server";

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
