"use client";

import type { FlowProblem } from "@flowgate/flow";
import { AlertIcon, CheckCircleIcon } from "@/components/icons";
import { useEditor, useEditorStore } from "../editor-store";
import { findNode } from "./node-info";
import { configPathOf, isEdgeProblem, messageBeside, problemPlace } from "./problems";

/**
 * Every problem validateFlow finds in the draft, each a button: a node's problem selects the node
 * and asks the inspector to focus the field; a connection's selects the connection; a flow-wide one
 * clears the selection so the inspector shows the flow's settings.
 */
export function ProblemsPanel() {
  const store = useEditorStore();
  const problems = useEditor((s) => s.problems);
  const doc = useEditor((s) => s.doc);

  if (problems.length === 0) {
    return (
      <div role="status" className="flex items-center gap-2 px-4 py-3 text-sm text-slate-700">
        <CheckCircleIcon className="size-5 text-emerald-600" />
        No problems: the flow can be published.
      </div>
    );
  }

  function open(problem: FlowProblem) {
    if (isEdgeProblem(problem)) store.select({ edges: [problem.edgeId] });
    else if (problem.nodeId && findNode(doc, problem.nodeId)) store.focusField(problem.nodeId, configPathOf(problem));
    else if (problem.nodeIds?.length) store.select({ nodes: problem.nodeIds });
    else store.select({});
  }

  return (
    <div className="px-4 py-3">
      <p className="mb-2 text-sm text-slate-600">
        {problems.length === 1 ? "1 problem stops" : `${problems.length} problems stop`} the flow from being published. Click
        one to go to it.
      </p>
      <ul aria-label="Problems" className="divide-y divide-slate-100 rounded-control border border-line bg-white">
        {problems.map((problem, index) => {
          const place = problemPlace(doc, problem);
          return (
            <li key={`${problem.code}-${problem.path.join(".")}-${index}`}>
              <button
                type="button"
                onClick={() => open(problem)}
                className="flex w-full items-start gap-3 px-3 py-2 text-left text-sm hover:bg-slate-50 focus-visible:bg-slate-50"
              >
                <AlertIcon className="mt-0.5 size-4 shrink-0 text-red-600" />
                <span className="min-w-0">
                  <span className="font-medium text-slate-900">{place}</span>
                  <span className="text-slate-400"> · </span>
                  <span className="text-slate-700">{messageBeside(place, problem.message)}</span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
