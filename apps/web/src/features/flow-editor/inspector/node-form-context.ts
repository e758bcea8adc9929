"use client";

import type { NodeDefinition } from "@flowgate/engine";
import { createContext, useContext } from "react";
import { samePath, startsWith, type ConfigPath, type ConfigProblem } from "./config-values";

/** What every control of a node's form needs: where it writes, what the sample offers, what is wrong. */
export interface NodeFormContextValue {
  flowId: string;
  nodeId: string;
  kind: NodeDefinition;
  readOnly: boolean;
  /** The records that reached the node in the latest dry run (empty before one). */
  sample: readonly Record<string, unknown>[];
  /** Field paths of the sample, for pickers and completions. */
  sampleFields: readonly string[];
  problems: readonly ConfigProblem[];
  /** The flow's time zone, for schedules. */
  timezone: string;
  /**
   * Writes `value` at `path` of the node's config (`undefined` removes the key) as one undoable edit.
   * With `typing`, consecutive edits of the same path merge into one undo step (a word typed is one step).
   */
  setValue(path: ConfigPath, value: unknown, options?: { typing?: boolean }): void;
}

export const NodeFormContext = createContext<NodeFormContextValue | null>(null);

export function useNodeForm(): NodeFormContextValue {
  const value = useContext(NodeFormContext);
  if (!value) throw new Error("useNodeForm() is used outside a node's inspector form.");
  return value;
}

/** The problems to show at a field: those at its path, and with `nested` also those inside it. */
export function problemsAt(problems: readonly ConfigProblem[], path: ConfigPath, nested: boolean): ConfigProblem[] {
  return problems.filter((problem) => (nested ? startsWith(problem.path, path) : samePath(problem.path, path)));
}

/** The `data-config-path` of a field's wrapper: how a focus request finds it. */
export function pathKey(path: ConfigPath): string {
  return path.join("/");
}

/** A DOM id for a control at a path of a node's form. */
export function controlId(nodeId: string, path: ConfigPath, suffix = ""): string {
  return `cfg-${nodeId}-${path.join("-") || "root"}${suffix ? `-${suffix}` : ""}`.replace(/[^A-Za-z0-9_-]/g, "_");
}
