"use client";

import { validateFlow, type Flow, type FlowProblem } from "@flowgate/flow";
import { kindRegistry } from "@flowgate/nodes/definitions";
import { createContext, useContext, useSyncExternalStore } from "react";
import type { RouterOutputs } from "@/lib/api-types";

/*
 * The editor's one source of truth: the flow document, its undo history, the selection and what the
 * canvas overlays on it (problems, dry-run counts, version-diff marks). The canvas and the inspector
 * read it through useEditor() and change the document only through `apply` with the pure edit
 * operations of @flowgate/flow, so every edit is undoable and the document always matches FlowSchema.
 */

export type DryRunView = RouterOutputs["flows"]["dryRunResult"];
export type DiffMark = "added" | "removed" | "changed";

export interface Selection {
  nodes: readonly string[];
  edges: readonly string[];
}

export interface EditorSnapshot {
  doc: Flow;
  /** Bumped by every change of `doc` (edit, undo, redo, replace): what autosave watches. */
  version: number;
  canUndo: boolean;
  canRedo: boolean;
  selection: Selection;
  /** validateFlow over `doc` against the real kinds, recomputed on every edit. */
  problems: readonly FlowProblem[];
  /** Problems by node id, for the badges on the canvas. */
  problemsByNode: ReadonlyMap<string, readonly FlowProblem[]>;
  readOnly: boolean;
  /** The latest dry run (or node test) of this editor, while it is running and after. */
  dryRun: DryRunView | null;
  /** Version diff shown on the canvas: node id → mark. Empty when no diff is open. */
  diffMarks: ReadonlyMap<string, DiffMark>;
  /** A field the inspector should focus (a problem was clicked): node id and config path. */
  focusRequest: { nodeId: string; path: readonly (string | number)[]; seq: number } | null;
}

export interface ApplyOptions {
  /**
   * Consecutive edits with the same key merge into one undo step (typing in one field is one step,
   * dragging a node is one step). Leave it out for discrete edits (add, connect, delete).
   */
  coalesceKey?: string;
}

const HISTORY_LIMIT = 200;
const COALESCE_MS = 1000;

export class EditorStore {
  private snapshot: EditorSnapshot;
  private past: Flow[] = [];
  private future: Flow[] = [];
  private lastCoalesce: { key: string; at: number } | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(doc: Flow, options: { readOnly?: boolean } = {}) {
    this.snapshot = {
      doc,
      version: 0,
      canUndo: false,
      canRedo: false,
      selection: { nodes: [], edges: [] },
      ...problemsOf(doc),
      readOnly: options.readOnly ?? false,
      dryRun: null,
      diffMarks: new Map(),
      focusRequest: null,
    };
  }

  readonly subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = () => this.snapshot;

  private set(patch: Partial<EditorSnapshot>) {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }

  private setDoc(doc: Flow) {
    const ids = new Set(doc.nodes.map((n) => n.id));
    const edgeIds = new Set(doc.edges.map((e) => e.id));
    const { selection } = this.snapshot;
    this.set({
      doc,
      version: this.snapshot.version + 1,
      canUndo: this.past.length > 0,
      canRedo: this.future.length > 0,
      ...problemsOf(doc),
      // Undo can take a selected node away: keep only what still exists.
      selection: { nodes: selection.nodes.filter((id) => ids.has(id)), edges: selection.edges.filter((id) => edgeIds.has(id)) },
    });
  }

  /**
   * Applies a pure edit. An edit that throws (FlowEditError: a cycle, a duplicate edge…) changes
   * nothing and rethrows, so the caller can show its message. Returns the new document.
   */
  apply(edit: (doc: Flow) => Flow, options: ApplyOptions = {}): Flow {
    if (this.snapshot.readOnly) return this.snapshot.doc;
    const before = this.snapshot.doc;
    const after = edit(before);
    if (after === before) return before;
    const now = Date.now();
    const coalesce =
      options.coalesceKey !== undefined &&
      this.lastCoalesce?.key === options.coalesceKey &&
      now - this.lastCoalesce.at < COALESCE_MS &&
      this.past.length > 0;
    if (!coalesce) {
      this.past.push(before);
      if (this.past.length > HISTORY_LIMIT) this.past.shift();
    }
    this.lastCoalesce = options.coalesceKey === undefined ? null : { key: options.coalesceKey, at: now };
    this.future = [];
    this.setDoc(after);
    return after;
  }

  undo() {
    const previous = this.past.pop();
    if (!previous || this.snapshot.readOnly) return;
    this.future.push(this.snapshot.doc);
    this.lastCoalesce = null;
    this.setDoc(previous);
  }

  redo() {
    const next = this.future.pop();
    if (!next || this.snapshot.readOnly) return;
    this.past.push(this.snapshot.doc);
    this.lastCoalesce = null;
    this.setDoc(next);
  }

  /** Replaces the document from outside (reload after a conflict, restore a version): history starts over. */
  replace(doc: Flow) {
    this.past = [];
    this.future = [];
    this.lastCoalesce = null;
    this.setDoc(doc);
  }

  select(selection: Partial<Selection>) {
    this.set({ selection: { nodes: selection.nodes ?? [], edges: selection.edges ?? [] } });
  }

  setReadOnly(readOnly: boolean) {
    this.set({ readOnly });
  }

  setDryRun(dryRun: DryRunView | null) {
    this.set({ dryRun });
  }

  setDiffMarks(marks: ReadonlyMap<string, DiffMark>) {
    this.set({ diffMarks: marks });
  }

  /** Selects the node and asks the inspector to focus the field at `path` (a problem was clicked). */
  focusField(nodeId: string, path: readonly (string | number)[]) {
    this.set({
      selection: { nodes: [nodeId], edges: [] },
      focusRequest: { nodeId, path, seq: (this.snapshot.focusRequest?.seq ?? 0) + 1 },
    });
  }
}

function problemsOf(doc: Flow): Pick<EditorSnapshot, "problems" | "problemsByNode"> {
  const problems = validateFlow(doc, kindRegistry).problems;
  const problemsByNode = new Map<string, FlowProblem[]>();
  for (const problem of problems) {
    if (!problem.nodeId) continue;
    const list = problemsByNode.get(problem.nodeId) ?? [];
    list.push(problem);
    problemsByNode.set(problem.nodeId, list);
  }
  return { problems, problemsByNode };
}

export const EditorContext = createContext<EditorStore | null>(null);

/** The editor store of the surrounding <EditorContext.Provider>. */
export function useEditorStore(): EditorStore {
  const store = useContext(EditorContext);
  if (!store) throw new Error("useEditorStore() is used outside the flow editor (no EditorContext.Provider above it).");
  return store;
}

/**
 * Subscribes to the editor. With a selector it re-renders only when the selected value changes: the
 * selector must return a primitive or something taken from the snapshot as is (not a new object).
 */
export function useEditor(): EditorSnapshot;
export function useEditor<T>(select: (snapshot: EditorSnapshot) => T): T;
export function useEditor<T>(select?: (snapshot: EditorSnapshot) => T): T | EditorSnapshot {
  const store = useEditorStore();
  const read = (): T | EditorSnapshot => (select ? select(store.getSnapshot()) : store.getSnapshot());
  return useSyncExternalStore(store.subscribe, read, read);
}

/**
 * What reached a node in the latest dry run: the samples of every edge into it, in edge order. The
 * inspector's field autocomplete and expression preview read this; empty before the first dry run.
 */
export function inputSampleOf(snapshot: Pick<EditorSnapshot, "doc" | "dryRun">, nodeId: string): Record<string, unknown>[] {
  const samples = snapshot.dryRun?.result?.samples;
  if (!samples) return [];
  return snapshot.doc.edges.filter((edge) => edge.target === nodeId).flatMap((edge) => samples[edge.source]?.[edge.sourcePort] ?? []);
}
