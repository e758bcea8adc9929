import { TRPCError } from "@trpc/server";
import { z } from "zod";
import * as tokens from "../services/tokens";
import { scopeOf } from "../scope";
import { router, workspaceProcedure } from "../trpc";
import { Id, IsoDate, Name, RoleSchema } from "./schemas";

/**
 * Tokens are managed from a signed-in browser session only: a leaked token must not be able to
 * mint a fresh one that outlives its revocation.
 */
const sessionProcedure = workspaceProcedure.use(({ ctx, next }) => {
  if (ctx.apiTokenId !== null) {
    throw new TRPCError({ code: "FORBIDDEN", message: "API tokens can't manage API tokens. Sign in to Flowgate in the browser and use Settings → API tokens." });
  }
  return next();
});

const TokenStatusSchema = z.enum(["active", "expired", "revoked"]);

/**
 * Personal API tokens for the CLI and scripts. Each person creates, lists and revokes their own;
 * admins and owners also list and revoke every token of the workspace, to cut off a leaked one.
 */
export const tokensRouter = router({
  /** The token itself is in this answer only: it is stored hashed. */
  create: sessionProcedure
    .input(
      z.object({
        name: Name,
        role: RoleSchema,
        expiresInDays: z.int("Enter a whole number of days.").min(1, "A token must live at least 1 day.").max(3650, "A token can live at most 3,650 days (10 years).").optional(),
      }),
    )
    .output(z.object({ id: z.string(), token: z.string(), name: z.string(), role: RoleSchema, prefix: z.string(), expiresAt: IsoDate.nullable() }))
    .mutation(({ ctx, input }) => tokens.createApiToken(scopeOf(ctx), input)),
  list: sessionProcedure
    .output(
      z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          role: RoleSchema,
          /** The token's first characters, e.g. fgt_AbCd1234. */
          prefix: z.string(),
          ownerName: z.string(),
          mine: z.boolean(),
          status: TokenStatusSchema,
          createdAt: IsoDate,
          lastUsedAt: IsoDate.nullable(),
          expiresAt: IsoDate.nullable(),
          revokedAt: IsoDate.nullable(),
        }),
      ),
    )
    .query(({ ctx }) => tokens.listApiTokens(scopeOf(ctx))),
  revoke: sessionProcedure
    .input(z.object({ id: Id }))
    .output(z.object({ id: z.string(), revokedAt: IsoDate }))
    .mutation(({ ctx, input }) => tokens.revokeApiToken(scopeOf(ctx), input.id)),
});
