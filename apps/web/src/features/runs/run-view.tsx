"use client";

import { parseFlow, type Flow } from "@flowgate/flow";
import { Alert, buttonClasses, Card, cn, EmptyState, PageHeader, Skeleton, StatusChip, Table, TBody, TD, TH, THead, TR } from "@flowgate/ui";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { ErrorState } from "@/components/error-state";
import { ChevronLeftIcon, RunsIcon } from "@/components/icons";
import { RelativeTime } from "@/components/relative-time";
import { useWorkspace } from "@/components/use-workspace";
import { definitionOf } from "@/features/flow-editor/canvas/kinds";
import { Tabs } from "@/features/flow-editor/panels/tabs";
import { errorCode, errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { RunStatusChip } from "@/app/(app)/flows/flow-status";
import { NodePanel } from "./node-panel";
import { RunActions } from "./run-actions";
import { RunCanvas } from "./run-canvas";
import { RunErrors } from "./run-errors";
import { NODE_MARKS, nodeLineText, nodeRole, nodeRunMark } from "./run-graph";
import { RunLog } from "./run-log";
import { RunProgress } from "./run-progress";
import { durationText, formatCount, formatDuration, isLive, recordsText, runPollInterval, shortRunId, triggerText, type RunDetail } from "./run-text";
import { RunTimeline } from "./run-timeline";

const TABS = ["steps", "timeline", "errors", "log"] as const;
type RunTab = (typeof TABS)[number];

/** The tab and the open step, kept in the address so a link can point at a run's errors or one of its steps. */
function useRunAddress() {
  const pathname = usePathname();
  const params = useSearchParams();
  const tab: RunTab = TABS.find((t) => t === params.get("tab")) ?? "steps";
  const nodeId = params.get("node");
  const set = useCallback(
    (next: { tab: RunTab; nodeId: string | null }) => {
      const search = new URLSearchParams();
      if (next.tab !== "steps") search.set("tab", next.tab);
      if (next.nodeId && next.tab === "steps") search.set("node", next.nodeId);
      const query = search.toString();
      window.history.replaceState(null, "", query ? `${pathname}?${query}` : pathname);
    },
    [pathname],
  );
  return { tab, nodeId: tab === "steps" ? nodeId : null, set };
}

/** One run: what it ran (the pinned version on a canvas), how each step fared, its batches, failed records and log; live until it is over. */
export function RunView({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const run = useQuery(trpc.runs.get.queryOptions({ runId }, { refetchInterval: (query) => runPollInterval(query.state.data?.status) }));

  if (run.isPending) {
    return (
      <div aria-busy="true" aria-label="Loading the run">
        <Skeleton className="mb-3 h-4 w-40" />
        <Skeleton className="mb-8 h-8 w-80" />
        <Skeleton className="mb-6 h-28" />
        <Skeleton className="mb-6 h-[26rem]" />
        <Skeleton className="h-40" />
      </div>
    );
  }
  if (run.isError) {
    if (errorCode(run.error) === "NOT_FOUND") {
      return (
        <>
          <PageHeader eyebrow={<BackToRuns />} title="Run not found" />
          <EmptyState
            icon={<RunsIcon />}
            title="This run does not exist in this workspace"
            text="It may belong to another workspace (switch workspace to see it), or its history was pruned. The runs page lists every run that is kept."
            actions={
              <Link href="/runs" className={buttonClasses({ variant: "primary" })}>
                See all runs
              </Link>
            }
          />
        </>
      );
    }
    return (
      <>
        <PageHeader eyebrow={<BackToRuns />} title="Run" />
        <ErrorState title="This run could not be loaded" error={run.error} onRetry={() => void run.refetch()} retrying={run.isRefetching} />
      </>
    );
  }
  return <LoadedRun run={run.data} />;
}

function BackToRuns() {
  return (
    <Link href="/runs" className="inline-flex items-center gap-1 hover:text-slate-800">
      <ChevronLeftIcon className="size-4" />
      Runs
    </Link>
  );
}

function LoadedRun({ run }: { run: RunDetail }) {
  const trpc = useTRPC();
  const { canEdit } = useWorkspace();
  const address = useRunAddress();
  const [retry, setRetry] = useState<{ runId: string; records: number } | null>(null);
  const tabsRef = useRef<HTMLDivElement>(null);
  // The version the run pinned never changes.
  const version = useQuery({ ...trpc.flows.getVersion.queryOptions({ flowId: run.flowId, versionId: run.flowVersionId }), staleTime: Infinity });
  const opened = useMemo((): { flow: Flow } | { error: string } | null => {
    if (!version.data) return null;
    try {
      return { flow: parseFlow(version.data.document) };
    } catch (error) {
      return { error: errorMessage(error, "The version's document is not a flow.") };
    }
  }, [version.data]);
  const flow = opened && "flow" in opened ? opened.flow : null;
  const nodeLabels = useMemo(() => new Map((flow?.nodes ?? []).map((node) => [node.id, node.label])), [flow]);

  const setAddress = address.set;
  const selectNode = useCallback(
    (nodeId: string | null) => {
      setAddress({ tab: "steps", nodeId });
      if (nodeId) requestAnimationFrame(() => tabsRef.current?.scrollIntoView({ block: "nearest", behavior: "smooth" }));
    },
    [setAddress],
  );

  return (
    <>
      <PageHeader
        className="mb-6"
        eyebrow={
          <span className="flex flex-wrap items-center gap-2">
            <BackToRuns />
            <span aria-hidden className="text-slate-300">
              /
            </span>
            <Link href={`/flows/${run.flowId}`} className="hover:text-slate-800 hover:underline">
              {run.flowName}
            </Link>
          </span>
        }
        title={run.flowName}
        meta={<RunStatusChip status={run.status} />}
        description={
          <>
            Version {run.versionNumber} · run <span className="font-mono">{shortRunId(run.id)}</span>
            {run.attempt > 1 ? ` · resumed ${run.attempt - 1} ${run.attempt === 2 ? "time" : "times"} after a worker stopped` : ""}
          </>
        }
        actions={<RunActions run={run} canEdit={canEdit} onRetryStarted={setRetry} />}
      />

      <RunFacts run={run} />

      {run.error ? (
        <Alert className="mb-6" live={false} title={run.status === "failed" ? "The run failed" : run.status === "queued" ? "The last attempt stopped" : "The run met an error"}>
          {run.error.message}
          {errorStepSuffix(run.error, nodeLabels)}
          {run.error.problems?.length ? (
            <ul className="mt-2 list-disc pl-5">
              {run.error.problems.map((p, i) => (
                <li key={i}>{p.message}</li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}

      {retry ? <RetryNotice retry={retry} originalRunId={run.id} onDismiss={() => setRetry(null)} /> : null}

      <Card className="relative mb-6 h-[26rem] overflow-hidden bg-canvas">
        {flow ? (
          <RunCanvas
            flow={flow}
            nodes={run.nodes}
            errorNodeId={run.error?.nodeId}
            started={run.startedAt !== null}
            selectedNodeId={address.nodeId}
            onSelectNode={selectNode}
          />
        ) : version.isError ? (
          <div className="grid h-full place-items-center p-6">
            <ErrorState title="The flow this run used could not be loaded" error={version.error} onRetry={() => void version.refetch()} retrying={version.isRefetching} />
          </div>
        ) : opened && "error" in opened ? (
          <div className="grid h-full place-items-center p-6 text-center text-sm text-slate-600">This version cannot be drawn: {opened.error}</div>
        ) : (
          <Skeleton className="absolute inset-4" />
        )}
      </Card>

      <div ref={tabsRef} className="scroll-mt-6">
        <Tabs
          label="About this run"
          items={[
            { id: "steps", label: "Steps" },
            { id: "timeline", label: "Timeline" },
            { id: "errors", label: "Errors", count: run.counts.errors },
            { id: "log", label: "Log" },
          ]}
          selected={address.tab}
          onSelect={(tab) => address.set({ tab, nodeId: null })}
        >
          {address.tab === "steps" ? (
            address.nodeId && flow ? (
              <NodePanel
                key={address.nodeId}
                run={run}
                flow={flow}
                nodeId={address.nodeId}
                nodeLabels={nodeLabels}
                canEdit={canEdit}
                onClose={() => selectNode(null)}
                onRetryStarted={setRetry}
              />
            ) : (
              <StepsTable run={run} flow={flow} onOpen={selectNode} />
            )
          ) : address.tab === "timeline" ? (
            <RunTimeline run={run} />
          ) : address.tab === "errors" ? (
            <RunErrors run={run} canEdit={canEdit} nodeLabels={nodeLabels} onRetryStarted={setRetry} />
          ) : (
            <RunLog run={run} />
          )}
        </Tabs>
      </div>
    </>
  );
}

/** " (step “Shop API”)" after the run's error, unless the message names the step already. */
function errorStepSuffix(error: NonNullable<RunDetail["error"]>, labels: ReadonlyMap<string, string>): string {
  if (!error.nodeId) return "";
  const label = labels.get(error.nodeId) ?? error.nodeId;
  return error.message.includes(label) ? "" : ` (step “${label}”)`;
}

function RunFacts({ run }: { run: RunDetail }) {
  const live = isLive(run.status);
  const facts: [string, ReactNode][] = [
    ["Trigger", triggerText(run.trigger)],
    ["Started", run.startedAt ? <RelativeTime value={run.startedAt} /> : <span className="text-slate-500">Not yet</span>],
    ["Duration", durationText(run, Date.now())],
    ["Read", formatCount(run.counts.read)],
    ["Written", formatCount(run.counts.written)],
    ["Failed", <span className={cn(run.counts.errors > 0 && "text-red-700")}>{formatCount(run.counts.errors)}</span>],
  ];
  return (
    <Card className="mb-6">
      <dl className="grid grid-cols-3 divide-slate-100 sm:grid-cols-6 sm:divide-x">
        {facts.map(([label, value]) => (
          <div key={label} className="min-w-0 px-4 py-3">
            <dt className="text-xs text-slate-500">{label}</dt>
            <dd className="mt-0.5 truncate text-base font-semibold text-slate-900 tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
      <div className="border-t border-line px-5 py-3">
        <RunProgress run={run} />
        {!live && run.finishedAt ? (
          <p className="sr-only">
            Finished <RelativeTime value={run.finishedAt} />
          </p>
        ) : null}
      </div>
    </Card>
  );
}

/** After "retry failed records": the new run, live until it ends; then this run's errors are fetched again (they now read "retried"). */
function RetryNotice({ retry, originalRunId, onDismiss }: { retry: { runId: string; records: number }; originalRunId: string; onDismiss: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const next = useQuery(trpc.runs.get.queryOptions({ runId: retry.runId }, { refetchInterval: (query) => runPollInterval(query.state.data?.status) }));
  const status = next.data?.status;
  const over = status !== undefined && !isLive(status);
  useEffect(() => {
    if (!over) return;
    void queryClient.invalidateQueries(trpc.runs.errors.pathFilter());
    void queryClient.invalidateQueries(trpc.runs.get.queryFilter({ runId: originalRunId }));
  }, [over, queryClient, trpc, originalRunId]);
  return (
    <div role="status" className="mb-6 flex flex-wrap items-center gap-3 rounded-card border border-accent-200 bg-accent-50/60 px-4 py-3 text-sm text-slate-800">
      <span>
        {over ? "The retry of" : "Retrying"} {recordsText(retry.records)} in a new run
        {next.data && over ? `: ${formatCount(next.data.counts.written)} written, ${formatCount(next.data.counts.errors)} failed again.` : "."}
      </span>
      {status ? <RunStatusChip status={status} /> : null}
      <Link href={`/runs/${retry.runId}`} className="font-medium text-accent-700 hover:underline">
        Open the new run
      </Link>
      <button type="button" onClick={onDismiss} className="ml-auto text-xs text-slate-500 hover:text-slate-800">
        Hide
      </button>
    </div>
  );
}

function StepsTable({ run, flow, onOpen }: { run: RunDetail; flow: Flow | null; onOpen: (nodeId: string) => void }) {
  if (!flow) return <Skeleton className="h-40" />;
  const stats = new Map(run.nodes.map((n) => [n.nodeId, n]));
  return (
    <div className="overflow-x-auto rounded-card border border-line bg-white">
      <Table>
        <THead>
          <tr>
            <TH>Step</TH>
            <TH>Status</TH>
            <TH className="text-right">In</TH>
            <TH className="text-right">Out</TH>
            <TH className="text-right">Failed</TH>
            <TH className="text-right">Time</TH>
          </tr>
        </THead>
        <TBody>
          {flow.nodes.map((node) => {
            const kind = definitionOf(node.kind);
            const nodeStats = stats.get(node.id);
            const mark = nodeRunMark(node.id, nodeStats, { errorNodeId: run.error?.nodeId, started: run.startedAt !== null, isTrigger: kind?.category === "trigger" });
            const role = nodeRole(kind?.category);
            const out = nodeStats ? Object.entries(nodeStats.out).filter(([port]) => port !== "error") : [];
            const hasOutputs = (kind?.outputs.length ?? 1) > 0;
            return (
              <TR key={node.id}>
                <TD>
                  <button
                    type="button"
                    onClick={() => onOpen(node.id)}
                    aria-label={`Open step ${node.label}: ${nodeLineText(mark, nodeStats, role)}`}
                    className="text-left font-medium text-slate-900 hover:text-accent-700 hover:underline"
                  >
                    {node.label}
                  </button>
                  <span className="block text-xs text-slate-500">{kind?.label ?? node.kind}</span>
                </TD>
                <TD>
                  <StatusChip tone={NODE_MARKS[mark].tone}>{NODE_MARKS[mark].label}</StatusChip>
                </TD>
                <TD className="text-right tabular-nums">{role === "step" ? formatCount(nodeStats?.in ?? 0) : "—"}</TD>
                <TD className="text-right tabular-nums">
                  {role === "trigger" || !hasOutputs
                    ? "—"
                    : out.length === 0
                      ? "0"
                      : out.map(([port, n]) => (port === "out" ? formatCount(n) : `${port} ${formatCount(n)}`)).join(" · ")}
                </TD>
                <TD className={cn("text-right tabular-nums", (nodeStats?.errors ?? 0) > 0 && "font-medium text-red-700")}>{formatCount(nodeStats?.errors ?? 0)}</TD>
                <TD className="text-right tabular-nums">{nodeStats && mark !== "idle" && role !== "trigger" ? formatDuration(nodeStats.ms) : "—"}</TD>
              </TR>
            );
          })}
        </TBody>
      </Table>
    </div>
  );
}
