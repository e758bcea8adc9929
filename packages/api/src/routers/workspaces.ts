import { z } from "zod";
import * as workspaces from "../services/workspaces";
import { scopeOf } from "../scope";
import { roleProcedure, router, workspaceProcedure } from "../trpc";
import { Name, RoleSchema } from "./schemas";

const Workspace = z.object({ id: z.string(), name: z.string(), slug: z.string(), role: RoleSchema });

export const workspacesRouter = router({
  list: workspaceProcedure
    .output(z.array(Workspace.extend({ active: z.boolean() })))
    .query(({ ctx }) => workspaces.listWorkspaces(ctx.deps.db, ctx.user.id, ctx.workspaceId)),
  current: workspaceProcedure.output(Workspace).query(({ ctx }) => workspaces.currentWorkspace(scopeOf(ctx))),
  rename: roleProcedure("admin")
    .input(z.object({ name: Name }))
    .output(z.object({ id: z.string(), name: z.string() }))
    .mutation(({ ctx, input }) => workspaces.renameWorkspace(scopeOf(ctx), input.name)),
});
