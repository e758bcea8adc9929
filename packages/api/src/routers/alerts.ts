import { ALERT_KINDS, ALERT_STATUSES } from "@flowgate/db";
import { z } from "zod";
import * as alerts from "../services/alerts";
import { scopeOf } from "../scope";
import { roleProcedure, router, workspaceProcedure } from "../trpc";
import { Id, IsoDate } from "./schemas";

export const AlertSchema = z.object({
  id: z.string(),
  flowId: z.string(),
  flowName: z.string(),
  kind: z.enum(ALERT_KINDS),
  status: z.enum(ALERT_STATUSES),
  title: z.string(),
  message: z.string(),
  /** How many failures this alert stands for (grouped until the flow recovers). */
  occurrences: z.number(),
  lastRunId: z.string().nullable(),
  changeSetId: z.string().nullable(),
  firstAt: IsoDate,
  lastAt: IsoDate,
  resolvedAt: IsoDate.nullable(),
  read: z.boolean(),
});

export const AlertSettingsSchema = z.object({
  /** Alert when a run of the flow fails. */
  onFailure: z.boolean(),
  /** Alert when a change set waits longer than this many hours (null: never). */
  approvalsWaitingHours: z.int().min(1).max(24 * 30).nullable(),
  /** Also POST a `{ text }` notice here (Slack, Teams, any chat tool's incoming webhook); null: in-app only. */
  webhookUrl: z.url({ protocol: /^https?$/ }).max(2000).nullable(),
});

export const alertsRouter = router({
  /** Newest first (by last occurrence), open ones by default. */
  list: workspaceProcedure
    .input(
      z.object({
        status: z.enum(ALERT_STATUSES).optional(),
        flowId: Id.optional(),
        cursor: z.string().max(500).optional(),
        limit: z.int().min(1).max(100).default(20),
      }),
    )
    .output(z.object({ items: z.array(AlertSchema), nextCursor: z.string().nullable() }))
    .query(({ ctx, input }) => alerts.listAlerts(scopeOf(ctx), input)),
  /** The navigation badge: open alerts nobody marked read. */
  unreadCount: workspaceProcedure.output(z.object({ count: z.number() })).query(({ ctx }) => alerts.unreadCount(scopeOf(ctx))),
  /** Marks these alerts (or, without ids, every alert of the workspace) read. */
  markRead: workspaceProcedure
    .input(z.object({ ids: z.array(z.string().min(1).max(100)).min(1).max(500).optional() }))
    .output(z.object({ marked: z.number() }))
    .mutation(({ ctx, input }) => alerts.markRead(scopeOf(ctx), input)),
  settings: workspaceProcedure
    .input(z.object({ flowId: Id }))
    .output(AlertSettingsSchema)
    .query(({ ctx, input }) => alerts.getSettings(scopeOf(ctx), input.flowId)),
  updateSettings: roleProcedure("editor")
    .input(AlertSettingsSchema.extend({ flowId: Id }))
    .output(AlertSettingsSchema)
    .mutation(({ ctx, input }) => alerts.updateSettings(scopeOf(ctx), input)),
});
