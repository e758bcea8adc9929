"use client";

import { Alert, Badge, cn, type Tone } from "@flowgate/ui";
import { useState } from "react";
import type { DryRunResult } from "./dry-run-types";
import { RawJson, RawToggle, ShownOf, tableClasses } from "./records-table";
import { countOps, OPS, opsSummary } from "./dry-run-text";
import { cellText, changedFields, MAX_TABLE_ROWS, plannedColumns } from "./records";

type PlannedWrite = DryRunResult["planned"][string][number];
type Op = PlannedWrite["op"];

const opTone: Record<Op, Tone> = { create: "success", update: "accent", delete: "danger" };

export function OpChip({ op }: { op: Op }) {
  return <Badge tone={opTone[op]}>{op}</Badge>;
}

/**
 * What one destination would write: an op chip and key per record, then every field; for an update the
 * changed fields read "before → after" on a tinted cell, so the change stands out in a wide row.
 */
export function PlannedWrites({ items, notPreviewable, nodeLabel }: { items: readonly PlannedWrite[]; notPreviewable?: string; nodeLabel: string }) {
  const [raw, setRaw] = useState(false);
  if (notPreviewable) {
    return (
      <Alert tone="warning" live={false} title="This destination cannot preview its writes">
        {notPreviewable}
      </Alert>
    );
  }
  if (items.length === 0) {
    return <p className="text-sm text-slate-500">Nothing to write: no record reached “{nodeLabel}” with a change.</p>;
  }
  const rows = items.slice(0, MAX_TABLE_ROWS);
  const columns = plannedColumns(rows);
  const counts = countOps(items);
  return (
    <div>
      <div className="mb-2 flex flex-wrap items-center gap-2">
        {OPS.map((op) => (
          <span key={op} className="inline-flex items-center gap-1 text-sm text-slate-700">
            <OpChip op={op} />
            <span className="tabular-nums">{counts[op]}</span>
          </span>
        ))}
        <span className="ml-auto">
          <RawToggle raw={raw} onChange={setRaw} />
        </span>
      </div>
      {raw ? (
        <RawJson value={rows} label={`Planned writes of ${nodeLabel} as JSON`} />
      ) : (
        <div tabIndex={0} role="region" aria-label={`Planned writes of ${nodeLabel}`} className="max-h-60 overflow-auto rounded-control border border-line">
          <table className="w-full border-collapse text-left">
            <caption className="sr-only">Planned writes of {nodeLabel}: {opsSummary(items)}</caption>
            <thead>
              <tr className="border-b border-line">
                <th scope="col" className={tableClasses.head}>
                  Op
                </th>
                <th scope="col" className={tableClasses.head}>
                  Key
                </th>
                {columns.map((column) => (
                  <th key={column} scope="col" className={tableClasses.head}>
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 bg-white">
              {rows.map((item, index) => {
                const changed = changedFields(item.before, item.after);
                return (
                  <tr key={`${item.key}-${index}`}>
                    <td className={tableClasses.cell}>
                      <OpChip op={item.op} />
                    </td>
                    <td className={cn(tableClasses.cell, "font-medium text-slate-900")}>{item.key}</td>
                    {columns.map((column) => (
                      <PlannedCell key={column} item={item} column={column} changed={changed.has(column)} />
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <ShownOf shown={rows.length} total={items.length} what="planned writes" />
    </div>
  );
}

function PlannedCell({ item, column, changed }: { item: PlannedWrite; column: string; changed: boolean }) {
  if (item.op === "delete") {
    return <td className={cn(tableClasses.cell, "text-slate-400 line-through")}>{cellText(item.before?.[column])}</td>;
  }
  const after = cellText(item.after?.[column]);
  if (!changed) return <td className={tableClasses.cell} title={after.length > 40 ? after : undefined}>{after}</td>;
  const before = cellText(item.before?.[column]);
  return (
    <td className={cn(tableClasses.cell, "bg-amber-50")} title={`${before || "(empty)"} → ${after || "(empty)"}`}>
      <span className="sr-only">changed from </span>
      <del className="text-slate-500">{before || "∅"}</del>
      <span aria-hidden className="px-1 text-slate-400">
        →
      </span>
      <span className="sr-only"> to </span>
      <ins className="font-medium text-amber-900 no-underline">{after || "∅"}</ins>
    </td>
  );
}
