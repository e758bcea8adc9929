"use client";

import { cn } from "@flowgate/ui";
import type { DryRunRecordError, DryRunResult } from "./dry-run-types";
import { PlannedWrites } from "./planned-writes";
import { RecordsTable, ShownOf, tableClasses } from "./records-table";
import { cellText, MAX_TABLE_ROWS } from "./records";

/*
 * One node's part of a dry run result (the whole-flow dry run or a node test): what it passed on per
 * output port, its per-record errors, and for a destination what it would write.
 */

/** Output ports with a count or a sample, in the order the node reported them. */
function portsOf(result: DryRunResult, nodeId: string): string[] {
  return [...new Set([...Object.keys(result.nodes[nodeId]?.out ?? {}), ...Object.keys(result.samples[nodeId] ?? {})])];
}

export function NodeOutput({ result, nodeId, label }: { result: DryRunResult; nodeId: string; label: string }) {
  const ports = portsOf(result, nodeId);
  if (ports.length === 0) {
    return <p className="text-sm text-slate-500">“{label}” passed nothing on in this run.</p>;
  }
  return (
    <div className="space-y-4">
      {ports.map((port) => {
        const records = result.samples[nodeId]?.[port] ?? [];
        const count = result.nodes[nodeId]?.out[port] ?? records.length;
        return (
          <section key={port} aria-label={`Output ${port}`}>
            {ports.length > 1 || port !== "out" ? (
              <h4 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">{port}</h4>
            ) : null}
            <RecordsTable
              records={records}
              total={count}
              label={`Output of ${label}${ports.length > 1 ? `, ${port}` : ""}`}
              empty={count > 0 ? `${count} records went out here; the dry run kept no sample of them.` : "No records went out here."}
            />
          </section>
        );
      })}
    </div>
  );
}

export function errorsOf(result: DryRunResult, nodeId: string): DryRunRecordError[] {
  return result.errors.filter((error) => error.nodeId === nodeId);
}

export function NodeErrors({ errors, label }: { errors: readonly DryRunRecordError[]; label: string }) {
  if (errors.length === 0) return <p className="text-sm text-slate-500">No record failed in “{label}”.</p>;
  const rows = errors.slice(0, MAX_TABLE_ROWS);
  return (
    <div>
      <div tabIndex={0} role="region" aria-label={`Errors in ${label}`} className="max-h-60 overflow-auto rounded-control border border-line">
        <table className="w-full border-collapse text-left">
          <caption className="sr-only">Records that failed in {label}</caption>
          <thead>
            <tr className="border-b border-line">
              <th scope="col" className={cn(tableClasses.head, "w-16 text-right")}>
                Record
              </th>
              <th scope="col" className={tableClasses.head}>
                Key
              </th>
              <th scope="col" className={tableClasses.head}>
                Message
              </th>
              <th scope="col" className={tableClasses.head}>
                Data
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 bg-white">
            {rows.map((error, index) => {
              const data = cellText(error.record);
              return (
                <tr key={`${error.index}-${index}`}>
                  <td className={cn(tableClasses.cell, "text-right tabular-nums")}>{error.index + 1}</td>
                  <td className={tableClasses.cell}>{error.key ?? "—"}</td>
                  <td className="min-w-[16rem] px-3 py-1.5 align-top text-sm text-red-700">{error.message}</td>
                  <td className={tableClasses.cell} title={data.length > 40 ? data : undefined}>
                    {data}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <ShownOf shown={rows.length} total={errors.length} what="errors" />
    </div>
  );
}

export function NodePlanned({ result, nodeId, label }: { result: DryRunResult; nodeId: string; label: string }) {
  return <PlannedWrites items={result.planned[nodeId] ?? []} notPreviewable={result.notPreviewable[nodeId]} nodeLabel={label} />;
}
