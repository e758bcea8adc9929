import { changeSets, ROLES, type ChangeItemStatus, type ChangeOp, type ChangeSetRules, type ChangeSetStatus, type Database, type Role } from "@flowgate/db";
import { traceDecisions } from "@flowgate/runtime/decisions";
import { enqueueResumeApproval } from "@flowgate/runtime/enqueue";
import { TRPCError } from "@trpc/server";
import { and, eq, sql, type SQL } from "drizzle-orm";
import { hasRole } from "../trpc";
import { recordAudit } from "./audit";
import { decodeTimeCursor, encodeTimeCursor } from "./paging";
import { notFound, type Scope } from "./scope";

export const SELF_APPROVAL_REASON = "You published this flow; its changes need someone else's approval.";

/** What `decide` reports as already decided: enough to say who was first, not a copy of the change set. */
const ALREADY_DECIDED_SHOWN = 100;
/** Items `get` reads to tell which fields hold numbers on both sides (for the numeric filter's picker). */
const NUMERIC_SAMPLE = 500;
/** Two decisions over overlapping filters can still lock rows in different orders (items added meanwhile): retried. */
const DEADLOCK_RETRIES = 3;

const iso = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

function anArticle(role: Role): string {
  return `${role === "viewer" ? "a" : "an"} ${role}`;
}

/** Why the caller may not decide a change set's items (null: they may). */
function cannotDecideReason(scope: Pick<Scope, "role" | "userId">, rules: ChangeSetRules): string | null {
  if (scope.role === "viewer") {
    return "You are a viewer in this workspace, and viewers cannot decide changes. Ask an admin to change your role, or someone who may to decide them.";
  }
  if (!hasRole(scope.role, rules.approverRole)) {
    return `Only ${anArticle(rules.approverRole)} or higher may decide these changes; you are ${anArticle(scope.role)} in this workspace. Ask an admin to change your role, or someone who may to decide them.`;
  }
  if (!rules.allowPublisher && rules.publishedBy === scope.userId) return SELF_APPROVAL_REASON;
  return null;
}

/** The same rule in SQL, over change sets `s`: the approver roles the caller reaches, and the self-approval rule. */
function mayDecideSql(scope: Pick<Scope, "role" | "userId">): SQL {
  const reached = ROLES.filter((role) => hasRole(scope.role, role));
  return sql`(s.rules->>'approverRole' in (${sql.join(
    reached.map((role) => sql`${role}`),
    sql`, `,
  )}) and (coalesce((s.rules->>'allowPublisher')::boolean, true) or s.rules->>'publishedBy' is distinct from ${scope.userId}))`;
}

// ---------------------------------------------------------------------------------------------
// Change sets

interface SummaryRow extends Record<string, unknown> {
  id: string;
  flow_id: string;
  flow_name: string;
  run_id: string;
  node_id: string;
  node_label: string;
  status: ChangeSetStatus;
  created_at: string;
  cursor_at: string;
  deadline_at: string | null;
  rules: ChangeSetRules;
}

/** Change sets of the workspace with the columns a summary shows; the label comes from the run's pinned version. */
async function selectSummaries(db: Database, where: SQL, limit: number): Promise<SummaryRow[]> {
  const { rows } = await db.execute<SummaryRow>(sql`
    select s.id, s.flow_id, f.name as flow_name, s.run_id, s.node_id,
      coalesce((select n->>'label' from jsonb_array_elements(v.document->'nodes') n where n->>'id' = s.node_id limit 1), s.node_id) as node_label,
      s.status, ${iso(sql`s.created_at`)} as created_at, s.created_at::text as cursor_at, ${iso(sql`s.deadline_at`)} as deadline_at, s.rules
    from change_sets s
    join flows f on f.id = s.flow_id
    left join runs r on r.id = s.run_id
    left join flow_versions v on v.id = r.flow_version_id
    where ${where}
    order by s.created_at desc, s.id desc
    limit ${limit}`);
  return rows;
}

type OpCounts = Record<ChangeOp, number>;
type StatusCounts = Record<ChangeItemStatus, number>;

/** Items by status and pending items by operation, of these change sets, in one grouped query. */
async function countsOf(db: Database, ids: string[]): Promise<Map<string, { pending: OpCounts; counts: StatusCounts }>> {
  const result = new Map(ids.map((id) => [id, { pending: { create: 0, update: 0, delete: 0 }, counts: { pending: 0, approved: 0, rejected: 0, expired: 0 } }]));
  if (ids.length === 0) return result;
  const { rows } = await db.execute<{ change_set_id: string; status: ChangeItemStatus; op: ChangeOp; n: number }>(sql`
    select change_set_id, status, op, count(*)::int as n
    from change_set_items
    where change_set_id = any(${sql.param(ids)}::text[])
    group by change_set_id, status, op`);
  for (const row of rows) {
    const entry = result.get(row.change_set_id);
    if (!entry) continue;
    entry.counts[row.status] = (entry.counts[row.status] ?? 0) + row.n;
    if (row.status === "pending") entry.pending[row.op] = (entry.pending[row.op] ?? 0) + row.n;
  }
  return result;
}

async function summaries(scope: Scope, rows: SummaryRow[]) {
  const counts = await countsOf(
    scope.db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => {
    const reason = cannotDecideReason(scope, row.rules);
    return {
      id: row.id,
      flowId: row.flow_id,
      flowName: row.flow_name,
      runId: row.run_id,
      nodeId: row.node_id,
      nodeLabel: row.node_label,
      status: row.status,
      createdAt: row.created_at,
      deadlineAt: row.deadline_at,
      ...counts.get(row.id)!,
      approverRole: row.rules.approverRole,
      approvalsRequired: row.rules.approvalsRequired,
      canDecide: reason === null,
      cannotDecideReason: reason,
    };
  });
}

/** Change sets across flows, newest first, in pages (the (workspace_id, status, created_at) index serves every page alike). */
export async function listChangeSets(scope: Scope, input: { status?: ChangeSetStatus; cursor?: string; limit: number }) {
  const conditions: SQL[] = [sql`s.workspace_id = ${scope.workspaceId}`, sql`s.status = ${input.status ?? "pending"}`];
  if (input.cursor) {
    const { at, id } = decodeTimeCursor(input.cursor, "the approvals list");
    conditions.push(sql`(s.created_at, s.id) < (${at}::timestamptz, ${id})`);
  }
  const rows = await selectSummaries(scope.db, sql.join(conditions, sql` and `), input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    items: await summaries(scope, page),
    nextCursor: rows.length > input.limit && last ? encodeTimeCursor({ at: last.cursor_at, id: last.id }) : null,
  };
}

/** The navigation badge: pending items (and their change sets) the caller may decide. */
export async function pendingCount(scope: Scope): Promise<{ changeSets: number; items: number }> {
  if (scope.role === "viewer") return { changeSets: 0, items: 0 };
  const { rows } = await scope.db.execute<{ change_sets: number; items: number }>(sql`
    select count(distinct s.id)::int as change_sets, count(i.id)::int as items
    from change_sets s
    join change_set_items i on i.change_set_id = s.id and i.status = 'pending'
    where s.workspace_id = ${scope.workspaceId} and s.status = 'pending' and ${mayDecideSql(scope)}`);
  return { changeSets: rows[0]?.change_sets ?? 0, items: rows[0]?.items ?? 0 };
}

/** One change set's summary, with the fields its items changed and those holding numbers (the filters' pickers). */
export async function getChangeSet(scope: Scope, changeSetId: string) {
  const rows = await selectSummaries(scope.db, sql`s.id = ${changeSetId} and s.workspace_id = ${scope.workspaceId}`, 1);
  if (rows.length === 0) throw notFound("The change set");
  const [[summary], changed, numeric] = await Promise.all([
    summaries(scope, rows),
    scope.db.execute<{ field: string }>(sql`
      select f.field
      from change_set_items i cross join lateral unnest(i.changed_fields) as f(field)
      where i.change_set_id = ${changeSetId}
      group by f.field
      order by f.field collate "C"`),
    scope.db.execute<{ field: string }>(sql`
      select f.field
      from (select numeric_changes from change_set_items where change_set_id = ${changeSetId} order by id limit ${NUMERIC_SAMPLE}) i
      cross join lateral jsonb_object_keys(i.numeric_changes) as f(field)
      group by f.field
      order by f.field collate "C"`),
  ]);
  return { ...summary!, changedFields: changed.rows.map((r) => r.field), numericFields: numeric.rows.map((r) => r.field) };
}

async function findChangeSet(scope: Scope, changeSetId: string) {
  const [row] = await scope.db
    .select()
    .from(changeSets)
    .where(and(eq(changeSets.id, changeSetId), eq(changeSets.workspaceId, scope.workspaceId)))
    .limit(1);
  if (!row) throw notFound("The change set");
  return row;
}

// ---------------------------------------------------------------------------------------------
// Items

export interface ItemFilter {
  status?: ChangeItemStatus;
  op?: ChangeOp;
  changedField?: string;
  text?: string;
  numeric?: { field: string; minPercent?: number; maxPercent?: number; minAbsolute?: number };
}

/** Item `i`'s stored change of a numeric field (numeric_changes): the percent, either direction; null where it is not a number on both sides. */
function changePercent(field: string): SQL {
  return sql`((i.numeric_changes -> ${field}::text ->> 'pct')::float8)`;
}

/** Item `i`'s stored change of a numeric field: after − before, as an amount either direction. */
function changeAmount(field: string): SQL {
  return sql`abs((i.numeric_changes -> ${field}::text ->> 'delta')::float8)`;
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The conditions selecting a change set's items `i` by a filter (in SQL: a change set can hold 100,000). */
function itemSelection(changeSetId: string, filter: ItemFilter, options: { ignoreStatus?: boolean } = {}): SQL[] {
  const conditions: SQL[] = [sql`i.change_set_id = ${changeSetId}`];
  if (filter.status && !options.ignoreStatus) conditions.push(sql`i.status = ${filter.status}`);
  if (filter.op) conditions.push(sql`i.op = ${filter.op}`);
  if (filter.changedField) conditions.push(sql`${filter.changedField}::text = any(i.changed_fields)`);
  if (filter.text) {
    const pattern = `%${escapeLike(filter.text)}%`;
    conditions.push(sql`(i.key ilike ${pattern} or i.after->>'name' ilike ${pattern} or i.before->>'name' ilike ${pattern})`);
  }
  if (filter.numeric) {
    const { field, minPercent, maxPercent, minAbsolute } = filter.numeric;
    const pct = changePercent(field);
    conditions.push(sql`${pct} is not null`);
    if (minPercent !== undefined) conditions.push(sql`${pct} >= ${minPercent}::float8`);
    if (maxPercent !== undefined) conditions.push(sql`${pct} <= ${maxPercent}::float8`);
    if (minAbsolute !== undefined) conditions.push(sql`${changeAmount(field)} >= ${minAbsolute}::float8`);
  }
  return conditions;
}

export interface ListItemsInput {
  changeSetId: string;
  filter: ItemFilter;
  sort: "id" | "key" | "change";
  sortField?: string;
  cursor?: string;
  limit: number;
}

type ItemCursor = { sort: "id"; id: number } | { sort: "key"; key: string; id: number } | { sort: "change"; field: string; pct: string | null; id: number };

function encodeItemCursor(cursor: ItemCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

/** The cursor of this sort (and sort field), or BAD_REQUEST: one from another order would skip or repeat items. */
function decodeItemCursor(cursor: string, sort: ListItemsInput["sort"], sortField: string | undefined): ItemCursor {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Record<string, unknown>;
    if (value.sort === sort && Number.isSafeInteger(value.id)) {
      if (sort === "id") return value as ItemCursor;
      if (sort === "key" && typeof value.key === "string") return value as ItemCursor;
      if (sort === "change" && value.field === sortField && (value.pct === null || typeof value.pct === "string")) return value as ItemCursor;
    }
  } catch {
    // fall through
  }
  throw new TRPCError({ code: "BAD_REQUEST", message: "This page of changes is no longer valid (the sort or the list changed). Reload the list." });
}

interface ItemRow extends Record<string, unknown> {
  id: string;
  key: string;
  op: ChangeOp;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  changed_fields: string[];
  status: ChangeItemStatus;
  approvals: number;
  decided_by_name: string | null;
  decision_source: string | null;
  comment: string | null;
  decided_at: string | null;
  sort_pct_text: string | null;
}

/** A change set's items, filtered, sorted (id, key, or largest change first) and paged on the server, with the total. */
export async function listItems(scope: Scope, input: ListItemsInput) {
  const set = await findChangeSet(scope, input.changeSetId);
  if (input.sort === "change" && !input.sortField) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "Sorting by change needs a numeric field: say whose change orders the list (sortField), e.g. price." });
  }
  const conditions = itemSelection(set.id, input.filter);
  const pageConditions = [...conditions];
  let order: SQL;
  let outerOrder: SQL;
  let sortPct: SQL = sql`null::float8`;
  const cursor = input.cursor ? decodeItemCursor(input.cursor, input.sort, input.sortField) : undefined;
  if (input.sort === "id") {
    order = sql`i.id`;
    outerOrder = sql`p.id`;
    if (cursor?.sort === "id") pageConditions.push(sql`i.id > ${cursor.id}`);
  } else if (input.sort === "key") {
    order = sql`i.key collate "C", i.id`;
    outerOrder = sql`p.key collate "C", p.id`;
    if (cursor?.sort === "key") pageConditions.push(sql`(i.key collate "C", i.id) > (${cursor.key}::text collate "C", ${cursor.id}::bigint)`);
  } else {
    const pct = changePercent(input.sortField!);
    sortPct = pct;
    order = sql`${pct} desc nulls last, i.id`;
    outerOrder = sql`p.sort_pct desc nulls last, p.id`;
    if (cursor?.sort === "change") {
      pageConditions.push(
        cursor.pct === null
          ? sql`${pct} is null and i.id > ${cursor.id}`
          : sql`(${pct} < ${cursor.pct}::float8 or (${pct} = ${cursor.pct}::float8 and i.id > ${cursor.id}) or ${pct} is null)`,
      );
    }
  }
  const [page, total] = await Promise.all([
    scope.db.execute<ItemRow>(sql`
      select p.*, p.sort_pct::text as sort_pct_text, u.name as decided_by_name
      from (
        select i.id, i.key, i.op, i.before, i.after, i.changed_fields, i.status, i.approvals, i.decided_by, i.decision_source, i.comment,
          ${iso(sql`i.decided_at`)} as decided_at, ${sortPct} as sort_pct
        from change_set_items i
        where ${sql.join(pageConditions, sql` and `)}
        order by ${order}
        limit ${input.limit + 1}
      ) p
      left join users u on u.id = p.decided_by
      order by ${outerOrder}`),
    scope.db.execute<{ n: number }>(sql`
      select count(*)::int as n from change_set_items i where ${sql.join(conditions, sql` and `)}`),
  ]);
  const rows = page.rows.slice(0, input.limit);
  const last = rows[rows.length - 1];
  let nextCursor: string | null = null;
  if (page.rows.length > input.limit && last) {
    const id = Number(last.id);
    nextCursor = encodeItemCursor(
      input.sort === "id" ? { sort: "id", id } : input.sort === "key" ? { sort: "key", key: last.key, id } : { sort: "change", field: input.sortField!, pct: last.sort_pct_text, id },
    );
  }
  return {
    items: rows.map((row) => ({
      id: Number(row.id),
      key: row.key,
      op: row.op,
      before: row.before,
      after: row.after,
      changedFields: row.changed_fields,
      status: row.status,
      approvals: row.approvals,
      decidedByName: row.decided_by_name,
      decisionSource: row.decision_source,
      comment: row.comment,
      decidedAt: row.decided_at,
    })),
    total: total.rows[0]?.n ?? 0,
    nextCursor,
  };
}

// ---------------------------------------------------------------------------------------------
// Decisions

export interface DecideInput {
  changeSetId: string;
  decision: "approve" | "reject";
  ids?: number[];
  filter?: ItemFilter;
  comment?: string;
}

type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

function isDeadlock(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === "40P01") return true;
  }
  return false;
}

/**
 * Approves or rejects the pending items named by ids, a filter, or both (the items matching both;
 * the filter's status is ignored: only pending items are decided). In one transaction: the items are
 * locked in id order first, so a second caller waits and then finds them decided (reported with who
 * decided them); with N approvals required, each person's approval is a decision row and an item is
 * approved when N distinct people approved it. Lineage, the audit row and the resume job go with it.
 */
export async function decide(scope: Scope, input: DecideInput) {
  const set = await findChangeSet(scope, input.changeSetId);
  const reason = cannotDecideReason(scope, set.rules);
  if (reason) throw new TRPCError({ code: "FORBIDDEN", message: reason });
  if (!input.ids && !input.filter) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "Say which changes to decide: pick them (ids), or describe them with a filter." });
  }
  for (let attempt = 0; ; attempt++) {
    try {
      return await scope.db.transaction((tx) => decideIn(tx, scope, set, input));
    } catch (error) {
      if (attempt < DEADLOCK_RETRIES && isDeadlock(error)) continue;
      throw error;
    }
  }
}

async function decideIn(tx: Transaction, scope: Scope, set: typeof changeSets.$inferSelect, input: DecideInput) {
  const conditions = itemSelection(set.id, input.filter ?? {}, { ignoreStatus: true });
  if (input.ids) conditions.push(sql`i.id = any(${sql.param(input.ids)}::bigint[])`);
  const from = sql`change_set_items i`;
  const target = sql.join(conditions, sql` and `);
  const comment = input.comment || null;

  // 1. Lock the pending items in id order: a concurrent caller waits here, then finds them decided.
  await tx.execute(sql`
    with locked as (select i.id from ${from} where ${target} and i.status = 'pending' order by i.id for update of i)
    select count(*) from locked`);

  // 2. What someone decided first (a fresh snapshot: it sees what a caller we waited for committed).
  const already = await tx.execute<{ id: string; key: string; status: ChangeItemStatus; by_name: string | null }>(sql`
    select i.id, i.key, i.status, u.name as by_name
    from ${from} left join users u on u.id = i.decided_by
    where ${target} and i.status <> 'pending'
    order by i.id
    limit ${ALREADY_DECIDED_SHOWN}`);

  // 3. Decide, and trace each decision in the lineage, in one statement.
  const approve = input.decision === "approve";
  const traced = sql`x.change_set_id, x.key, x.record, x.status, x.decision_source, x.approvals, ${comment}::text as comment, ${scope.userId}::text as actor_id`;
  const pending = sql`select i.id from ${from} where ${target} and i.status = 'pending'`;
  let decided: number;
  let recorded = 0;
  if (approve && set.rules.approvalsRequired > 1) {
    // N of M: one decision row per person (a second click adds nothing); counted after the locks, so
    // a person we waited for counts too. Rows inserted by this statement are not in its snapshot: + 1.
    const { rows } = await tx.execute<{ decided: number; recorded: number }>(sql`
      with added as (
        insert into change_set_decisions (item_id, change_set_id, user_id, decision, comment)
        select t.id, ${set.id}, ${scope.userId}, 'approve', ${comment}::text from (${pending}) t
        on conflict (item_id, user_id) do nothing
        returning item_id
      ), counted as (
        select a.item_id, 1 + coalesce(o.n, 0) as n
        from added a
        left join (
          select d.item_id, count(*)::int as n from change_set_decisions d where d.change_set_id = ${set.id} and d.decision = 'approve' group by d.item_id
        ) o on o.item_id = a.item_id
      ), updated as (
        update change_set_items x set
          approvals = c.n,
          status = case when c.n >= ${set.rules.approvalsRequired} then 'approved' else x.status end,
          decided_by = case when c.n >= ${set.rules.approvalsRequired} then ${scope.userId} else x.decided_by end,
          decided_at = case when c.n >= ${set.rules.approvalsRequired} then now() else x.decided_at end,
          decision_source = case when c.n >= ${set.rules.approvalsRequired} then 'person' else x.decision_source end,
          comment = case when c.n >= ${set.rules.approvalsRequired} then ${comment}::text else x.comment end
        from counted c
        where x.id = c.item_id
        returning ${traced}
      ), trace as (${traceDecisions(sql`updated`)})
      select count(*) filter (where status = 'approved')::int as decided, count(*) filter (where status = 'pending')::int as recorded from updated`);
    decided = rows[0]?.decided ?? 0;
    recorded = rows[0]?.recorded ?? 0;
  } else {
    // One approval or a rejection decides: the item row holds who, when and why (no decision rows: 100,000 at a time).
    const { rows } = await tx.execute<{ decided: number }>(sql`
      with updated as (
        update change_set_items x set
          status = ${approve ? "approved" : "rejected"},
          decided_by = ${scope.userId},
          decided_at = now(),
          decision_source = 'person',
          comment = ${comment}::text,
          approvals = x.approvals + ${approve ? 1 : 0}
        from (${pending}) t
        where x.id = t.id
        returning ${traced}
      ), trace as (${traceDecisions(sql`updated`)})
      select count(*)::int as decided from updated`);
    decided = rows[0]?.decided ?? 0;
  }

  if (decided > 0) await enqueueResumeApproval(tx, set.id);
  const alreadyDecided = already.rows.map((r) => ({ id: Number(r.id), key: r.key, status: r.status, byName: r.by_name }));
  await recordAudit(tx, {
    workspaceId: scope.workspaceId,
    actorId: scope.userId,
    action: `changeSet.${input.decision}`,
    targetType: "changeSet",
    targetId: set.id,
    details: {
      decided,
      recorded,
      alreadyDecided: alreadyDecided.length,
      ...(input.ids && { ids: input.ids.length }),
      ...(input.filter && { filter: input.filter }),
      ...(comment && { comment }),
    },
  });
  return { decided, recorded, alreadyDecided };
}
