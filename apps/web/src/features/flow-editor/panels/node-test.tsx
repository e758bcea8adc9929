"use client";

import type { FlowNode } from "@flowgate/flow";
import { Alert, Button, Field, Spinner, Textarea } from "@flowgate/ui";
import { useMutation } from "@tanstack/react-query";
import { useId, useState } from "react";
import { errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { useEditorStore } from "../editor-store";
import { dryRunFailure, nodeStatsText } from "./dry-run-text";
import { hasInputs, isDestination, nodeLabel } from "./node-info";
import { errorsOf, NodeErrors, NodeOutput, NodePlanned } from "./node-results";
import { parsePinnedInput, type JsonRecord } from "./records";
import { DRY_RUN_LIMIT, isFinished, useDryRunResult } from "./use-dry-run";

type Source = "upstream" | "pasted";

const PLACEHOLDER = '[\n  { "sku": "A-100", "price": 12.5, "stock": 3 }\n]';

/**
 * Runs the flow from one node on pinned input: the records that reached it in the last dry run, or
 * JSON pasted by the person (a webhook body, a record that misbehaves). Kept apart from the whole-flow
 * dry run so testing a node does not replace what the canvas shows.
 */
export function NodeTest({
  flowId,
  node,
  upstream,
  testId,
  onTest,
}: {
  flowId: string;
  node: FlowNode;
  upstream: JsonRecord[];
  testId: string | null;
  onTest: (dryRunId: string) => void;
}) {
  const trpc = useTRPC();
  const store = useEditorStore();
  const takesInput = hasInputs(node);
  const [source, setSource] = useState<Source>(takesInput && upstream.length > 0 ? "upstream" : "pasted");
  const [text, setText] = useState("");
  const [inputError, setInputError] = useState<string | undefined>();
  const begin = useMutation(trpc.flows.dryRun.mutationOptions({ onSuccess: ({ dryRunId }) => onTest(dryRunId) }));
  const poll = useDryRunResult(testId);
  const running = begin.isPending || (testId !== null && !poll.isError && !isFinished(poll.data));
  const name = useId();
  const label = node.label || node.id;

  function choose(next: Source) {
    setSource(next);
    setInputError(undefined);
    // Start the pasted text from the upstream sample: editing a record is easier than typing one.
    if (next === "pasted" && !text.trim() && upstream.length > 0) setText(JSON.stringify(upstream.slice(0, 5), null, 2));
  }

  function run() {
    let input: JsonRecord[];
    if (source === "upstream") {
      input = upstream;
    } else {
      const parsed = parsePinnedInput(text);
      if (!parsed.ok) {
        setInputError(parsed.message);
        return;
      }
      input = parsed.records;
    }
    setInputError(undefined);
    begin.mutate({ flowId, document: store.getSnapshot().doc, nodeId: node.id, input, limit: DRY_RUN_LIMIT });
  }

  const upstreamUsable = takesInput && upstream.length > 0;
  const canRun = !running && (source === "pasted" || upstreamUsable);

  return (
    <div className="space-y-4">
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Test input</legend>
        <div className="mt-1.5 flex flex-wrap gap-x-5 gap-y-1 text-sm text-slate-700">
          <label className="inline-flex items-center gap-2">
            <input
              type="radio"
              name={name}
              checked={source === "upstream"}
              disabled={!upstreamUsable}
              onChange={() => choose("upstream")}
              className="accent-accent-600"
            />
            Records from the dry run
            <span className="text-slate-500">
              {upstreamUsable ? `(${upstream.length})` : takesInput ? "(run a dry run first)" : "(this node has no input)"}
            </span>
          </label>
          <label className="inline-flex items-center gap-2">
            <input type="radio" name={name} checked={source === "pasted"} onChange={() => choose("pasted")} className="accent-accent-600" />
            Pasted JSON
          </label>
        </div>
      </fieldset>

      {source === "pasted" ? (
        <Field
          label="Test input JSON"
          hint={
            takesInput
              ? "One record as a JSON object, or several as an array of objects."
              : "The records this node starts the flow with, e.g. the body a webhook would receive."
          }
          error={inputError}
        >
          <Textarea
            value={text}
            onChange={(event) => {
              setText(event.target.value);
              if (inputError) setInputError(undefined);
            }}
            placeholder={PLACEHOLDER}
            spellCheck={false}
            rows={6}
            className="font-mono text-xs leading-5"
          />
        </Field>
      ) : null}

      <div className="flex items-center gap-3">
        <Button variant="secondary" size="sm" onClick={run} disabled={!canRun} loading={running}>
          Test this node
        </Button>
        <span className="text-xs text-slate-500">Runs “{label}” and what follows it on this input. Nothing is written.</span>
      </div>

      {begin.isError ? <Alert title="The test did not start">{errorMessage(begin.error)}</Alert> : null}
      {poll.isError ? <Alert title="The test result could not be read">{errorMessage(poll.error)} Test the node again.</Alert> : null}
      {testId && !poll.isError ? <TestResult view={poll.data} nodeId={node.id} node={node} /> : null}
    </div>
  );
}

function TestResult({ view, nodeId, node }: { view: ReturnType<typeof useDryRunResult>["data"]; nodeId: string; node: FlowNode }) {
  const store = useEditorStore();
  const label = node.label || node.id;
  if (!view || !isFinished(view)) {
    return (
      <div role="status" className="flex items-center gap-2 text-sm text-slate-700">
        <Spinner className="text-accent-600" />
        Testing “{label}”…
      </div>
    );
  }
  const failure = dryRunFailure(view, (id) => nodeLabel(store.getSnapshot().doc, id));
  if (failure) return <Alert title={failure.title}>{failure.message}</Alert>;
  const result = view.result;
  if (!result) return null;
  const stats = nodeStatsText(result, nodeId);
  const errors = errorsOf(result, nodeId);
  return (
    <section aria-label={`Test result of ${label}`} className="space-y-4 border-t border-line pt-3">
      <div className="flex flex-wrap items-baseline gap-2">
        <h4 className="text-sm font-semibold text-slate-900">Test result</h4>
        {stats ? <span className="text-xs text-slate-600 tabular-nums">{stats}</span> : null}
      </div>
      <NodeOutput result={result} nodeId={nodeId} label={`${label} (test)`} />
      {errors.length > 0 ? (
        <div>
          <h4 className="mb-1 text-xs font-semibold tracking-wide text-red-700 uppercase">Errors</h4>
          <NodeErrors errors={errors} label={`${label} (test)`} />
        </div>
      ) : null}
      {isDestination(node) ? (
        <div>
          <h4 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">Planned writes</h4>
          <NodePlanned result={result} nodeId={nodeId} label={`${label} (test)`} />
        </div>
      ) : null}
    </section>
  );
}
