import { DRY_RUN_STATUSES } from "@flowgate/db";
import { z } from "zod";
import * as flowFiles from "../services/flow-files";
import * as flows from "../services/flows";
import { scopeOf } from "../scope";
import { roleProcedure, router, workspaceProcedure } from "../trpc";
import { FileProblem, FileText, refuseLargeFile } from "./file-input";
import { DryRunResultSchema, Id, IsoDate, Name, ProblemSchema } from "./schemas";

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
          /** The newest run of the flow, for the list's "last run" column. */
          lastRun: z.object({ id: z.string(), status: z.string(), createdAt: IsoDate }).nullable(),
          /** When the schedule fires next (enabled, published, scheduled flows only). */
          nextRunAt: IsoDate.nullable(),
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
        /** The draft's revision: saveDraft names it as its base, so a save never overwrites someone else's silently. */
        revision: z.number(),
        draftUpdatedAt: IsoDate,
        draftUpdatedByName: z.string().nullable(),
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
  duplicate: roleProcedure("editor")
    .input(FlowInput)
    .output(z.object({ id: z.string(), name: z.string() }))
    .mutation(({ ctx, input }) => flows.duplicateFlow(scopeOf(ctx), input.flowId)),
  /**
   * Fails with CONFLICT when the draft's revision is no longer `baseRevision` (someone else saved
   * meanwhile); the message names who and when. Saving again with their revision overwrites knowingly.
   */
  saveDraft: roleProcedure("editor")
    .input(FlowInput.extend({ document: DraftDocument, baseRevision: z.number().int().min(0) }))
    .output(z.object({ problems: z.array(ProblemSchema), revision: z.number(), savedAt: IsoDate }))
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
  /** Makes an old version the draft (a new draft revision); the published version is untouched. */
  restoreVersion: roleProcedure("editor")
    .input(FlowInput.extend({ versionId: Id }))
    .output(z.object({ revision: z.number() }))
    .mutation(({ ctx, input }) => flows.restoreVersion(scopeOf(ctx), input)),
  /**
   * Dry run of the given document (the editor's current draft) by a worker, writing nothing: the whole
   * flow on the first `limit` source records, or (with nodeId and input) one node on pinned input.
   */
  dryRun: roleProcedure("editor")
    .input(
      FlowInput.extend({
        document: DraftDocument,
        limit: z.number().int().min(1).max(1000).default(100),
        nodeId: z.string().min(1).max(64).optional(),
        input: z.array(z.record(z.string(), z.unknown())).max(1000).optional(),
      }),
    )
    .output(z.object({ dryRunId: z.string() }))
    .mutation(({ ctx, input }) => flows.startDryRun(scopeOf(ctx), input)),
  dryRunResult: workspaceProcedure
    .input(z.object({ dryRunId: Id }))
    .output(
      z.object({
        id: z.string(),
        flowId: z.string(),
        status: z.enum(DRY_RUN_STATUSES),
        options: z.object({ limit: z.number(), nodeId: z.string().optional(), input: z.array(z.record(z.string(), z.unknown())).optional() }),
        result: DryRunResultSchema.nullable(),
        error: z.string().nullable(),
        createdAt: IsoDate,
        finishedAt: IsoDate.nullable(),
      }),
    )
    .query(({ ctx, input }) => flows.getDryRun(scopeOf(ctx), input.dryRunId)),
  setEnabled: roleProcedure("editor")
    .input(FlowInput.extend({ enabled: z.boolean() }))
    .output(z.object({ id: z.string(), enabled: z.boolean() }))
    .mutation(({ ctx, input }) => flows.setFlowEnabled(scopeOf(ctx), input)),
  /**
   * The flow as one JSON file (see exportFlow): its published version, or its draft when it was never
   * published; connections as refs with their kind and name, never a secret or a connection's settings.
   */
  export: workspaceProcedure
    .input(FlowInput)
    .output(z.object({ fileName: z.string(), fileText: z.string() }))
    .query(({ ctx, input }) => flowFiles.exportFlow(scopeOf(ctx), input.flowId)),
  /**
   * Every problem that keeps a flow file from being imported. Stores nothing, but is a mutation so the
   * file travels in a POST body (a query's input goes in the URL, which servers cap at a few KB).
   */
  validateImport: workspaceProcedure
    .use(refuseLargeFile("flow"))
    .input(z.object({ fileText: FileText }))
    .output(z.object({ ok: z.boolean(), problems: z.array(FileProblem) }))
    .mutation(({ ctx, input }) => flowFiles.validateImport(scopeOf(ctx), input.fileText)),
  /**
   * A new disabled, unpublished flow from a file, its connections unassigned; BAD_REQUEST listing every
   * problem when the file has any. Returns the new flow's problems (the connections to choose first).
   */
  import: roleProcedure("editor")
    .use(refuseLargeFile("flow"))
    .input(z.object({ fileText: FileText, name: Name.optional() }))
    .output(z.object({ flowId: z.string(), problems: z.array(ProblemSchema) }))
    .mutation(({ ctx, input }) => flowFiles.importFlow(scopeOf(ctx), input)),
});
