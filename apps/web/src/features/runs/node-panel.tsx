"use client";

import type { Flow } from "@flowgate/flow";
import { Alert, Button, cn, Select, StatusChip } from "@flowgate/ui";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ChevronLeftIcon, KindIcon } from "@/components/icons";
import { FAMILY_TINTS } from "@/features/flow-editor/canvas/kind-style";
import { definitionOf } from "@/features/flow-editor/canvas/kinds";
import { RecordsTable } from "@/features/flow-editor/panels/records-table";
import { Tabs } from "@/features/flow-editor/panels/tabs";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { declaredOutputs } from "./run-canvas";
import { RunErrors } from "./run-errors";
import { NODE_MARKS, nodeInputs, nodeRole, nodeRunMark, outputPorts, totalOut, type NodeRole, type NodeStats } from "./run-graph";
import { formatCount, formatDuration, isLive, LIVE_POLL_MS, recordsText, type RunDetail } from "./run-text";

type SampleSide = "input" | "output";

/** One step of the run: its numbers, the records that went in and out (samples), and the records that failed in it. */
export function NodePanel({
  run,
  flow,
  nodeId,
  nodeLabels,
  canEdit,
  onClose,
  onRetryStarted,
}: {
  run: RunDetail;
  flow: Flow;
  nodeId: string;
  nodeLabels: ReadonlyMap<string, string>;
  canEdit: boolean;
  onClose: () => void;
  onRetryStarted: (retry: { runId: string; records: number }) => void;
}) {
  const node = flow.nodes.find((n) => n.id === nodeId);
  const kind = node ? definitionOf(node.kind) : undefined;
  const stats = run.nodes.find((n) => n.nodeId === nodeId);
  const role = nodeRole(kind?.category);
  // A source's input is its trigger's signal, not records: only other steps show what came in.
  const inputs = role === "step" ? nodeInputs(flow, nodeId) : [];
  const [side, setSide] = useState<SampleSide>(inputs.length > 0 ? "input" : "output");

  if (!node) {
    return (
      <div>
        <BackButton onClose={onClose} />
        <p className="mt-3 text-sm text-slate-600">This version of the flow has no step “{nodeId}”.</p>
      </div>
    );
  }
  const mark = nodeRunMark(nodeId, stats, { errorNodeId: run.error?.nodeId, started: run.startedAt !== null, isTrigger: kind?.category === "trigger" });
  const failedHere = run.error?.nodeId === nodeId;

  return (
    <section aria-label={`Step ${node.label}`} className="space-y-5">
      <div className="flex flex-wrap items-center gap-3">
        <BackButton onClose={onClose} />
        <span className={cn("grid size-8 shrink-0 place-items-center rounded-md", kind ? FAMILY_TINTS[kind.category] : "bg-red-50 text-red-700")}>
          <KindIcon name={kind?.icon ?? ""} className="size-4" />
        </span>
        <div className="min-w-0">
          <h3 className="truncate text-base font-semibold text-slate-900">{node.label}</h3>
          <p className="truncate text-xs text-slate-500">{kind?.label ?? node.kind}</p>
        </div>
        <StatusChip tone={NODE_MARKS[mark].tone}>{NODE_MARKS[mark].label}</StatusChip>
      </div>

      {failedHere && run.error ? (
        <Alert title="The run stopped in this step" live={false}>
          {run.error.message}
          {run.error.field ? ` (field “${run.error.field}”)` : ""}
        </Alert>
      ) : null}

      {role === "trigger" ? (
        <p className="text-sm text-slate-600">{mark === "passed" ? "This trigger started the run. It passes no records itself: the source after it reads them." : "This trigger has not started the run yet."}</p>
      ) : (
        <NodeNumbers stats={stats} role={role} hasOutputs={(kind?.outputs.length ?? 1) > 0} />
      )}

      <div>
        <h4 className="mb-1 text-sm font-semibold text-slate-800">Sample records</h4>
        <p className="mb-2 text-xs text-slate-500">The first records that went in and out of this step in this run.</p>
        <Tabs
          label="Sample records"
          items={[
            ...(inputs.length > 0 ? [{ id: "input" as const, label: "Input" }] : []),
            { id: "output" as const, label: "Output" },
          ]}
          selected={inputs.length > 0 ? side : "output"}
          onSelect={setSide}
        >
          {side === "input" && inputs.length > 0 ? <InputSamples run={run} inputs={inputs} label={node.label} /> : <OutputSamples run={run} flow={flow} nodeId={nodeId} stats={stats} label={node.label} />}
        </Tabs>
      </div>

      {(stats?.errors ?? 0) > 0 ? (
        <div>
          <h4 className="mb-2 text-sm font-semibold text-slate-800">Failed records ({formatCount(stats?.errors ?? 0)})</h4>
          <RunErrors run={run} canEdit={canEdit} nodeLabels={nodeLabels} onRetryStarted={onRetryStarted} onlyNodeId={nodeId} />
        </div>
      ) : null}
    </section>
  );
}

function BackButton({ onClose }: { onClose: () => void }) {
  return (
    <Button variant="ghost" size="sm" icon={<ChevronLeftIcon className="size-4" />} onClick={onClose}>
      All steps
    </Button>
  );
}

function NodeNumbers({ stats, role, hasOutputs }: { stats: NodeStats | undefined; role: NodeRole; hasOutputs: boolean }) {
  const ports = Object.entries(stats?.out ?? {});
  const cells: [string, string, string?][] = [];
  if (role === "step") cells.push(["Records in", formatCount(stats?.in ?? 0)]);
  if (hasOutputs) {
    cells.push([
      role === "source" ? "Records read" : "Records out",
      formatCount(stats ? totalOut(stats) - (stats.out.error ?? 0) : 0),
      ports.length > 1 || (ports[0] && ports[0][0] !== "out") ? ports.map(([port, n]) => `${port} ${formatCount(n)}`).join(" · ") : undefined,
    ]);
  }
  cells.push(["Failed", formatCount(stats?.errors ?? 0)], ["Time", stats ? formatDuration(stats.ms) : "—"]);
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
      {cells.map(([label, value, detail]) => (
        <div key={label} className="rounded-control border border-line bg-white px-3 py-2">
          <dt className="text-xs text-slate-500">{label}</dt>
          <dd className={cn("mt-0.5 text-lg font-semibold text-slate-900 tabular-nums", label === "Failed" && value !== "0" && "text-red-700")}>{value}</dd>
          {detail ? <dd className="truncate text-xs text-slate-500" title={detail}>{detail}</dd> : null}
        </div>
      ))}
    </dl>
  );
}

function InputSamples({ run, inputs, label }: { run: RunDetail; inputs: ReturnType<typeof nodeInputs>; label: string }) {
  const [chosen, setChosen] = useState(inputs[0]!.edgeId);
  const input = inputs.find((i) => i.edgeId === chosen) ?? inputs[0]!;
  const count = run.nodes.find((n) => n.nodeId === input.nodeId)?.out[input.port];
  return (
    <div className="space-y-2">
      {inputs.length > 1 ? (
        <Select
          aria-label="Records from"
          className="w-72"
          value={input.edgeId}
          onChange={(event) => setChosen(event.target.value)}
          options={inputs.map((i) => ({ value: i.edgeId, label: `From ${i.label}` }))}
        />
      ) : (
        <p className="text-xs text-slate-500">From {input.label}</p>
      )}
      <Sample run={run} nodeId={input.nodeId} port={input.port} count={count} label={`Input of ${label} from ${input.label}`} />
    </div>
  );
}

function OutputSamples({ run, flow, nodeId, stats, label }: { run: RunDetail; flow: Flow; nodeId: string; stats: NodeStats | undefined; label: string }) {
  const ports = outputPorts(stats, declaredOutputs(flow, nodeId));
  const [chosen, setChosen] = useState<string | null>(null);
  if (ports.length === 0) {
    return <p className="text-sm text-slate-500">{isLive(run.status) ? "Nothing has left this step yet." : "Nothing left this step in this run."}</p>;
  }
  const port = chosen && ports.includes(chosen) ? chosen : ports[0]!;
  return (
    <div className="space-y-2">
      {ports.length > 1 ? (
        <Select
          aria-label="Output"
          className="w-56"
          value={port}
          onChange={(event) => setChosen(event.target.value)}
          options={ports.map((p) => ({ value: p, label: `${p} (${formatCount(stats?.out[p] ?? 0)})` }))}
        />
      ) : null}
      <Sample run={run} nodeId={nodeId} port={port} count={stats?.out[port]} label={`Output of ${label}${ports.length > 1 ? `, ${port}` : ""}`} />
    </div>
  );
}

function Sample({ run, nodeId, port, count, label }: { run: RunDetail; nodeId: string; port: string; count: number | undefined; label: string }) {
  const trpc = useTRPC();
  const live = isLive(run.status);
  // Samples are kept when the run ends: ask again until then.
  const sample = useQuery(trpc.runs.samples.queryOptions({ runId: run.id, nodeId, port }, { refetchInterval: live ? LIVE_POLL_MS : false }));
  if (sample.isPending) return <p className="text-sm text-slate-500">Loading records…</p>;
  if (sample.isError) return <Alert>The sample records could not be loaded: {sample.error.message}</Alert>;
  const empty =
    (count ?? 0) === 0
      ? "No records went this way in this run."
      : live
        ? `${recordsText(count ?? 0)} so far; a sample of them is kept when the run ends.`
        : `${recordsText(count ?? 0)} went this way; the run kept no sample of them.`;
  return (
    <div>
      <RecordsTable records={sample.data.records} total={count} label={label} empty={empty} />
      {sample.data.takenAt ? <p className="mt-1 text-xs text-slate-400">Kept {formatDateTime(sample.data.takenAt)}</p> : null}
    </div>
  );
}
