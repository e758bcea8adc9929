import { cn, StatusChip, type Tone } from "@flowgate/ui";
import type { ChangeSetItem } from "@/lib/api-types";
import {
  fieldDiffs,
  formatDelta,
  formatNumber,
  formatPercent,
  formatValue,
  itemDecidedByText,
  itemStatusLabels,
  type ChangeOp,
  type FieldDiff,
  type ItemStatus,
  type NumericChange,
} from "./approval-text";

/** Fields a row shows before "and N more": a wide create would push the table off the screen. */
const MAX_FIELDS = 6;

const fieldTone: Record<ChangeOp, string> = {
  update: "bg-amber-50 text-amber-900 ring-amber-200",
  create: "bg-emerald-50 text-emerald-900 ring-emerald-200",
  delete: "bg-red-50 text-red-800 ring-red-200",
};

/** "12.00 → 15.00 (+25.0 %)", the percent green up and red down, the difference on hover. */
function NumericDiff({ change }: { change: NumericChange }) {
  const amount = change.percent === null ? formatDelta(change) : formatPercent(change.percent);
  return (
    <span className="tabular-nums" title={`${formatDelta(change)} (${change.percent === null ? "from 0" : formatPercent(change.percent)})`}>
      <span className="text-slate-500">{formatNumber(change.before, change.decimals)}</span>
      <span className="text-slate-400"> → </span>
      <span className="font-medium text-slate-900">{formatNumber(change.after, change.decimals)}</span>{" "}
      <span className={cn("text-xs font-medium", change.delta > 0 ? "text-emerald-700" : change.delta < 0 ? "text-red-700" : "text-slate-500")}>({amount})</span>
    </span>
  );
}

function ValueDiff({ op, diff }: { op: ChangeOp; diff: FieldDiff }) {
  if (diff.numeric) return <NumericDiff change={diff.numeric} />;
  if (op === "create") return <span className="font-medium break-words text-slate-900">{formatValue(diff.after)}</span>;
  if (op === "delete") return <span className="break-words text-slate-500 line-through decoration-slate-400">{formatValue(diff.before)}</span>;
  return (
    <span className="break-words">
      <span className="text-slate-500">{formatValue(diff.before)}</span>
      <span className="text-slate-400"> → </span>
      <span className="font-medium text-slate-900">{formatValue(diff.after)}</span>
    </span>
  );
}

/** The fields of one change: each field's name tinted by the operation, then its before → after. */
export function ItemDiff({ item }: { item: Pick<ChangeSetItem, "op" | "before" | "after" | "changedFields"> }) {
  const diffs = fieldDiffs(item);
  if (diffs.length === 0) return <span className="text-sm text-slate-500">No field changed</span>;
  const shown = diffs.slice(0, MAX_FIELDS);
  return (
    <ul className="space-y-1">
      {shown.map((diff) => (
        <li key={diff.field} className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5 text-sm">
          <span className={cn("rounded px-1.5 py-px font-mono text-xs ring-1 ring-inset", fieldTone[item.op])}>{diff.field}</span>
          <ValueDiff op={item.op} diff={diff} />
        </li>
      ))}
      {diffs.length > shown.length ? (
        <li className="text-xs text-slate-500">
          and {diffs.length - shown.length} more {diffs.length - shown.length === 1 ? "field" : "fields"}
        </li>
      ) : null}
    </ul>
  );
}

const statusTones: Record<ItemStatus, Tone> = { pending: "warning", approved: "success", rejected: "danger", expired: "neutral" };

/** "Approved" with "by Dana" under it, the comment on hover. */
export function ItemStatusCell({ item, approvalsRequired }: { item: ChangeSetItem; approvalsRequired: number }) {
  const by = itemDecidedByText(item, approvalsRequired);
  return (
    <div className="flex flex-col items-start gap-0.5">
      <StatusChip tone={statusTones[item.status]}>{itemStatusLabels[item.status]}</StatusChip>
      {by ? <span className="text-xs whitespace-nowrap text-slate-500">{by}</span> : null}
      {item.comment ? (
        <span className="max-w-48 truncate text-xs text-slate-500 italic" title={item.comment}>
          “{item.comment}”
        </span>
      ) : null}
    </div>
  );
}
