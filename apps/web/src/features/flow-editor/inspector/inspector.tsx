"use client";

import type { NodeDefinition } from "@flowgate/engine";
import { renameNode, setNodeDisabled, setNodeErrorPolicy, updateNodeConfig, type ErrorPolicy, type FlowNode } from "@flowgate/flow";
import { kindRegistry } from "@flowgate/nodes/definitions";
import { Alert, cn, Field, Input, Select, useToast } from "@flowgate/ui";
import { useEffect, useMemo, useRef, useState } from "react";
import { KindIcon } from "@/components/icons";
import { FAMILY_TINTS } from "../canvas/kind-style";
import { inputSampleOf, useEditor, useEditorStore } from "../editor-store";
import { ConfigField } from "./config-form";
import { configPathOf, configProblemsOf, fieldProblemText, setAt, startsWith, type ConfigPath } from "./config-values";
import { ToggleRow } from "./controls";
import { FlowSettingsForm } from "./flow-settings-form";
import { formModelOf, type FieldModel } from "./form-model";
import { NodeFormContext, type NodeFormContextValue } from "./node-form-context";
import { sampleFieldPaths } from "./sample-fields";
import { WebhookPanel } from "./webhook-panel";

/*
 * The editor's right-hand panel: the selected node's settings as a form generated from its kind's
 * schema, the flow's settings when nothing is selected, and a count when several nodes are.
 */

const formModels = new Map<string, FieldModel>();

function formModelFor(kind: NodeDefinition): FieldModel {
  let model = formModels.get(kind.id);
  if (!model) {
    model = formModelOf(kind.configSchema, { connection: kind.connection !== undefined });
    formModels.set(kind.id, model);
  }
  return model;
}

export function Inspector({ flowId }: { flowId: string }) {
  const selected = useEditor((s) => s.selection.nodes);
  const root = useRef<HTMLDivElement>(null);
  useFocusRequests(root);

  return (
    // Delete and Backspace on a button here (a chip's remove, a switch) belong to the inspector: the
    // canvas's document-wide shortcut would otherwise delete the selected node.
    <div
      ref={root}
      className="flex min-h-full flex-col"
      onKeyDown={(event) => {
        if (event.key === "Delete" || event.key === "Backspace") event.stopPropagation();
      }}
    >
      {selected.length === 1 ? (
        <NodeInspector key={selected[0]} flowId={flowId} nodeId={selected[0]!} />
      ) : selected.length > 1 ? (
        <Panel title={`${selected.length} nodes selected`}>
          <p className="text-sm text-slate-600">Select one node to change its settings.</p>
        </Panel>
      ) : (
        <Panel title="Flow settings" subtitle="Select a node on the canvas to change its settings.">
          <FlowSettingsForm />
        </Panel>
      )}
    </div>
  );
}

function Panel({ title, subtitle, children }: { title: string; subtitle?: string; children: React.ReactNode }) {
  return (
    <section aria-label={title} className="space-y-4 p-4">
      <header>
        <h2 className="text-base font-semibold text-slate-900">{title}</h2>
        {subtitle ? <p className="mt-1 text-sm text-slate-500">{subtitle}</p> : null}
      </header>
      {children}
    </section>
  );
}

function NodeInspector({ flowId, nodeId }: { flowId: string; nodeId: string }) {
  const store = useEditorStore();
  const { toast } = useToast();
  const node = useEditor((s) => s.doc.nodes.find((n) => n.id === nodeId));
  const nodeProblems = useEditor((s) => s.problemsByNode.get(nodeId));
  const readOnly = useEditor((s) => s.readOnly);
  const dryRun = useEditor((s) => s.dryRun);
  const edges = useEditor((s) => s.doc.edges);
  const timezone = useEditor((s) => s.doc.settings.timezone);
  const kind = node ? (kindRegistry.get(node.kind) as NodeDefinition | undefined) : undefined;

  // The sample changes with the dry run and the node's incoming connections, not with every edit:
  // it is read from the store, keyed by those.
  const sample = useMemo(() => inputSampleOf(store.getSnapshot(), nodeId), [edges, dryRun, nodeId, store]);
  const sampleFields = useMemo(() => sampleFieldPaths(sample), [sample]);
  const problems = useMemo(() => configProblemsOf(nodeProblems), [nodeProblems]);

  const context = useMemo<NodeFormContextValue | null>(
    () =>
      kind
        ? {
            flowId,
            nodeId,
            kind,
            readOnly,
            sample,
            sampleFields,
            problems,
            timezone,
            setValue: (path: ConfigPath, value: unknown, options?: { typing?: boolean }) => {
              try {
                store.apply(
                  (doc) => {
                    const current = doc.nodes.find((n) => n.id === nodeId);
                    if (!current) return doc;
                    const next = setAt(current.config, path, value);
                    return updateNodeConfig(doc, nodeId, (next ?? {}) as Record<string, unknown>);
                  },
                  options?.typing ? { coalesceKey: `${nodeId}:${path.join(".")}` } : {},
                );
              } catch (error) {
                toast({ tone: "error", title: "The setting was not changed", description: error instanceof Error ? error.message : String(error) });
              }
            },
          }
        : null,
    [flowId, nodeId, kind, readOnly, sample, sampleFields, problems, timezone, store, toast],
  );

  if (!node) return null;
  if (!kind || !context) {
    return (
      <Panel title={node.label}>
        <Alert title="Unknown kind of node">
          This node is a “{node.kind}”, which this Flowgate does not know. Replace it with a node from the palette, or delete it.
        </Alert>
      </Panel>
    );
  }

  const model = formModelFor(kind);
  const topKeys = new Set(model.control.type === "group" ? model.control.object.fields.map((field) => field.key) : []);
  // Problems no field of the form shows (a rule across fields without a path, a field the form lacks).
  const unplaced = problems.filter((problem) => {
    if (problem.path.length === 0) return model.control.type === "group";
    return model.control.type === "group" && !topKeys.has(String(problem.path[0]));
  });
  const otherProblems = (nodeProblems ?? []).filter((problem) => problem.code !== "invalid_config");

  return (
    <NodeFormContext.Provider value={context}>
      <section aria-label={`Settings of ${node.label}`} className="divide-y divide-line">
        <NodeHeader node={node} kind={kind} readOnly={readOnly} />
        <div className="space-y-4 p-4">
          {unplaced.length + otherProblems.length > 0 ? (
            <Alert title={unplaced.length + otherProblems.length === 1 ? "One thing to fix" : "Things to fix"} live={false}>
              {[...unplaced.map((problem) => fieldProblemText(problem.message, "The settings")), ...otherProblems.map((p) => p.message)].join(" ")}
            </Alert>
          ) : null}
          {kind.id === "trigger.webhook" ? <WebhookPanel /> : null}
          {model.control.type === "group" && model.control.object.fields.length === 0 ? (
            <p className="text-sm text-slate-500">This step has nothing to set up.</p>
          ) : (
            <ConfigField field={model} path={[]} value={node.config} />
          )}
          {kind.inputs.length > 0 ? <ErrorPolicyField node={node} readOnly={readOnly} /> : null}
        </div>
      </section>
    </NodeFormContext.Provider>
  );
}

function NodeHeader({ node, kind, readOnly }: { node: FlowNode; kind: NodeDefinition; readOnly: boolean }) {
  const store = useEditorStore();
  const [label, setLabel] = useState(node.label);
  useEffect(() => {
    setLabel((current) => (current.trim() === node.label ? current : node.label));
  }, [node.label]);
  const empty = label.trim() === "";
  const labelId = `node-label-${node.id}`;

  return (
    <header className="space-y-3 p-4">
      <div className="flex items-center gap-2.5">
        <span className={cn("grid size-8 shrink-0 place-items-center rounded-md", FAMILY_TINTS[kind.category])}>
          <KindIcon name={kind.icon} className="size-4" />
        </span>
        <div className="min-w-0">
          <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">{kind.category}</p>
          <h2 className="truncate text-sm font-semibold text-slate-900">{kind.label}</h2>
        </div>
      </div>
      <p className="text-sm text-slate-600">{kind.description}</p>
      <Field id={labelId} label="Name" error={empty ? "Give the step a name: it is how runs and problems refer to it." : undefined}>
        <Input
          value={label}
          disabled={readOnly}
          onChange={(e) => {
            setLabel(e.target.value);
            if (e.target.value.trim() !== "") {
              store.apply((doc) => renameNode(doc, node.id, e.target.value), { coalesceKey: `${node.id}:label` });
            }
          }}
          onBlur={() => setLabel(node.label)}
        />
      </Field>
      <ToggleRow
        id={`node-disabled-${node.id}`}
        label="Disabled"
        hint={node.disabled ? "This step and the steps after it do not run." : "A disabled step does not run, nor do the steps after it."}
        checked={node.disabled === true}
        onChange={(disabled) => store.apply((doc) => setNodeDisabled(doc, node.id, disabled))}
        disabled={readOnly}
      />
    </header>
  );
}

const ON_ERROR_OPTIONS = [
  { value: "", label: "As the flow says" },
  { value: "fail", label: "Stop the run" },
  { value: "skip", label: "Skip the record and note the error" },
  { value: "route", label: "Send it to the error output" },
];

function ErrorPolicyField({ node, readOnly }: { node: FlowNode; readOnly: boolean }) {
  const store = useEditorStore();
  return (
    <div className="border-t border-line pt-4">
      <Field label="When a record fails" hint="“Error output”: connect the step's error port to handle those records.">
        <Select
          value={node.onError ?? ""}
          disabled={readOnly}
          onChange={(e) => store.apply((doc) => setNodeErrorPolicy(doc, node.id, (e.target.value || undefined) as ErrorPolicy | undefined))}
          options={ON_ERROR_OPTIONS}
        />
      </Field>
    </div>
  );
}

/**
 * A problem clicked elsewhere (the problems panel) selects its node and asks for its field: scroll to
 * the field and focus it, opening "More settings" when it is folded there.
 */
function useFocusRequests(root: React.RefObject<HTMLDivElement | null>) {
  const request = useEditor((s) => s.focusRequest);
  const selected = useEditor((s) => s.selection.nodes);
  const handled = useRef(0);
  useEffect(() => {
    if (!request || request.seq === handled.current || selected.length !== 1 || selected[0] !== request.nodeId) return;
    handled.current = request.seq;
    const target = configPathOf(request.path) ?? [];
    const frame = requestAnimationFrame(() => focusField(root.current, target));
    return () => cancelAnimationFrame(frame);
  }, [request, selected, root]);
}

function focusField(container: HTMLElement | null, target: ConfigPath) {
  if (!container) return;
  let best: HTMLElement | null = null;
  let bestLength = -1;
  for (const element of container.querySelectorAll<HTMLElement>("[data-config-path]")) {
    const key = element.dataset.configPath ?? "";
    const path = key === "" ? [] : key.split("/");
    const comparable = target.map(String);
    if (startsWith(comparable, path) && path.length > bestLength) {
      best = element;
      bestLength = path.length;
    }
  }
  const field = best ?? container.querySelector<HTMLElement>("section");
  if (!field) return;
  const details = field.closest("details");
  if (details) details.open = true;
  field.scrollIntoView({ block: "center", behavior: "smooth" });
  const focusable = field.querySelector<HTMLElement>("input:not([type=hidden]), select, textarea, [contenteditable=true], button[role=radio][tabindex='0'], button");
  focusable?.focus({ preventScroll: true });
}
