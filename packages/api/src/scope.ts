import type { Scope } from "./services/scope";
import type { WorkspaceContext } from "./trpc";

export function scopeOf(ctx: WorkspaceContext): Scope {
  return {
    db: ctx.deps.db,
    workspaceId: ctx.workspaceId,
    userId: ctx.user.id,
    role: ctx.role,
    secrets: ctx.deps.secrets,
    registry: ctx.deps.registry,
  };
}
