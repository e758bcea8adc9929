import { auditLog, newId, type Database } from "@flowgate/db";

export interface AuditEntry {
  workspaceId: string;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

type Executor = Pick<Database, "insert">;

export async function recordAudit(db: Executor, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({ id: newId(), ...entry, targetId: entry.targetId ?? null, details: entry.details ?? {} });
}
