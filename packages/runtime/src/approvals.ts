import { auditLog, newId, type ChangeSetRules, type Database } from "@flowgate/db";
import type { HeldEntry, LineageEntry } from "@flowgate/engine";
import type { Flow } from "@flowgate/flow";
import { ApprovalReviewConfigSchema, type ApprovalReviewConfig } from "@flowgate/nodes/kinds/approval-review";
import { numericChanges } from "@flowgate/nodes/numeric-change";
import type { HttpClient } from "@flowgate/connectors/http";
import { sql } from "drizzle-orm";
import type { Tx } from "./checkpoint";
import { resolveWaitingAlerts, traceDecisions } from "./decisions";
import { enqueueResumeApproval } from "./enqueue";
import type { RuntimeLog } from "./log";
import { appLink, postChatNotice } from "./notices";

export const APPROVAL_KIND = "approval.review";

/** An approval node of the run's flow version: its settings and the rules its change set keeps. */
export interface ApprovalNode {
  label: string;
  config: ApprovalReviewConfig;
  rules: ChangeSetRules;
}

/**
 * The approval nodes of a flow version, by node id, with the rules snapshot their change sets keep
 * (the publisher of the version for the self-approval rule). Later edits of the flow do not move the
 * goalposts of a change set already made.
 */
export function approvalNodesOf(flow: Flow, publishedBy: string | null): Map<string, ApprovalNode> {
  const nodes = new Map<string, ApprovalNode>();
  for (const node of flow.nodes) {
    if (node.kind !== APPROVAL_KIND || node.disabled) continue;
    const parsed = ApprovalReviewConfigSchema.safeParse(node.config ?? {});
    // The engine refuses a node with bad settings before it runs; it then holds nothing.
    if (!parsed.success) continue;
    const config = parsed.data;
    nodes.set(node.id, {
      label: node.label,
      config,
      rules: {
        approverRole: config.approverRole,
        approvalsRequired: config.approvalsRequired,
        allowPublisher: config.allowPublisher,
        publishedBy,
        timeoutHours: config.timeoutHours ?? null,
        timeoutAction: config.timeoutAction,
      },
    });
  }
  return nodes;
}

export interface HeldItemsTarget {
  workspaceId: string;
  flowId: string;
  /** The rules of each approval node (approvalNodesOf). */
  approvalNodes: ReadonlyMap<string, Pick<ApprovalNode, "rules">>;
}

/**
 * Stores what approval nodes held in a checkpoint as items of the run's change sets (one per run and
 * node, made with its first item): held records wait as `pending`; those a rule decided are recorded
 * approved or rejected and applied (they went on in the same batch). A batch stored again (a resumed
 * run) updates its items while they are still pending, and leaves decided ones alone. One statement
 * per node: the items travel as one JSON parameter.
 */
export async function writeHeldItems(tx: Tx, runId: string, held: readonly HeldEntry[], target: HeldItemsTarget): Promise<void> {
  if (held.length === 0) return;
  const byNode = new Map<string, Map<string, HeldEntry>>();
  // The last change of a key in a checkpoint wins (one statement cannot update a row twice).
  for (const entry of held) {
    let items = byNode.get(entry.nodeId);
    if (!items) byNode.set(entry.nodeId, (items = new Map()));
    items.delete(entry.key);
    items.set(entry.key, entry);
  }
  for (const [nodeId, items] of byNode) {
    const node = target.approvalNodes.get(nodeId);
    if (!node) throw new Error(`The node “${nodeId}” held records, but it is not an approval node of this flow version.`);
    const changeSetId = await ensureChangeSet(tx, runId, nodeId, node.rules, target);
    const rows = [...items.values()].map((h) => ({
      key: h.key,
      op: h.op,
      before: h.before ?? null,
      after: h.after ?? null,
      changed_fields: h.changedFields,
      numeric_changes: numericChanges(h.before, h.after),
      record: h.record,
      status: h.decisionSource === undefined ? "pending" : h.decisionSource === "auto-approve" ? "approved" : "rejected",
      decision_source: h.decisionSource ?? null,
    }));
    await tx.execute(sql`
      insert into change_set_items (change_set_id, key, op, before, after, changed_fields, numeric_changes, record, status, decision_source, decided_at, applied_at)
      select ${changeSetId}, i.key, i.op, i.before, i.after,
        i.changed_fields, i.numeric_changes, i.record, i.status, i.decision_source,
        case when i.decision_source is null then null else now() end,
        case when i.decision_source is null then null else now() end
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as i(key text, op text, before jsonb, after jsonb, changed_fields text[], numeric_changes jsonb, record jsonb, status text, decision_source text)
      on conflict (change_set_id, key) do update set
        op = excluded.op, before = excluded.before, after = excluded.after, changed_fields = excluded.changed_fields, numeric_changes = excluded.numeric_changes,
        record = excluded.record, status = excluded.status, decision_source = excluded.decision_source,
        decided_at = excluded.decided_at, applied_at = excluded.applied_at
      where change_set_items.status = 'pending'`);
  }
}

/** The run's change set of the node, made on its first item (deadline from the node's timeout). */
async function ensureChangeSet(tx: Tx, runId: string, nodeId: string, rules: ChangeSetRules, target: HeldItemsTarget): Promise<string> {
  const result = await tx.execute<{ id: string }>(sql`
    insert into change_sets (id, workspace_id, flow_id, run_id, node_id, rules, deadline_at)
    values (${newId()}, ${target.workspaceId}, ${target.flowId}, ${runId}, ${nodeId}, ${JSON.stringify(rules)}::jsonb,
      now() + ${rules.timeoutHours}::float8 * interval '1 hour')
    on conflict (run_id, node_id) do update set node_id = excluded.node_id
    returning id`);
  return result.rows[0]!.id;
}

/** What a rule decided at once, as lineage at the approval node (other decisions are traced as they are made: traceDecisions). */
export function ruleLineage(held: readonly HeldEntry[]): LineageEntry[] {
  const entries: LineageEntry[] = [];
  for (const h of held) {
    if (h.decisionSource === undefined) continue;
    const approved = h.decisionSource === "auto-approve";
    entries.push({
      nodeId: h.nodeId,
      key: h.key,
      op: approved ? "approve" : "reject",
      outcome: "decided",
      record: h.record,
      detail: approved ? "approved by the node's auto-approve rule" : "rejected by the node's auto-reject rule",
      batchIndex: h.batchIndex,
    });
  }
  return entries;
}

export interface ChangeSetProgress {
  id: string;
  nodeId: string;
  pending: number;
  /** Decided (by a person, a rule or the timeout) but not yet sent on by a resume. */
  unapplied: number;
}

/** The run's change sets with what still waits for a person and what waits for a resume. */
export async function changeSetProgress(tx: Pick<Tx, "execute">, runId: string): Promise<ChangeSetProgress[]> {
  const result = await tx.execute<{ id: string; node_id: string; pending: number; unapplied: number }>(sql`
    select cs.id, cs.node_id,
      (select count(*)::int from change_set_items i where i.change_set_id = cs.id and i.status = 'pending') as pending,
      (select count(*)::int from change_set_items i where i.change_set_id = cs.id and i.status <> 'pending' and i.applied_at is null) as unapplied
    from change_sets cs where cs.run_id = ${runId}
    order by cs.created_at, cs.id`);
  return result.rows.map((r) => ({ id: r.id, nodeId: r.node_id, pending: r.pending, unapplied: r.unapplied }));
}

/** Change sets with nothing pending and nothing left to send on are decided; their "changes wait" alerts are resolved. */
export async function closeDecidedChangeSets(tx: Pick<Tx, "execute">, sets: readonly ChangeSetProgress[]): Promise<void> {
  const done = sets.filter((s) => s.pending === 0 && s.unapplied === 0).map((s) => s.id);
  if (done.length === 0) return;
  await tx.execute(sql`
    with closed as (
      update change_sets set status = 'decided', decided_at = coalesce(decided_at, now())
      where id = any(array(select jsonb_array_elements_text(${JSON.stringify(done)}::jsonb))) and status = 'pending'
      returning id
    )
    ${resolveWaitingAlerts(sql`closed`)}`);
}

/** Tells a chat tool that changes wait, through the runtime's guarded HTTP client. Best effort. */
export async function notifyWaitingChanges(
  http: HttpClient,
  log: RuntimeLog,
  notice: { url: string; flowName: string; pending: number; changeSetId: string; appUrl: string },
): Promise<void> {
  const link = appLink(notice.appUrl, `/approvals/${notice.changeSetId}`);
  const text = `${notice.flowName}: ${notice.pending} ${notice.pending === 1 ? "change waits" : "changes wait"} for approval: ${link}`;
  await postChatNotice(http, log, { url: notice.url, text }, { changeSetId: notice.changeSetId });
}

/**
 * Change sets past their deadline with items still pending: each such item meets the change set's
 * timeout action (approve, reject or expire; decided by "timeout"), and a resume sends them on, in
 * one transaction. Run every minute by sweep-runs; a change set being decided at this moment is
 * skipped (its row is locked) and looked at again next minute.
 */
export async function applyApprovalTimeouts(db: Database, options: { now?: Date; log?: RuntimeLog } = {}): Promise<{ changeSetId: string; items: number }[]> {
  const now = (options.now ?? new Date()).toISOString();
  const timedOut = await db.transaction(async (tx) => {
    const result = await tx.execute<{ id: string; workspace_id: string; action: string; items: number }>(sql`
      with due as (
        select cs.id, cs.workspace_id, coalesce(cs.rules->>'timeoutAction', 'expire') as action
        from change_sets cs
        where cs.status = 'pending' and cs.deadline_at < ${now}::timestamptz
          and exists (select 1 from change_set_items i where i.change_set_id = cs.id and i.status = 'pending')
        order by cs.deadline_at
        for update of cs skip locked
      ), decided as (
        update change_set_items i
        set status = case d.action when 'approve' then 'approved' when 'reject' then 'rejected' else 'expired' end,
            decision_source = 'timeout', decided_at = now()
        from due d
        where i.change_set_id = d.id and i.status = 'pending'
        returning i.change_set_id, i.key, i.record, i.status, i.decision_source, i.approvals, i.comment, null::text as actor_id
      ), trace as (${traceDecisions(sql`decided`)})
      select d.id, d.workspace_id, d.action, (select count(*)::int from decided x where x.change_set_id = d.id) as items from due d order by d.id`);
    for (const row of result.rows) await enqueueResumeApproval(tx, row.id);
    if (result.rows.length > 0) {
      // The audit trail has every decision, the deadline's too (no person: actor null).
      await tx.insert(auditLog).values(
        result.rows.map((row) => ({
          id: newId(),
          workspaceId: row.workspace_id,
          actorId: null,
          action: "changeSet.timeout",
          targetType: "changeSet",
          targetId: row.id,
          details: { decided: row.items, timeoutAction: row.action },
        })),
      );
    }
    return result.rows.map((row) => ({ changeSetId: row.id, items: row.items }));
  });
  for (const set of timedOut) options.log?.info(set, "approvals: the deadline passed; the timeout action was applied to the undecided items");
  return timedOut;
}
