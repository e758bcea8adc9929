import { readNumber } from "@flowgate/nodes/numeric-change";
import { cellText } from "@/features/flow-editor/panels/records";

/*
 * How a change set's items read in the inbox: before → after per changed field, the numeric change
 * with its sign and percent, who decided, and what a decision did. Pure, so it is tested without a browser.
 */

export type ChangeOp = "create" | "update" | "delete";
export type ItemStatus = "pending" | "approved" | "rejected" | "expired";
export type Decision = "approve" | "reject";

export const CHANGE_OPS: readonly ChangeOp[] = ["create", "update", "delete"];
export const ITEM_STATUSES: readonly ItemStatus[] = ["pending", "approved", "rejected", "expired"];

type JsonRecord = Record<string, unknown>;

/** A number as a record holds it: a JSON number, or text such as "12.00" (prices often come as text). */
interface NumberValue {
  value: number;
  /** Decimals as written, so "12.00" keeps reading 12.00. */
  decimals: number;
}

const MAX_DECIMALS = 6;

function decimalsOf(text: string): number {
  const match = /\.(\d+)/.exec(text);
  return Math.min(match?.[1]?.length ?? 0, MAX_DECIMALS);
}

function asNumber(value: unknown): NumberValue | null {
  const number = readNumber(value);
  return number === null ? null : { value: number, decimals: decimalsOf(typeof value === "string" ? value.trim() : String(value)) };
}

export interface NumericChange {
  before: number;
  after: number;
  /** after − before. */
  delta: number;
  /** The change relative to before, in percent; null when before is 0 (no base to compare with). */
  percent: number | null;
  /** Decimals both sides are shown with: as written, and at least 2 once either side has any (12.5 → 12.50). */
  decimals: number;
}

/** The change between two numeric values (numbers or numeric text), or null when either side is not a number. */
export function numericChange(before: unknown, after: unknown): NumericChange | null {
  const b = asNumber(before);
  const a = asNumber(after);
  if (!b || !a) return null;
  const written = Math.max(b.decimals, a.decimals);
  const decimals = written === 0 ? 0 : Math.max(2, written);
  const delta = a.value - b.value;
  return { before: b.value, after: a.value, delta, percent: b.value === 0 ? null : (delta / Math.abs(b.value)) * 100, decimals };
}

const MINUS = "−";

/** 1234.5 with 2 decimals → "1,234.50"; negatives with a real minus sign. */
export function formatNumber(value: number, decimals: number): string {
  const text = Math.abs(value).toLocaleString("en", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  // -0.001 rounded to "0.00" must not read "−0.00".
  return value < 0 && /[1-9]/.test(text) ? `${MINUS}${text}` : text;
}

/** "+25.0 %", "−12.5 %", "0.0 %". */
export function formatPercent(percent: number): string {
  const text = Math.abs(percent).toFixed(1);
  if (text === "0.0") return "0.0 %";
  return `${percent > 0 ? "+" : MINUS}${text} %`;
}

/** The signed difference, "+3.00" or "−0.50"; for a change whose base is 0 the percent cannot say it. */
export function formatDelta(change: NumericChange): string {
  const text = formatNumber(change.delta, change.decimals);
  return change.delta > 0 ? `+${text}` : text;
}

/** "12.00 → 15.00 (+25.0 %)"; from 0 there is no percent: "0 → 5 (+5)". */
export function formatNumericChange(change: NumericChange): string {
  const amount = change.percent === null ? formatDelta(change) : formatPercent(change.percent);
  return `${formatNumber(change.before, change.decimals)} → ${formatNumber(change.after, change.decimals)} (${amount})`;
}

const MAX_VALUE = 80;

/** A field's value in a diff: text as it is, nested values as compact JSON, nothing as "empty". */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null || value === "") return "empty";
  const text = cellText(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

export interface FieldDiff {
  field: string;
  before: unknown;
  after: unknown;
  /** Set when both sides are numbers. */
  numeric: NumericChange | null;
}

interface DiffSource {
  op: ChangeOp;
  before: JsonRecord | null;
  after: JsonRecord | null;
  changedFields: readonly string[];
}

/**
 * The fields a person reviews for one item: an update's changed fields (as change detection named them,
 * else every field that differs), a create's new fields, a delete's last values.
 */
export function fieldDiffs(item: DiffSource): FieldDiff[] {
  const before = item.before ?? {};
  const after = item.after ?? {};
  let fields: string[];
  if (item.op === "create") fields = Object.keys(after);
  else if (item.op === "delete") fields = Object.keys(before);
  else if (item.changedFields.length > 0) fields = [...item.changedFields];
  else fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((f) => cellText(before[f]) !== cellText(after[f]));
  return fields.map((field) => {
    const b = item.op === "create" ? undefined : before[field];
    const a = item.op === "delete" ? undefined : after[field];
    return { field, before: b, after: a, numeric: item.op === "update" ? numericChange(b, a) : null };
  });
}

/** "price 12.00 → 15.00 (+25.0 %)", "name Blue mug → Red mug": one line of a diff as text. */
export function fieldDiffText(diff: FieldDiff): string {
  if (diff.numeric) return `${diff.field} ${formatNumericChange(diff.numeric)}`;
  return `${diff.field} ${formatValue(diff.before)} → ${formatValue(diff.after)}`;
}

/** The record's name, for the line under its key (the text filter looks there too). */
export function itemName(item: { before: JsonRecord | null; after: JsonRecord | null }): string | null {
  const name = item.after?.["name"] ?? item.before?.["name"];
  return typeof name === "string" && name.trim() !== "" ? name : null;
}

function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString("en")} ${count === 1 ? one : many}`;
}

/** "1 change", "4,812 changes". */
export function changesText(count: number): string {
  return plural(count, "change", "changes");
}

const opWords: Record<ChangeOp, [string, string]> = { create: ["create", "creates"], update: ["update", "updates"], delete: ["delete", "deletes"] };

/** "88 updates, 12 creates", leaving out what is 0; "nothing" when all are. */
export function opCountsText(counts: Record<ChangeOp, number>): string {
  const parts = CHANGE_OPS.filter((op) => counts[op] > 0).map((op) => plural(counts[op], opWords[op][0], opWords[op][1]));
  return parts.length > 0 ? parts.join(", ") : "nothing";
}

const approverWords: Record<string, string> = { owner: "Owners", admin: "Admins and owners", editor: "Editors, admins and owners" };

/** "Admins and owners decide", with "2 approvals each" when more than one person must approve. */
export function approverText(rules: { approverRole: string; approvalsRequired: number }): string {
  const who = approverWords[rules.approverRole] ?? `${rules.approverRole}s`;
  return rules.approvalsRequired > 1 ? `${who} decide, ${rules.approvalsRequired} approvals each` : `${who} decide`;
}

export const itemStatusLabels: Record<ItemStatus, string> = { pending: "Pending", approved: "Approved", rejected: "Rejected", expired: "Expired" };

interface StatusSource {
  status: ItemStatus;
  approvals: number;
  decidedByName: string | null;
  decisionSource: string | null;
}

/** Who decided, in a few words: "by Dana", "by a rule", "at the deadline", "the run ended", "1 of 2 approvals". */
export function itemDecidedByText(item: StatusSource, approvalsRequired: number): string | null {
  if (item.status === "pending") return item.approvals > 0 ? `${item.approvals} of ${approvalsRequired} approvals` : null;
  switch (item.decisionSource) {
    case "run-ended":
      return "the run ended";
    case "auto-approve":
    case "auto-reject":
      return "by a rule";
    case "timeout":
      return "at the deadline";
    default:
      return item.decidedByName ? `by ${item.decidedByName}` : null;
  }
}

/** "Approving 4,812 changes…": shown while a decision is applied. */
export function decidingText(decision: Decision, count: number | null): string {
  const verb = decision === "approve" ? "Approving" : "Rejecting";
  return count === null ? `${verb} the selected changes…` : `${verb} ${changesText(count)}…`;
}

interface DecideResultLike {
  decided: number;
  recorded: number;
  alreadyDecided: readonly { byName: string | null }[];
}

/**
 * The toast after a decision: what this call decided, approvals that wait for more people, and the
 * items someone else decided first ("12 were already decided by Dana").
 */
export function decisionToast(decision: Decision, result: DecideResultLike): { tone: "success" | "info"; title: string; description?: string } {
  const verb = decision === "approve" ? "Approved" : "Rejected";
  const title =
    result.decided > 0
      ? `${verb} ${changesText(result.decided)}`
      : result.recorded > 0
        ? `Your approval is recorded on ${changesText(result.recorded)}`
        : "Nothing was decided";
  const parts: string[] = [];
  if (result.decided > 0 && result.recorded > 0) {
    parts.push(`Your approval is recorded on ${result.recorded.toLocaleString("en")} more ${result.recorded === 1 ? "change; it waits" : "changes; they wait"} for other approvers.`);
  } else if (result.decided === 0 && result.recorded > 0) {
    parts.push(`${result.recorded === 1 ? "It waits" : "They wait"} for other approvers.`);
  }
  const byName = new Map<string, number>();
  for (const item of result.alreadyDecided) {
    const who = item.byName ?? "";
    byName.set(who, (byName.get(who) ?? 0) + 1);
  }
  const groups = [...byName].sort((a, b) => b[1] - a[1]);
  groups.forEach(([who, count], i) => {
    const by = who ? `by ${who}` : "by a rule or the deadline";
    parts.push(i === 0 ? `${count.toLocaleString("en")} ${count === 1 ? "was" : "were"} already decided ${by}` : `${count.toLocaleString("en")} ${by}`);
  });
  // The already-decided groups read as one sentence: "12 were already decided by Dana, 3 by Sam."
  const sentences = result.alreadyDecided.length > 0 ? [...parts.slice(0, parts.length - groups.length), `${parts.slice(parts.length - groups.length).join(", ")}.`] : parts;
  const description = sentences.join(" ");
  return { tone: result.decided + result.recorded > 0 ? "success" : "info", title, ...(description ? { description } : {}) };
}
