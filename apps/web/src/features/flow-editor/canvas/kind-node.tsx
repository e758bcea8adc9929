"use client";

import { renameNode } from "@flowgate/flow";
import { cn } from "@flowgate/ui";
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from "@xyflow/react";
import { memo, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { KindIcon } from "@/components/icons";
import { useEditor, useEditorStore, type DiffMark } from "../editor-store";
import { setRenaming, useRenaming } from "./canvas-bridge";
import type { CanvasNode } from "./elements";
import { FAMILY_TINTS } from "./kind-style";

/*
 * One component for every node kind (the React Flow node type is the kind id). It only shows the
 * node: its kind, name, problems, dry-run counts and ports. Nothing runs in here.
 */

const DIFF_STYLES: Record<DiffMark, { outline: string; chip: string; text: string }> = {
  added: { outline: "outline-2 outline-offset-4 outline-emerald-500", chip: "bg-emerald-100 text-emerald-800", text: "Added" },
  removed: { outline: "outline-2 outline-offset-4 outline-dashed outline-red-500", chip: "bg-red-100 text-red-800", text: "Removed" },
  changed: { outline: "outline-2 outline-offset-4 outline-amber-500", chip: "bg-amber-100 text-amber-800", text: "Changed" },
};

/** The vertical centre of the header, where a node's main input and output sit. */
const HEADER_MIDDLE = 28;

function KindNodeView({ id, data, selected }: NodeProps<CanvasNode>) {
  const { node, kind, ports, problems, counts, diff } = data;
  const updateNodeInternals = useUpdateNodeInternals();
  const drawnPorts = useRef(ports);
  useEffect(() => {
    // Handles came or went (a route was added or renamed): React Flow must measure them again.
    if (drawnPorts.current !== ports) {
      drawnPorts.current = ports;
      updateNodeInternals(id);
    }
  }, [id, ports, updateNodeInternals]);

  const outputs = [...ports.outputs, ...ports.strayOutputs];
  const labelled = outputs.length > 1 || ports.strayOutputs.length > 0;
  const rows = labelled ? [...outputs, ...(ports.errorPort ? ["error"] : [])] : [];
  const inputs = [...ports.inputs, ...ports.strayInputs];
  const kindLabel = kind?.label ?? `Unknown kind “${node.kind}”`;
  const diffStyle = diff ? DIFF_STYLES[diff] : null;
  const stray = (port: string, side: "in" | "out") => (side === "in" ? ports.strayInputs : ports.strayOutputs).includes(port);

  return (
    <div
      className={cn(
        "relative w-56 rounded-lg border bg-white shadow-card transition-[box-shadow,border-color]",
        selected ? "border-accent-500 ring-2 ring-accent-500/30" : "border-slate-300 hover:border-slate-400",
        node.disabled && "border-dashed opacity-60",
        diffStyle?.outline,
      )}
    >
      {diffStyle ? (
        <span className={cn("absolute -top-2.5 left-3 rounded px-1.5 text-[10px] leading-4 font-semibold", diffStyle.chip)}>{diffStyle.text}</span>
      ) : null}
      {inputs.map((port, i) => (
        <Handle
          key={`in:${port}`}
          type="target"
          position={Position.Left}
          id={port}
          style={{ top: HEADER_MIDDLE + i * 24 }}
          className={cn(stray(port, "in") && "flowgate-handle-stray")}
          aria-label={`${node.label}: input ${port}`}
          title={stray(port, "in") ? `This node has no input “${port}”: delete the connection` : `Input ${port}`}
        />
      ))}

      <div className="relative flex items-start gap-3 p-3">
        <span className={cn("grid size-8 shrink-0 place-items-center rounded-md", kind ? FAMILY_TINTS[kind.category] : "bg-red-50 text-red-700")}>
          <KindIcon name={kind?.icon ?? ""} className="size-4" />
        </span>
        <div className="min-w-0 flex-1">
          <NodeName nodeId={id} label={node.label} />
          <p className="truncate text-xs text-slate-500" title={kind?.description}>
            {kindLabel}
            {node.disabled ? " · Disabled" : ""}
          </p>
        </div>
        {!labelled && outputs[0] !== undefined ? (
          <Handle type="source" position={Position.Right} id={outputs[0]} style={{ top: HEADER_MIDDLE }} aria-label={`${node.label}: output ${outputs[0]}`} title={`Output ${outputs[0]}`} />
        ) : null}
      </div>

      {problems.length > 0 ? (
        <span
          role="img"
          aria-label={problems.length === 1 ? "1 problem" : `${problems.length} problems`}
          title={problems.join("\n")}
          className="absolute -top-2 -right-2 grid h-5 min-w-5 place-items-center rounded-full bg-red-600 px-1 text-[11px] font-semibold text-white shadow-sm"
        >
          {problems.length}
        </span>
      ) : null}

      {rows.length > 0 ? (
        <div className="border-t border-slate-100 py-1">
          {rows.map((port) => {
            const isError = port === "error" && ports.errorPort;
            const isStray = stray(port, "out");
            return (
              <div key={port} className="relative flex h-6 items-center justify-end pr-3.5 text-xs">
                <span className={cn("truncate", isStray ? "text-red-700" : isError ? "text-rose-600" : "text-slate-600")}>{port}</span>
                <Handle
                  type="source"
                  position={Position.Right}
                  id={port}
                  className={cn(isError && "flowgate-handle-error", isStray && "flowgate-handle-stray")}
                  aria-label={`${node.label}: output ${port}`}
                  title={isStray ? `This node has no output “${port}” any more: delete the connection` : isError ? "Records this node could not process" : `Output ${port}`}
                />
              </div>
            );
          })}
        </div>
      ) : null}

      {counts || (ports.errorPort && !labelled) ? (
        <div className="relative flex h-6 items-center gap-2 border-t border-slate-100 px-3 text-[11px] text-slate-500">
          {counts ? <RunCounts counts={counts} hasInputs={inputs.length > 0} hasOutputs={outputs.length > 0} /> : null}
          {ports.errorPort && !labelled ? (
            <>
              <span className="ml-auto pr-0.5 text-rose-600">error</span>
              <Handle
                type="source"
                position={Position.Right}
                id="error"
                className="flowgate-handle-error"
                aria-label={`${node.label}: output error`}
                title="Records this node could not process"
              />
            </>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function RunCounts({ counts, hasInputs, hasOutputs }: { counts: NonNullable<CanvasNode["data"]["counts"]>; hasInputs: boolean; hasOutputs: boolean }) {
  const n = (value: number) => value.toLocaleString("en");
  const parts = [hasInputs ? `${n(counts.in)} in` : null, hasOutputs || !hasInputs ? `${n(counts.out)} out` : null].filter(Boolean);
  return (
    <span className="truncate" title="Records in the latest dry run">
      {parts.join(" → ")}
      {counts.errors > 0 ? <span className="text-red-700"> · {n(counts.errors)} {counts.errors === 1 ? "error" : "errors"}</span> : null}
    </span>
  );
}

/** The node's name; double-click (or F2 on the selected node) to rename it in place. */
function NodeName({ nodeId, label }: { nodeId: string; label: string }) {
  const store = useEditorStore();
  const readOnly = useEditor((s) => s.readOnly);
  const requested = useRenaming(store, nodeId);
  const [editing, setEditing] = useState(false);
  const renaming = !readOnly && (editing || requested);

  const stop = () => {
    setEditing(false);
    setRenaming(store, null);
  };

  if (!renaming) {
    return (
      <p
        className="truncate text-sm font-medium text-slate-900"
        title={readOnly ? label : `${label} (double-click to rename)`}
        onDoubleClick={(event) => {
          if (readOnly) return;
          event.stopPropagation();
          setEditing(true);
        }}
      >
        {label}
      </p>
    );
  }
  return <NameInput label={label} onDone={stop} onCommit={(value) => store.apply((doc) => renameNode(doc, nodeId, value), { coalesceKey: `rename:${nodeId}` })} />;
}

function NameInput({ label, onCommit, onDone }: { label: string; onCommit: (value: string) => void; onDone: () => void }) {
  const finished = useRef(false);
  const finish = (value: string | null) => {
    if (finished.current) return;
    finished.current = true;
    const name = value?.trim();
    if (name && name !== label) {
      try {
        onCommit(name);
      } catch {
        // An invalid name (empty, too long) keeps the old one; the field's limits make this rare.
      }
    }
    onDone();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    // The canvas's own keys (Delete, Escape, arrows) must not act on the node while its name is edited.
    event.stopPropagation();
    if (event.key === "Enter") finish(event.currentTarget.value);
    else if (event.key === "Escape") finish(null);
  };
  return (
    <input
      aria-label="Node name"
      defaultValue={label}
      maxLength={200}
      autoFocus
      onFocus={(event) => event.currentTarget.select()}
      onKeyDown={onKeyDown}
      onBlur={(event) => finish(event.currentTarget.value)}
      className="nodrag nopan -mx-1 -my-0.5 block w-[calc(100%+0.5rem)] rounded border border-accent-400 bg-white px-1 py-0.5 text-sm font-medium text-slate-900 outline-none focus:ring-2 focus:ring-accent-500/25"
    />
  );
}

/**
 * Re-renders only when what it shows changes: its data (new only when the node, its ports or its
 * overlays changed) or its selection. React Flow also passes position and size, which change on
 * every drag step and after measuring; the card does not draw them, so a 500-node flow does not
 * draw every card again when it is measured or dragged.
 */
export const KindNode = memo(KindNodeView, (before, after) => before.id === after.id && before.data === after.data && before.selected === after.selected);
