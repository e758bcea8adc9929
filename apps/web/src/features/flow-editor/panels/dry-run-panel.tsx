"use client";

import type { Flow } from "@flowgate/flow";
import { Alert, Button, cn, Spinner, StatusChip } from "@flowgate/ui";
import { useState } from "react";
import { RelativeTime } from "@/components/relative-time";
import { inputSampleOf, useEditor, useEditorStore, type DryRunView } from "../editor-store";
import type { DryRunResult } from "./dry-run-types";
import { configPath, dryRunFailure, nodeStatsText, opsSummary, progressText } from "./dry-run-text";
import { findNode, isDestination, kindLabel, nodeLabel } from "./node-info";
import { errorsOf, NodeErrors, NodeOutput, NodePlanned } from "./node-results";
import { NodeTest } from "./node-test";
import { RecordsTable } from "./records-table";
import { DRY_RUN_LIMIT, dryRunDocVersion, isFinished } from "./use-dry-run";
import { Tabs, type TabItem } from "./tabs";

type NodeTab = "input" | "output" | "errors" | "planned" | "test";

/**
 * The dry run's bottom panel: on the left what the whole run did (progress, the failure and where, or
 * the records read and each destination's planned writes); on the right the selected node's input,
 * output, errors and planned writes, and a test of that node on pinned input.
 */
export function DryRunPanel({ flowId, onStartDryRun }: { flowId: string; onStartDryRun?: () => void }) {
  const dryRun = useEditor((s) => s.dryRun);
  const doc = useEditor((s) => s.doc);
  const selectedId = useEditor((s) => (s.selection.nodes.length === 1 ? s.selection.nodes[0] : undefined));
  const selectedCount = useEditor((s) => s.selection.nodes.length);
  // Node tests by node, so a test result is still there after looking at another node.
  const [tests, setTests] = useState<Record<string, string>>({});
  // "3 in “Map prices”" opens that node on its Errors tab; `seq` reopens it when it is already selected.
  const [tabRequest, setTabRequest] = useState<{ nodeId: string; tab: NodeTab; seq: number } | null>(null);
  const store = useEditorStore();
  const showErrors = (nodeId: string) => {
    setTabRequest((current) => ({ nodeId, tab: "errors", seq: (current?.seq ?? 0) + 1 }));
    store.select({ nodes: [nodeId] });
  };
  const requested = tabRequest && tabRequest.nodeId === selectedId ? tabRequest : null;

  return (
    // Container queries: the panel is as wide as the canvas column, not the window.
    <div className="@container px-4 py-3">
      <div className="grid min-h-0 gap-x-6 gap-y-4 @3xl:grid-cols-[minmax(16rem,20rem)_minmax(0,1fr)]">
        <section aria-label="Dry run summary" className="min-w-0">
          <DryRunSummary view={dryRun} doc={doc} onStartDryRun={onStartDryRun} onShowErrors={showErrors} />
        </section>
        {/* In a narrow panel the selected node comes first: it is what the person just clicked. */}
        <section aria-label="Selected node" className={cn("min-w-0", selectedId && "order-first @3xl:order-none")}>
          {selectedId && findNode(doc, selectedId) ? (
            <NodeDetail
              key={`${selectedId}:${requested?.seq ?? 0}`}
              flowId={flowId}
              nodeId={selectedId}
              initialTab={requested?.tab}
              testId={tests[selectedId] ?? null}
              onTest={(id) => setTests((current) => ({ ...current, [selectedId]: id }))}
            />
          ) : (
            <p className="py-2 text-sm text-slate-500">
              {selectedCount > 1
                ? "Several nodes are selected: select one to see what reached it and what it passed on."
                : "Select a node on the canvas to see what reached it and what it passed on, or to test it on records of your own."}
            </p>
          )}
        </section>
      </div>
    </div>
  );
}

function DryRunSummary({
  view,
  doc,
  onStartDryRun,
  onShowErrors,
}: {
  view: DryRunView | null;
  doc: Flow;
  onStartDryRun?: () => void;
  onShowErrors: (nodeId: string) => void;
}) {
  const store = useEditorStore();
  const labelOf = (id: string) => nodeLabel(doc, id);

  if (!view) {
    return (
      <div className="py-2">
        <h3 className="text-sm font-semibold text-slate-900">No dry run yet</h3>
        <p className="mt-1 text-sm text-slate-600">
          A dry run reads the first {DRY_RUN_LIMIT} records from the source and passes them through every node, writing nothing.
          You see the count on each connection and what each destination would create, update and delete.
        </p>
        {onStartDryRun ? (
          <Button className="mt-3" size="sm" onClick={onStartDryRun}>
            Start a dry run
          </Button>
        ) : (
          <p className="mt-2 text-sm text-slate-600">Press “Dry run” at the top to start one.</p>
        )}
      </div>
    );
  }

  if (view.status === "queued" || view.status === "running") {
    const progress = progressText(view);
    return (
      <div role="status" className="flex items-start gap-3 py-2">
        <Spinner className="mt-0.5 size-5 text-accent-600" />
        <div>
          <p className="text-sm font-medium text-slate-900">{progress.title}</p>
          <p className="mt-0.5 text-sm text-slate-600">{progress.detail}</p>
        </div>
      </div>
    );
  }

  const failure = dryRunFailure(view, labelOf);
  if (failure) {
    const { nodeId, field } = failure;
    return (
      <div className="py-1">
        <Alert title={failure.title}>{failure.message}</Alert>
        {nodeId && findNode(doc, nodeId) ? (
          <Button
            className="mt-2"
            size="sm"
            variant="secondary"
            onClick={() => store.focusField(nodeId, field ? configPath(field) : [])}
          >
            Show “{labelOf(nodeId)}”
          </Button>
        ) : null}
        <Finished view={view} />
      </div>
    );
  }

  const result = view.result;
  if (!result) return null;
  return <DryRunSucceeded view={view} result={result} doc={doc} onShowErrors={onShowErrors} />;
}

function Finished({ view }: { view: DryRunView }) {
  const store = useEditorStore();
  const version = useEditor((s) => s.version);
  if (!view.finishedAt) return null;
  const startedFrom = dryRunDocVersion(store, view.id);
  return (
    <p className="mt-2 text-xs text-slate-500">
      Finished <RelativeTime value={view.finishedAt} />.
      {startedFrom !== undefined && startedFrom !== version ? " The flow has changed since: run it again to see the effect." : null}
    </p>
  );
}

function DryRunSucceeded({
  view,
  result,
  doc,
  onShowErrors,
}: {
  view: DryRunView;
  result: DryRunResult;
  doc: Flow;
  onShowErrors: (nodeId: string) => void;
}) {
  const store = useEditorStore();
  const destinations = doc.nodes.filter((node) => isDestination(node) && (result.nodes[node.id] || result.planned[node.id] || result.notPreviewable[node.id]));
  const withErrors = result.status === "succeeded_with_errors" || result.errors.length > 0;
  return (
    <div className="space-y-3 py-1">
      <div className="flex flex-wrap items-center gap-2">
        <StatusChip tone={withErrors ? "warning" : "success"}>{withErrors ? "Succeeded with errors" : "Dry run succeeded"}</StatusChip>
        <span className="text-sm text-slate-700">
          Read {result.recordsRead} {result.recordsRead === 1 ? "record" : "records"}
        </span>
      </div>
      {result.truncated ? (
        <p className="text-sm text-slate-600">
          The source has more records: these counts are for the first {view.options.limit}. A real run reads them all.
        </p>
      ) : null}
      {withErrors ? <FailedRecords result={result} doc={doc} onShowErrors={onShowErrors} /> : null}
      <div>
        <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Planned writes</h3>
        {destinations.length === 0 ? (
          <p className="mt-1 text-sm text-slate-600">No destination was reached, so nothing would be written.</p>
        ) : (
          <ul className="mt-1 space-y-1">
            {destinations.map((node) => {
              const notPreviewable = result.notPreviewable[node.id];
              return (
                <li key={node.id}>
                  <button
                    type="button"
                    onClick={() => store.select({ nodes: [node.id] })}
                    className="w-full rounded-control px-2 py-1.5 text-left text-sm hover:bg-slate-50"
                  >
                    <span className="block font-medium text-slate-900">{node.label}</span>
                    <span className="block text-slate-600">
                      {notPreviewable ? "Cannot preview its writes" : opsSummary(result.planned[node.id] ?? [])}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </div>
      <Finished view={view} />
    </div>
  );
}

/** Which nodes had records fail, each a button that opens that node's errors. */
function FailedRecords({ result, doc, onShowErrors }: { result: DryRunResult; doc: Flow; onShowErrors: (nodeId: string) => void }) {
  const failing = doc.nodes
    .map((node) => ({ node, count: result.nodes[node.id]?.errors ?? 0 }))
    .filter(({ count }) => count > 0);
  const total = failing.reduce((sum, { count }) => sum + count, 0) || result.errors.length;
  return (
    <div>
      <p className="text-sm text-amber-800">
        {total} {total === 1 ? "record" : "records"} failed{failing.length > 0 ? ":" : "."}
      </p>
      {failing.length > 0 ? (
        <ul className="mt-1 space-y-0.5">
          {failing.map(({ node, count }) => (
            <li key={node.id}>
              <button
                type="button"
                onClick={() => onShowErrors(node.id)}
                className="rounded-control px-2 py-0.5 text-left text-sm text-slate-700 hover:bg-slate-50 hover:underline"
              >
                {count} in “{node.label}”
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function NodeDetail({
  flowId,
  nodeId,
  initialTab,
  testId,
  onTest,
}: {
  flowId: string;
  nodeId: string;
  initialTab?: NodeTab;
  testId: string | null;
  onTest: (dryRunId: string) => void;
}) {
  const snapshot = useEditor();
  const node = findNode(snapshot.doc, nodeId);
  // A failed dry run still has what passed before the failure: often just what is needed to see why.
  const result = snapshot.dryRun?.result ?? null;
  const destination = isDestination(node);
  // A destination's point is what it would write; a node with a test result shows that result again.
  const [tab, setTab] = useState<NodeTab>(initialTab ?? (testId ? "test" : destination ? "planned" : "output"));
  if (!node) return null;

  const label = node.label || node.id;
  const input = inputSampleOf(snapshot, nodeId);
  const errors = result ? errorsOf(result, nodeId) : [];
  const stats = result ? nodeStatsText(result, nodeId) : null;
  const items: TabItem<NodeTab>[] = [
    { id: "input", label: "Input" },
    { id: "output", label: "Output" },
    { id: "errors", label: "Errors", ...(result && { count: errors.length }) },
    ...(destination ? [{ id: "planned" as const, label: "Planned writes" }] : []),
    ...(snapshot.readOnly ? [] : [{ id: "test" as const, label: "Test this node" }]),
  ];
  const current = items.some((item) => item.id === tab) ? tab : "output";
  const noResult = (
    <p className="text-sm text-slate-500">
      {snapshot.dryRun && !isFinished(snapshot.dryRun)
        ? "Shown once the dry run has finished."
        : snapshot.dryRun
          ? "The dry run stopped before it reached this node."
          : "Run a dry run to see the records here, or test this node on records of your own."}
    </p>
  );

  return (
    <div>
      <div className="flex flex-wrap items-baseline gap-x-2">
        <h3 className="text-sm font-semibold text-slate-900">{label}</h3>
        <span className="text-xs text-slate-500">{kindLabel(node.kind)}</span>
        {stats ? <span className="ml-auto text-xs text-slate-600 tabular-nums">{stats}</span> : null}
        {result && !stats ? <span className="ml-auto text-xs text-slate-500">Did not run in this dry run</span> : null}
      </div>
      <Tabs label={`Dry run of ${label}`} items={items} selected={current} onSelect={setTab} className="mt-1">
        {current === "input" ? (
          result ? (
            <RecordsTable records={input} total={result.nodes[nodeId]?.in} label={`Input of ${label}`} empty="No records reached this node." />
          ) : (
            noResult
          )
        ) : current === "output" ? (
          result ? <NodeOutput result={result} nodeId={nodeId} label={label} /> : noResult
        ) : current === "errors" ? (
          result ? <NodeErrors errors={errors} label={label} /> : noResult
        ) : current === "planned" ? (
          result ? <NodePlanned result={result} nodeId={nodeId} label={label} /> : noResult
        ) : (
          <NodeTest flowId={flowId} node={node} upstream={input} testId={testId} onTest={onTest} />
        )}
      </Tabs>
    </div>
  );
}
