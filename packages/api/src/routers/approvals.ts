import { CHANGE_ITEM_STATUSES, CHANGE_OPS, CHANGE_SET_STATUSES } from "@flowgate/db";
import { z } from "zod";
import * as approvals from "../services/approvals";
import { scopeOf } from "../scope";
import { router, workspaceProcedure } from "../trpc";
import { Id, IsoDate } from "./schemas";

const JsonRecord = z.record(z.string(), z.unknown());
const OpCounts = z.object({ create: z.number(), update: z.number(), delete: z.number() });

const ChangeSetSummary = z.object({
  id: z.string(),
  flowId: z.string(),
  flowName: z.string(),
  runId: z.string(),
  nodeId: z.string(),
  nodeLabel: z.string(),
  status: z.enum(CHANGE_SET_STATUSES),
  createdAt: IsoDate,
  deadlineAt: IsoDate.nullable(),
  /** Pending items by operation. */
  pending: OpCounts,
  /** Items by status. */
  counts: z.object({ pending: z.number(), approved: z.number(), rejected: z.number(), expired: z.number() }),
  approverRole: z.string(),
  approvalsRequired: z.number(),
  /** Whether the caller may decide (role, and the self-approval rule). */
  canDecide: z.boolean(),
  /** Why not, in a person's words, when canDecide is false. */
  cannotDecideReason: z.string().nullable(),
});

/** Which items: the inbox's filters, applied on the server (a change set can hold 100,000 items). */
export const ItemFilterSchema = z.object({
  status: z.enum(CHANGE_ITEM_STATUSES).optional(),
  op: z.enum(CHANGE_OPS).optional(),
  /** Items whose changed fields include this one. */
  changedField: z.string().min(1).max(200).optional(),
  /** Text in the key or in after/before `name`. */
  text: z.string().trim().min(1).max(200).optional(),
  /** A numeric field's change, e.g. { field: "price", minPercent: 20 }: |after − before| / |before| × 100 ≥ 20. */
  numeric: z
    .object({
      field: z.string().min(1).max(200),
      minPercent: z.number().min(0).optional(),
      maxPercent: z.number().min(0).optional(),
      minAbsolute: z.number().min(0).optional(),
    })
    .optional(),
});

const ItemSchema = z.object({
  id: z.number(),
  key: z.string(),
  op: z.enum(CHANGE_OPS),
  before: JsonRecord.nullable(),
  after: JsonRecord.nullable(),
  changedFields: z.array(z.string()),
  status: z.enum(CHANGE_ITEM_STATUSES),
  approvals: z.number(),
  decidedByName: z.string().nullable(),
  decisionSource: z.string().nullable(),
  comment: z.string().nullable(),
  decidedAt: IsoDate.nullable(),
});

export const approvalsRouter = router({
  /** Change sets across flows, newest first; pending ones by default. */
  list: workspaceProcedure
    .input(z.object({ status: z.enum(CHANGE_SET_STATUSES).optional(), cursor: z.string().max(500).optional(), limit: z.int().min(1).max(100).default(50) }))
    .output(z.object({ items: z.array(ChangeSetSummary), nextCursor: z.string().nullable() }))
    .query(({ ctx, input }) => approvals.listChangeSets(scopeOf(ctx), input)),
  /** The navigation badge: pending items the caller may decide. */
  pendingCount: workspaceProcedure.output(z.object({ changeSets: z.number(), items: z.number() })).query(({ ctx }) => approvals.pendingCount(scopeOf(ctx))),
  get: workspaceProcedure
    .input(z.object({ changeSetId: Id }))
    .output(ChangeSetSummary.extend({ changedFields: z.array(z.string()), numericFields: z.array(z.string()) }))
    .query(({ ctx, input }) => approvals.getChangeSet(scopeOf(ctx), input.changeSetId)),
  /** Items, filtered and paged on the server (keyset by sort, then id). */
  items: workspaceProcedure
    .input(
      z.object({
        changeSetId: Id,
        filter: ItemFilterSchema.default({}),
        sort: z.enum(["key", "change", "id"]).default("id"),
        /** For sort "change": the numeric field whose change orders the items (largest first). */
        sortField: z.string().min(1).max(200).optional(),
        cursor: z.string().max(500).optional(),
        limit: z.int().min(1).max(500).default(100),
      }),
    )
    .output(z.object({ items: z.array(ItemSchema), total: z.number(), nextCursor: z.string().nullable() }))
    .query(({ ctx, input }) => approvals.listItems(scopeOf(ctx), input)),
  /**
   * Approves or rejects items, named by id or by a filter (every pending item matching it). Each item
   * is decided once; an item someone else decided first is reported, not decided again.
   */
  decide: workspaceProcedure
    .input(
      z.object({
        changeSetId: Id,
        decision: z.enum(["approve", "reject"]),
        ids: z.array(z.number().int()).max(10_000).optional(),
        filter: ItemFilterSchema.optional(),
        comment: z.string().trim().max(1000).optional(),
      }),
    )
    .output(
      z.object({
        /** Items this call decided (for approve with N required: reached N). */
        decided: z.number(),
        /** Approvals recorded that still wait for more people (N-of-M). */
        recorded: z.number(),
        /** Items already decided by someone else, with who and how. */
        alreadyDecided: z.array(z.object({ id: z.number(), key: z.string(), status: z.enum(CHANGE_ITEM_STATUSES), byName: z.string().nullable() })),
      }),
    )
    .mutation(({ ctx, input }) => approvals.decide(scopeOf(ctx), input)),
});
