import type { Database } from "@flowgate/db";
import { sql, type SQL } from "drizzle-orm";

/*
 * Decisions on change set items that are not a person's click in the inbox but happen in SQL, in the
 * caller's transaction, and their lineage: shared by the API (decide, cancel) and the runtime
 * (deadlines, runs that end). Small on purpose: the API bundles it.
 */

type Executor = Pick<Database, "execute">;

/**
 * The lineage of decisions as they are made: a row per item at its approval node, saying who or
 * what decided (a person with their comment, the deadline, the end of the run). `decided` is a set
 * of rows with the item's change_set_id, key, record, status, decision_source, approvals, comment,
 * and actor_id (the person deciding; null for the deadline and the run's end). A pending row is one
 * person's approval of N required.
 */
export function traceDecisions(decided: SQL): SQL {
  return sql`
    insert into lineage (workspace_id, flow_id, run_id, node_id, key, op, outcome, record, detail)
    select cs.workspace_id, cs.flow_id, cs.run_id, cs.node_id, d.key,
      case d.status when 'rejected' then 'reject' when 'expired' then 'expire' else 'approve' end,
      'decided', d.record,
      case
        when d.decision_source = 'timeout' and d.status = 'expired' then 'expired: nobody decided before the deadline'
        when d.decision_source = 'timeout' then d.status || ' when the deadline passed'
        when d.decision_source = 'run-ended' then 'expired: the run ended before anyone decided'
        when d.status = 'pending' then concat('approval ', d.approvals, ' of ', cs.rules->>'approvalsRequired', ' by ', coalesce(u.name, 'a person'), ': ' || d.comment)
        else concat(d.status, ' by ', coalesce(u.name, 'a person'), ': ' || d.comment)
      end
    from ${decided} d
    join change_sets cs on cs.id = d.change_set_id
    left join users u on u.id = d.actor_id`;
}

/**
 * Resolves the "changes wait for approval" alerts of change sets just decided: `closed` is a set of
 * rows with the change set's id (a CTE of the caller's statement, which sees the alerts as they were).
 */
export function resolveWaitingAlerts(closed: SQL): SQL {
  return sql`
    update alerts set status = 'resolved', resolved_at = now()
    where kind = 'approvals_waiting' and status = 'open' and change_set_id in (select id from ${closed})`;
}

/**
 * Change sets whose run ended without them (failed or cancelled): nothing will send their items on,
 * so what still waits expires (decided by "run-ended", in the lineage) and the change set closes,
 * leaving the inbox and its badge (and their waiting alerts are resolved). For one run (where it ends) or for every such run (the sweep's
 * backstop). A change set being decided or timed out at this moment is skipped and closed next time.
 */
export async function closeChangeSetsOfEndedRuns(db: Executor, options: { runId?: string } = {}): Promise<{ changeSets: number; items: number }> {
  const { rows } = await db.execute<{ change_sets: number; items: number }>(sql`
    with ended as (
      select cs.id
      from change_sets cs join runs r on r.id = cs.run_id
      where cs.status = 'pending' and r.status in ('failed', 'cancelled') ${options.runId === undefined ? sql`` : sql`and cs.run_id = ${options.runId}`}
      for update of cs skip locked
    ), expired as (
      update change_set_items i
      set status = 'expired', decision_source = 'run-ended', decided_at = now(), applied_at = now()
      from ended e
      where i.change_set_id = e.id and i.status = 'pending'
      returning i.change_set_id, i.key, i.record, i.status, i.decision_source, i.approvals, i.comment, null::text as actor_id
    ), trace as (${traceDecisions(sql`expired`)}
    ), closed as (
      update change_sets s set status = 'decided', decided_at = now() from ended e where s.id = e.id returning s.id
    ), resolved as (${resolveWaitingAlerts(sql`closed`)}
    )
    select (select count(*)::int from closed) as change_sets, (select count(*)::int from expired) as items`);
  return { changeSets: rows[0]?.change_sets ?? 0, items: rows[0]?.items ?? 0 };
}
