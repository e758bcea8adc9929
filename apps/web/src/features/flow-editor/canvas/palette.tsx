"use client";

import type { NodeDefinition } from "@flowgate/engine";
import { cn, Input, useToast } from "@flowgate/ui";
import { useId, useMemo, useState, type DragEvent } from "react";
import { KindIcon } from "@/components/icons";
import { useEditor, useEditorStore } from "../editor-store";
import { addKindNode } from "./actions";
import { FAMILY_TINTS } from "./kind-style";
import { definitions, KIND_MIME, paletteGroups } from "./kinds";

/**
 * The node kinds by family, with search. Drag a kind onto the canvas, or click it (Enter) to add it
 * after the selected node, connected, or in the middle of the view when nothing is selected.
 */
export function Palette() {
  const store = useEditorStore();
  const { toast } = useToast();
  const readOnly = useEditor((s) => s.readOnly);
  const [query, setQuery] = useState("");
  const groups = useMemo(() => paletteGroups(definitions, query), [query]);
  const id = useId();

  return (
    <div className="flex min-h-full flex-col">
      <div className="sticky top-0 z-10 border-b border-line bg-white p-3">
        <Input type="search" aria-label="Search node kinds" placeholder="Search nodes…" value={query} onChange={(event) => setQuery(event.target.value)} />
        <p className="mt-2 text-xs text-slate-500">
          {readOnly ? "You can look at this flow but not change it." : "Drag onto the canvas, or click to add after the selected node."}
        </p>
      </div>
      <div className="flex-1 space-y-4 px-2 py-3">
        {groups.length === 0 ? (
          <p className="px-2 text-sm text-slate-500">
            No node matches “{query.trim()}”. Try another word, such as “file” or “filter”.
          </p>
        ) : null}
        {groups.map((group) => (
          <section key={group.category} aria-labelledby={`${id}-${group.category}`}>
            <h2 id={`${id}-${group.category}`} className="mb-1 px-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">
              {group.label}
            </h2>
            {group.kinds.length === 0 ? (
              <p className="px-2 text-xs text-slate-400">Coming soon</p>
            ) : (
              <ul className="space-y-0.5">
                {group.kinds.map((kind) => (
                  <li key={kind.id}>
                    <PaletteItem kind={kind} disabled={readOnly} onAdd={() => addKindNode(store, kind, toast)} />
                  </li>
                ))}
              </ul>
            )}
          </section>
        ))}
      </div>
    </div>
  );
}

function PaletteItem({ kind, disabled, onAdd }: { kind: NodeDefinition; disabled: boolean; onAdd: () => void }) {
  const descriptionId = useId();
  const onDragStart = (event: DragEvent<HTMLButtonElement>) => {
    event.dataTransfer.setData(KIND_MIME, kind.id);
    event.dataTransfer.effectAllowed = "copy";
  };
  return (
    <button
      type="button"
      draggable={!disabled}
      disabled={disabled}
      aria-label={`Add ${kind.label}`}
      aria-describedby={descriptionId}
      title={kind.description}
      onClick={onAdd}
      onDragStart={onDragStart}
      className={cn(
        "flex w-full items-start gap-3 rounded-lg px-2 py-2 text-left transition-colors",
        "hover:bg-slate-50 active:bg-slate-100 disabled:cursor-default disabled:opacity-60 disabled:hover:bg-transparent",
        !disabled && "cursor-grab active:cursor-grabbing",
      )}
    >
      <span aria-hidden className={cn("mt-0.5 grid size-7 shrink-0 place-items-center rounded-md", FAMILY_TINTS[kind.category])}>
        <KindIcon name={kind.icon} className="size-4" />
      </span>
      <span className="min-w-0">
        <span className="block text-sm font-medium text-slate-900">{kind.label}</span>
        <span id={descriptionId} className="line-clamp-2 text-xs text-slate-500">
          {kind.description}
        </span>
      </span>
    </button>
  );
}
