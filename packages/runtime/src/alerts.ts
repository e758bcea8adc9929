import { alerts, newId, type Database } from "@flowgate/db";
import { sql } from "drizzle-orm";
import { recordRunEnded, plural, type RunEnd } from "./history";
import type { RuntimeLog } from "./log";
import { appLink, postChatNotice } from "./notices";
import type { RuntimeServices } from "./services";

/*
 * Alerts are raised and resolved here, by the runtime, where runs end and change sets are decided;
 * the API only lists them, marks them read and keeps their settings (flow_alert_settings; a flow
 * without a row uses the defaults: alert on failure, no waiting alert, no webhook).
 */

type Executor = Pick<Database, "execute" | "insert">;

export interface RunRef {
  id: string;
  workspaceId: string;
  flowId: string;
}

/** A chat notice owed for an alert that just opened (sent after its transaction commits). */
export interface AlertNotice {
  alertId: string;
  workspaceId: string;
  /** The run the alert is about (the HTTP client is taken for it). */
  runId: string;
  webhookUrl: string;
  /** One line, without the link. */
  text: string;
  /** The link's path in Flowgate: `/runs/<id>` or `/approvals/<id>`. */
  path: string;
}

/** What sending notices needs: the runtime's guarded HTTP client and the address people reach Flowgate at. */
export interface AlertNotifier {
  services: Pick<RuntimeServices, "forRun">;
  appUrl: string;
  log: RuntimeLog;
}

/**
 * A run ended: its log says how, and the flow's failure alert follows. A failure raises the alert, or
 * counts one more occurrence of the one already open (one open failure alert per flow until it
 * recovers); a success (with or without record errors) resolves it; a cancel changes nothing. Call
 * it in the transaction that ends the run; answers the notices to send once it commits.
 */
export async function announceRunEnd(tx: Executor, run: RunRef, end: RunEnd): Promise<AlertNotice[]> {
  await recordRunEnded(tx, run.id, end);
  if (end.status === "succeeded" || end.status === "succeeded_with_errors") {
    await tx.execute(sql`update alerts set status = 'resolved', resolved_at = now() where flow_id = ${run.flowId} and kind = 'run_failed' and status = 'open'`);
    return [];
  }
  if (end.status !== "failed") return [];
  const reason = end.error?.message ?? "The run stopped without saying why.";
  const { rows } = await tx.execute<{ id: string; occurrences: number; name: string; webhook_url: string | null }>(sql`
    with flow as (
      select f.name, coalesce(s.on_failure, true) as on_failure, s.webhook_url
      from flows f left join flow_alert_settings s on s.flow_id = f.id
      where f.id = ${run.flowId}
    )
    insert into alerts as a (id, workspace_id, flow_id, kind, title, message, last_run_id)
    select ${newId()}, ${run.workspaceId}, ${run.flowId}, 'run_failed', flow.name || ' failed',
      ${`The last run failed: ${reason}`}, ${run.id}
    from flow where flow.on_failure
    on conflict (flow_id) where kind = 'run_failed' and status = 'open'
    do update set occurrences = a.occurrences + 1, last_at = now(), last_run_id = excluded.last_run_id, message = excluded.message
    returning a.id, a.occurrences, (select name from flow) as name, (select webhook_url from flow) as webhook_url`);
  const alert = rows[0];
  // A grouped failure tells the chat tool nothing new: only the alert's opening does.
  if (!alert || alert.occurrences !== 1 || !alert.webhook_url) return [];
  return [
    {
      alertId: alert.id,
      workspaceId: run.workspaceId,
      runId: run.id,
      webhookUrl: alert.webhook_url,
      text: `${alert.name} failed: ${reason.split("\n")[0]}`,
      path: `/runs/${run.id}`,
    },
  ];
}

/**
 * Change sets that have waited longer than their flow's `approvals_waiting_hours` with changes still
 * undecided get one alert each (run every minute by sweep-runs, with its clock). Alerts whose change
 * set was decided meanwhile are resolved first: closing a change set resolves its alert, and this
 * catches one raised in the moment it closed. Answers the notices to send.
 */
export async function raiseApprovalsWaitingAlerts(db: Pick<Database, "execute" | "insert">, options: { now?: Date } = {}): Promise<AlertNotice[]> {
  const now = (options.now ?? new Date()).toISOString();
  await db.execute(sql`
    update alerts a set status = 'resolved', resolved_at = now()
    from change_sets cs
    where a.change_set_id = cs.id and a.kind = 'approvals_waiting' and a.status = 'open' and cs.status <> 'pending'`);
  const { rows: due } = await db.execute<{
    id: string;
    workspace_id: string;
    flow_id: string;
    run_id: string;
    name: string;
    hours: number;
    webhook_url: string | null;
    pending: number;
  }>(sql`
    select cs.id, cs.workspace_id, cs.flow_id, cs.run_id, f.name, s.approvals_waiting_hours as hours, s.webhook_url,
      (select count(*)::int from change_set_items i where i.change_set_id = cs.id and i.status = 'pending') as pending
    from flow_alert_settings s
    join change_sets cs on cs.workspace_id = s.workspace_id and cs.status = 'pending' and cs.flow_id = s.flow_id
    join flows f on f.id = s.flow_id
    where s.approvals_waiting_hours is not null
      and cs.created_at <= ${now}::timestamptz - s.approvals_waiting_hours * interval '1 hour'
      and not exists (select 1 from alerts a where a.change_set_id = cs.id and a.kind = 'approvals_waiting')
    order by cs.created_at`);
  const notices: AlertNotice[] = [];
  for (const set of due) {
    if (set.pending === 0) continue;
    const waiting = `${plural(set.pending, "change")} ${set.pending === 1 ? "has" : "have"} waited more than ${plural(set.hours, "hour")} for approval`;
    const [alert] = await db
      .insert(alerts)
      .values({
        id: newId(),
        workspaceId: set.workspace_id,
        flowId: set.flow_id,
        kind: "approvals_waiting",
        title: `${set.name}: changes wait for approval`,
        message: `${waiting}. Open the change set to approve or reject them; the run sends the approved ones on.`,
        lastRunId: set.run_id,
        changeSetId: set.id,
      })
      // One alert per change set, ever (the unique index); a second sweep at the same moment adds none.
      .onConflictDoNothing()
      .returning({ id: alerts.id });
    if (alert && set.webhook_url) {
      notices.push({ alertId: alert.id, workspaceId: set.workspace_id, runId: set.run_id, webhookUrl: set.webhook_url, text: `${set.name}: ${waiting}:`, path: `/approvals/${set.id}` });
    }
  }
  return notices;
}

/** Posts each notice with its link, best effort: a chat tool that is down fails nothing. */
export async function sendAlertNotices(notifier: AlertNotifier | undefined, notices: readonly AlertNotice[]): Promise<void> {
  if (!notifier) return;
  for (const notice of notices) {
    const http = notifier.services.forRun({ id: notice.runId, workspaceId: notice.workspaceId }).http;
    await postChatNotice(http, notifier.log, { url: notice.webhookUrl, text: `${notice.text} ${appLink(notifier.appUrl, notice.path)}` }, { alertId: notice.alertId });
  }
}
