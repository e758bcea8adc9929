import { alerts, flowAlertSettings, flows, type AlertStatus } from "@flowgate/db";
import { and, count, desc, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { hasRole } from "../trpc";
import { recordAudit } from "./audit";
import { decodeTimeCursor, encodeTimeCursor } from "./paging";
import { findInWorkspace, type Scope } from "./scope";

/**
 * Alerts as people read them. The runtime raises and resolves them (a failed run, a change set
 * waiting too long); here they are listed, marked read, and each flow's settings are kept.
 */

export interface ListAlertsInput {
  status?: AlertStatus;
  flowId?: string;
  cursor?: string;
  limit: number;
}

/** Newest first by last occurrence (open ones unless asked otherwise), in pages on (workspace_id, last_at). */
export async function listAlerts(scope: Scope, input: ListAlertsInput) {
  const conditions: SQL[] = [eq(alerts.workspaceId, scope.workspaceId), eq(alerts.status, input.status ?? "open")];
  if (input.flowId) conditions.push(eq(alerts.flowId, input.flowId));
  if (input.cursor) {
    const { at, id } = decodeTimeCursor(input.cursor, "the alerts");
    conditions.push(sql`(${alerts.lastAt}, ${alerts.id}) < (${at}::timestamptz, ${id})`);
  }
  const rows = await scope.db
    .select({ alert: alerts, flowName: flows.name, cursorAt: sql<string>`${alerts.lastAt}::text` })
    .from(alerts)
    .innerJoin(flows, eq(flows.id, alerts.flowId))
    .where(and(...conditions))
    .orderBy(desc(alerts.lastAt), desc(alerts.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map(({ alert, flowName }) => ({
      id: alert.id,
      flowId: alert.flowId,
      flowName,
      kind: alert.kind,
      status: alert.status,
      title: alert.title,
      message: alert.message,
      occurrences: alert.occurrences,
      lastRunId: alert.lastRunId,
      changeSetId: alert.changeSetId,
      firstAt: alert.firstAt.toISOString(),
      lastAt: alert.lastAt.toISOString(),
      resolvedAt: alert.resolvedAt?.toISOString() ?? null,
      read: alert.readAt !== null,
    })),
    nextCursor: rows.length > input.limit && last ? encodeTimeCursor({ at: last.cursorAt, id: last.alert.id }) : null,
  };
}

/** Open alerts nobody in the workspace marked read: the navigation's badge. */
export async function unreadCount(scope: Scope): Promise<{ count: number }> {
  const [row] = await scope.db
    .select({ n: count() })
    .from(alerts)
    .where(and(eq(alerts.workspaceId, scope.workspaceId), eq(alerts.status, "open"), isNull(alerts.readAt)));
  return { count: row?.n ?? 0 };
}

/**
 * Marks these alerts (or every unread one of the workspace) read, for everyone in it: an alert is
 * the workspace's, not one person's. Ids of other workspaces, or already read, are left alone.
 */
export async function markRead(scope: Scope, input: { ids?: string[] }): Promise<{ marked: number }> {
  const conditions: SQL[] = [eq(alerts.workspaceId, scope.workspaceId), isNull(alerts.readAt)];
  if (input.ids) conditions.push(inArray(alerts.id, input.ids));
  const marked = await scope.db
    .update(alerts)
    .set({ readAt: new Date() })
    .where(and(...conditions))
    .returning({ id: alerts.id });
  return { marked: marked.length };
}

export interface AlertSettings {
  onFailure: boolean;
  approvalsWaitingHours: number | null;
  webhookUrl: string | null;
}

/** What a flow without a settings row tells people about (the column defaults of flow_alert_settings). */
const DEFAULT_SETTINGS: AlertSettings = { onFailure: true, approvalsWaitingHours: null, webhookUrl: null };

function findFlow(scope: Scope, flowId: string) {
  return findInWorkspace(scope, flows, { id: flows.id, workspace: flows.workspaceId }, flowId, "The flow");
}

export async function getSettings(scope: Scope, flowId: string): Promise<AlertSettings> {
  const flow = await findFlow(scope, flowId);
  const [row] = await scope.db
    .select({ onFailure: flowAlertSettings.onFailure, approvalsWaitingHours: flowAlertSettings.approvalsWaitingHours, webhookUrl: flowAlertSettings.webhookUrl })
    .from(flowAlertSettings)
    .where(eq(flowAlertSettings.flowId, flow.id));
  const settings = row ?? DEFAULT_SETTINGS;
  // Chat webhooks carry their secret in the path: those who may not change the settings see only where it goes.
  if (settings.webhookUrl && !hasRole(scope.role, "editor")) return { ...settings, webhookUrl: `${new URL(settings.webhookUrl).origin}/…` };
  return settings;
}

/** Stores the flow's alert settings (the webhook URL was validated by the router's schema), with an audit entry. */
export async function updateSettings(scope: Scope, input: AlertSettings & { flowId: string }): Promise<AlertSettings> {
  const flow = await findFlow(scope, input.flowId);
  const settings: AlertSettings = { onFailure: input.onFailure, approvalsWaitingHours: input.approvalsWaitingHours, webhookUrl: input.webhookUrl };
  await scope.db.transaction(async (tx) => {
    await tx
      .insert(flowAlertSettings)
      .values({ flowId: flow.id, workspaceId: scope.workspaceId, ...settings })
      .onConflictDoUpdate({ target: flowAlertSettings.flowId, set: { ...settings, updatedAt: new Date() } });
    // The audit keeps whether a webhook is set, not its URL: chat webhooks carry their secret in the path.
    await recordAudit(tx, {
      workspaceId: scope.workspaceId,
      actorId: scope.userId,
      action: "flow.alertSettings",
      targetType: "flow",
      targetId: flow.id,
      details: { onFailure: settings.onFailure, approvalsWaitingHours: settings.approvalsWaitingHours, webhook: settings.webhookUrl !== null },
    });
  });
  return settings;
}
