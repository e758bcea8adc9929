import { z } from "zod";
import * as workspaces from "../services/workspaces";
import { scopeOf } from "../scope";
import { roleProcedure, router, workspaceProcedure } from "../trpc";
import { Name, RoleSchema } from "./schemas";

const Workspace = z.object({ id: z.string(), name: z.string(), slug: z.string(), role: RoleSchema });
const WorkspaceSettings = z.object({
  /** Days run samples, dead letters, lineage and webhook bodies are kept before prune-history removes them. */
  retentionDays: z
    .int("Enter a whole number of days.")
    .min(1, "Keep history for at least 1 day.")
    .max(3650, "History can be kept for at most 3,650 days (10 years)."),
});

export const workspacesRouter = router({
  list: workspaceProcedure
    .output(z.array(Workspace.extend({ active: z.boolean() })))
    .query(({ ctx }) => workspaces.listWorkspaces(ctx.deps.db, ctx.user.id, ctx.workspaceId)),
  current: workspaceProcedure.output(Workspace).query(({ ctx }) => workspaces.currentWorkspace(scopeOf(ctx))),
  rename: roleProcedure("admin")
    .input(z.object({ name: Name }))
    .output(z.object({ id: z.string(), name: z.string() }))
    .mutation(({ ctx, input }) => workspaces.renameWorkspace(scopeOf(ctx), input.name)),
  settings: workspaceProcedure.output(WorkspaceSettings).query(({ ctx }) => workspaces.workspaceSettingsOf(scopeOf(ctx))),
  updateSettings: roleProcedure("admin")
    .input(WorkspaceSettings)
    .output(WorkspaceSettings)
    .mutation(({ ctx, input }) => workspaces.updateWorkspaceSettings(scopeOf(ctx), input)),
});
