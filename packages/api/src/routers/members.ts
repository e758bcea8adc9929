import { z } from "zod";
import * as members from "../services/members";
import { scopeOf } from "../scope";
import { authedProcedure, roleProcedure, router, workspaceProcedure } from "../trpc";
import { Id, IsoDate, RoleSchema } from "./schemas";

export const membersRouter = router({
  list: workspaceProcedure
    .output(
      z.object({
        members: z.array(z.object({ id: z.string(), userId: z.string(), name: z.string(), email: z.string(), role: RoleSchema, createdAt: IsoDate })),
        invitations: z.array(z.object({ id: z.string(), role: RoleSchema, email: z.string().nullable(), expiresAt: IsoDate, token: z.string().nullable() })),
        myRole: RoleSchema,
      }),
    )
    .query(({ ctx }) => members.listMembers(scopeOf(ctx))),
  invite: roleProcedure("admin")
    .input(z.object({ role: RoleSchema, email: z.email().optional() }))
    .output(z.object({ id: z.string(), token: z.string() }))
    .mutation(({ ctx, input }) => members.createInvitation(scopeOf(ctx), input)),
  revokeInvite: roleProcedure("admin")
    .input(z.object({ invitationId: Id }))
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) => members.revokeInvitation(scopeOf(ctx), input.invitationId)),
  changeRole: roleProcedure("admin")
    .input(z.object({ memberId: Id, role: RoleSchema }))
    .output(z.object({ id: z.string(), role: RoleSchema }))
    .mutation(({ ctx, input }) => members.changeRole(scopeOf(ctx), input)),
  remove: roleProcedure("admin")
    .input(z.object({ memberId: Id }))
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) => members.removeMember(scopeOf(ctx), input.memberId)),
  // Needs a session but no membership: the link is the permission.
  acceptInvite: authedProcedure
    .input(z.object({ token: z.string().min(10).max(200) }))
    .output(z.object({ workspaceId: z.string() }))
    .mutation(({ ctx, input }) => members.acceptInvitation(ctx.deps.db, ctx.user, input.token)),
});
