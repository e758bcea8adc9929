import { z } from "zod";
import * as webhooks from "../services/webhooks";
import { scopeOf } from "../scope";
import { roleProcedure, router } from "../trpc";
import { Id, IsoDate } from "./schemas";

const FlowInput = z.object({ flowId: Id });

const WebhookSchema = z.object({
  url: z.string(),
  listening: z.boolean(),
  signatureRequired: z.boolean(),
  hasSecret: z.boolean(),
  secretRotatedAt: IsoDate.nullable(),
  previousSecretValidUntil: IsoDate.nullable(),
});

/**
 * A flow's webhook address and signing secret. The address alone starts runs, so reading it needs
 * what starting a run needs (editor); the secret is shown once, by rotateSecret, never by get.
 */
export const webhooksRouter = router({
  get: roleProcedure("editor")
    .input(FlowInput)
    .output(WebhookSchema)
    .query(({ ctx, input }) => webhooks.getWebhook(scopeOf(ctx), input.flowId)),
  rotateSecret: roleProcedure("editor")
    .input(FlowInput)
    .output(WebhookSchema.extend({ secret: z.string() }))
    .mutation(({ ctx, input }) => webhooks.rotateSecret(scopeOf(ctx), input.flowId)),
  rotateToken: roleProcedure("editor")
    .input(FlowInput)
    .output(WebhookSchema)
    .mutation(({ ctx, input }) => webhooks.rotateToken(scopeOf(ctx), input.flowId)),
});
