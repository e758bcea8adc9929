"use client";

import { cn } from "@flowgate/ui";
import { useState, type ReactNode } from "react";
import { cellText, columnsOf, MAX_TABLE_ROWS, type JsonRecord } from "./records";

const cellClasses = "max-w-[18rem] truncate px-3 py-1.5 align-top font-mono text-xs text-slate-700";
const headClasses = "sticky top-0 bg-slate-50 px-3 py-1.5 text-left font-mono text-xs font-medium whitespace-nowrap text-slate-600";

/** "Raw JSON" as a pressed/unpressed button, beside a table that can be read either way. */
export function RawToggle({ raw, onChange }: { raw: boolean; onChange: (raw: boolean) => void }) {
  return (
    <button
      type="button"
      aria-pressed={raw}
      onClick={() => onChange(!raw)}
      className={cn(
        "rounded-control px-2 py-1 text-xs font-medium ring-1 ring-inset transition-colors",
        raw ? "bg-accent-50 text-accent-700 ring-accent-200" : "bg-white text-slate-600 ring-slate-300 hover:bg-slate-50",
      )}
    >
      Raw JSON
    </button>
  );
}

export function RawJson({ value, label }: { value: unknown; label: string }) {
  return (
    <pre
      tabIndex={0}
      aria-label={label}
      className="max-h-60 overflow-auto rounded-control border border-line bg-slate-50 p-3 font-mono text-xs leading-5 text-slate-800"
    >
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** "3 records", or "Showing 50 of 99 records" when the table holds only the first ones. */
export function shownOfText(shown: number, total: number, what: [one: string, many: string] = ["record", "records"]): string {
  const word = (n: number) => (n === 1 ? what[0] : what[1]);
  return total > shown ? `Showing ${shown} of ${total} ${word(total)}` : `${shown} ${word(shown)}`;
}

/** A note under a table that shows fewer rows than there are. */
export function ShownOf({ shown, total, what = "records" }: { shown: number; total: number; what?: string }) {
  if (total <= shown) return null;
  return (
    <p className="mt-1.5 text-xs text-slate-500">
      Showing {shown} of {total} {what}.
    </p>
  );
}

/**
 * Sample records as a table: one column per field (the union of the first records' fields), nested
 * values as compact JSON, horizontally scrollable; or the same records as raw JSON.
 */
export function RecordsTable({
  records,
  label,
  total,
  empty,
}: {
  records: readonly JsonRecord[];
  /** Names the table for screen readers, e.g. "Output of Map prices, port kept". */
  label: string;
  /** How many records there were in all, when the sample is only the first ones. */
  total?: number;
  empty: ReactNode;
}) {
  const [raw, setRaw] = useState(false);
  if (records.length === 0) return <p className="text-sm text-slate-500">{empty}</p>;
  const rows = records.slice(0, MAX_TABLE_ROWS);
  const columns = columnsOf(rows);
  return (
    <div>
      <div className="mb-2 flex items-center gap-2">
        <span className="text-xs text-slate-500">{shownOfText(rows.length, Math.max(total ?? 0, records.length))}</span>
        <span className="ml-auto">
          <RawToggle raw={raw} onChange={setRaw} />
        </span>
      </div>
      {raw ? (
        <RawJson value={rows} label={`${label} as JSON`} />
      ) : (
        <div tabIndex={0} role="region" aria-label={label} className="max-h-60 overflow-auto rounded-control border border-line">
          <table className="w-full border-collapse text-left">
            <caption className="sr-only">{label}</caption>
            <thead>
              <tr className="border-b border-line">
                <th scope="col" className={cn(headClasses, "w-10 text-right")}>
                  #
                </th>
                {columns.map((column) => (
                  <th key={column} scope="col" className={headClasses}>
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 bg-white">
              {rows.map((record, index) => (
                <tr key={index}>
                  <td className={cn(cellClasses, "text-right text-slate-400 tabular-nums")}>{index + 1}</td>
                  {columns.map((column) => {
                    const text = cellText(record[column]);
                    return (
                      <td key={column} className={cn(cellClasses, record[column] === undefined && "bg-slate-50/60")} title={text.length > 40 ? text : undefined}>
                        {text}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export const tableClasses = { cell: cellClasses, head: headClasses };
