"use client";

import { Alert, Card, CardHeader, PageHeader, Skeleton, Table, TBody, TD, TH, THead, TR } from "@flowgate/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ErrorState } from "@/components/error-state";
import { ChevronLeftIcon } from "@/components/icons";
import { RelativeTime } from "@/components/relative-time";
import { errorCode } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { RunStatusChip } from "../../flows/flow-status";

/**
 * One run, as the editor's "Run now" and the flows list link to it: status (live until it ends),
 * counts, the failure, and each step's numbers. The full run page (canvas, samples, errors, retry)
 * comes with run history.
 */
export function RunSummaryView({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const run = useQuery(trpc.runs.get.queryOptions({ runId }, { refetchInterval: (query) => (query.state.data?.finishedAt ? false : 1000) }));
  // The version the run pinned names its steps (and orders them as drawn).
  const version = useQuery({
    ...trpc.flows.getVersion.queryOptions({ flowId: run.data?.flowId ?? "", versionId: run.data?.flowVersionId ?? "" }),
    enabled: run.data !== undefined,
    staleTime: Infinity,
  });

  if (run.isPending) {
    return (
      <div aria-busy="true" aria-label="Loading run">
        <Skeleton className="mb-6 h-8 w-72" />
        <Skeleton className="h-48" />
      </div>
    );
  }
  if (run.isError) {
    const missing = errorCode(run.error) === "NOT_FOUND";
    return (
      <>
        <PageHeader title={missing ? "Run not found" : "Run"} />
        <ErrorState
          title={missing ? "This run does not exist in this workspace (its history may have been pruned)" : "This run could not be loaded"}
          error={run.error}
          onRetry={missing ? undefined : () => void run.refetch()}
          retrying={run.isRefetching}
        />
      </>
    );
  }

  const data = run.data;
  const drawn = ((version.data?.document as { nodes?: { id: string; label: string }[] } | undefined)?.nodes ?? []).map((n) => [n.id, n.label] as const);
  const labels = new Map(drawn);
  const order = new Map(drawn.map(([id], i) => [id, i]));
  const steps = [...data.nodes].sort((a, b) => (order.get(a.nodeId) ?? Infinity) - (order.get(b.nodeId) ?? Infinity));
  const seconds = data.startedAt && data.finishedAt ? (new Date(data.finishedAt).getTime() - new Date(data.startedAt).getTime()) / 1000 : null;
  return (
    <>
      <PageHeader
        eyebrow={
          <Link href={`/flows/${data.flowId}`} className="inline-flex items-center gap-1 hover:text-slate-800">
            <ChevronLeftIcon className="size-4" />
            {data.flowName}
          </Link>
        }
        title={`Run of ${data.flowName}`}
        meta={<RunStatusChip status={data.status} />}
        description={
          <>
            Version {data.versionNumber}, started {data.trigger === "manual" ? "by hand" : `by ${data.trigger}`} <RelativeTime value={data.createdAt} />
            {seconds !== null ? `, took ${seconds.toFixed(1)} s` : ""}.
          </>
        }
      />
      {data.error ? (
        <Alert className="mb-6">
          {data.error.message}
          {data.error.problems?.length ? (
            <ul className="mt-2 list-disc pl-5">
              {data.error.problems.map((p, i) => (
                <li key={i}>{p.message}</li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}
      <dl className="mb-6 grid grid-cols-3 gap-4">
        {(
          [
            ["Records read", data.counts.read],
            ["Written", data.counts.written],
            ["Failed", data.counts.errors],
          ] as const
        ).map(([label, value]) => (
          <Card key={label} className="px-5 py-4">
            <dt className="text-sm text-slate-500">{label}</dt>
            <dd className="mt-1 text-2xl font-semibold text-slate-900 tabular-nums">{value.toLocaleString()}</dd>
          </Card>
        ))}
      </dl>
      <Card>
        <CardHeader title="Steps" description={data.finishedAt ? `Finished ${formatDateTime(data.finishedAt)}.` : "Counts update while the run goes on."} />
        {steps.length === 0 ? (
          <p className="px-5 py-4 text-sm text-slate-500">No step has reported yet.</p>
        ) : (
          <Table>
            <THead>
              <TR>
                <TH>Step</TH>
                <TH className="text-right">In</TH>
                <TH className="text-right">Out</TH>
                <TH className="text-right">Errors</TH>
                <TH className="text-right">Time</TH>
              </TR>
            </THead>
            <TBody>
              {steps.map((node) => (
                <TR key={node.nodeId}>
                  <TD className="font-medium text-slate-800">{labels.get(node.nodeId) ?? node.nodeId}</TD>
                  <TD className="text-right tabular-nums">{node.in.toLocaleString()}</TD>
                  <TD className="text-right tabular-nums">
                    {Object.entries(node.out)
                      .map(([port, n]) => (port === "out" ? n.toLocaleString() : `${port} ${n.toLocaleString()}`))
                      .join(" · ") || "0"}
                  </TD>
                  <TD className="text-right tabular-nums">{node.errors.toLocaleString()}</TD>
                  <TD className="text-right tabular-nums">{node.ms.toLocaleString()} ms</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
      </Card>
    </>
  );
}
