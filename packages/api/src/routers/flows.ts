import { z } from "zod";
import * as flows from "../services/flows";
import { scopeOf } from "../scope";
import { roleProcedure, router, workspaceProcedure } from "../trpc";
import { Id, IsoDate, Name, ProblemSchema } from "./schemas";

const FlowInput = z.object({ flowId: Id });
// Drafts are stored as given (work in progress); 2 MB is far above any real flow.
const DraftDocument = z.unknown().refine((d) => JSON.stringify(d ?? null).length <= 2_000_000, "The flow document is larger than 2 MB.");

export const flowsRouter = router({
  list: workspaceProcedure
    .output(
      z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          enabled: z.boolean(),
          hasUnpublishedChanges: z.boolean(),
          activeVersionNumber: z.number().nullable(),
          triggerKind: z.string().nullable(),
          updatedAt: IsoDate,
        }),
      ),
    )
    .query(({ ctx }) => flows.listFlows(scopeOf(ctx))),
  get: workspaceProcedure
    .input(FlowInput)
    .output(
      z.object({
        id: z.string(),
        name: z.string(),
        enabled: z.boolean(),
        draft: z.unknown(),
        problems: z.array(ProblemSchema),
        activeVersionId: z.string().nullable(),
        activeVersionNumber: z.number().nullable(),
        hasUnpublishedChanges: z.boolean(),
        updatedAt: IsoDate,
      }),
    )
    .query(({ ctx, input }) => flows.getFlow(scopeOf(ctx), input.flowId)),
  create: roleProcedure("editor")
    .input(z.object({ name: Name }))
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) => flows.createFlow(scopeOf(ctx), input)),
  rename: roleProcedure("editor")
    .input(FlowInput.extend({ name: Name }))
    .output(z.object({ id: z.string(), name: z.string() }))
    .mutation(({ ctx, input }) => flows.renameFlow(scopeOf(ctx), input)),
  delete: roleProcedure("editor")
    .input(FlowInput)
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) => flows.deleteFlow(scopeOf(ctx), input.flowId)),
  saveDraft: roleProcedure("editor")
    .input(FlowInput.extend({ document: DraftDocument }))
    .output(z.object({ problems: z.array(ProblemSchema) }))
    .mutation(({ ctx, input }) => flows.saveDraft(scopeOf(ctx), input)),
  publish: roleProcedure("editor")
    .input(FlowInput.extend({ message: z.string().trim().max(500).optional() }))
    .output(z.object({ versionId: z.string(), number: z.number() }))
    .mutation(({ ctx, input }) => flows.publishFlow(scopeOf(ctx), input)),
  versions: workspaceProcedure
    .input(FlowInput)
    .output(z.array(z.object({ id: z.string(), number: z.number(), message: z.string().nullable(), authorName: z.string().nullable(), createdAt: IsoDate })))
    .query(({ ctx, input }) => flows.listVersions(scopeOf(ctx), input.flowId)),
  getVersion: workspaceProcedure
    .input(FlowInput.extend({ versionId: Id }))
    .output(z.object({ id: z.string(), number: z.number(), message: z.string().nullable(), document: z.unknown(), createdAt: IsoDate }))
    .query(({ ctx, input }) => flows.getVersion(scopeOf(ctx), input)),
  setEnabled: roleProcedure("editor")
    .input(FlowInput.extend({ enabled: z.boolean() }))
    .output(z.object({ id: z.string(), enabled: z.boolean() }))
    .mutation(({ ctx, input }) => flows.setFlowEnabled(scopeOf(ctx), input)),
});
