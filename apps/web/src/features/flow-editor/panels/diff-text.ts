import type { Flow, FlowDiff, FlowEdge, FlowNode, ValueChange } from "@flowgate/flow";
import type { DiffMark } from "../editor-store";
import { kindLabel, nodeLabel } from "./node-info";

/*
 * A version diff in a person's words: "Map prices: price ← expression changed from “price” to
 * “price * 1.25”". The structure comes from diffFlows (@flowgate/flow); this only phrases it.
 */

export type DiffItemKind = "added" | "removed" | "changed" | "moved" | "connected" | "disconnected" | "settings";

export interface DiffItem {
  kind: DiffItemKind;
  /** The node to select on the canvas, when it exists in the draft. */
  nodeId?: string;
  title: string;
  details: string[];
}

const MAX_VALUE = 60;

/** A value as it reads in a sentence: text in quotes, nested values as short JSON, nothing as “empty”. */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null || value === "") return "empty";
  if (typeof value === "string") return `“${truncate(value)}”`;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const row = value as { target?: unknown; expression?: unknown };
  // A whole mapping row reads as the mapping itself, not as its JSON.
  if (typeof row.target === "string" && typeof row.expression === "string") return `“${truncate(`${row.target} ← ${row.expression}`)}”`;
  return truncate(JSON.stringify(value) ?? String(value));
}

function truncate(text: string): string {
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

const NAME_FIELDS = ["name", "field", "key", "label", "id"] as const;

function itemAt(root: unknown, segments: readonly string[]): unknown {
  let current = root;
  for (const segment of segments) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * A config path as a person reads it: a list item is named by what it is about rather than its
 * position, so `fields.0.expression` of a mapping that fills `price` reads "price ← expression",
 * `rules.1.value` of a rule on `stock` reads "rules “stock” › value".
 */
export function describePath(path: string, before: unknown, after: unknown): string {
  const segments = path.split(".").filter(Boolean);
  let parts: string[] = [];
  segments.forEach((segment, i) => {
    if (!/^\d+$/.test(segment)) {
      parts.push(segment);
      return;
    }
    const upTo = segments.slice(0, i + 1);
    const item = itemAt(after, upTo) ?? itemAt(before, upTo);
    const record = item !== null && typeof item === "object" ? (item as Record<string, unknown>) : undefined;
    // A row is named by one of its fields, unless that field is what changed: "target changed from “sku”
    // to “price”" must not call the row "price" already.
    const leaf = i === segments.length - 2 ? segments[i + 1] : undefined;
    const target = leaf === "target" ? undefined : record?.["target"];
    if (typeof target === "string" && target && i < segments.length - 1) {
      // Inside a mapping row, "price ←" says which one; the list's name adds nothing.
      parts = [`${target} ←`];
      return;
    }
    const name = [target, ...NAME_FIELDS.filter((field) => field !== leaf).map((field) => record?.[field])].find(
      (v): v is string => typeof v === "string" && v !== "",
    );
    const list = parts.pop() ?? "";
    parts.push(`${list} ${name ? `“${name}”` : `#${Number(segment) + 1}`}`.trim());
  });
  return parts.join(" › ").replace("← ›", "←") || "settings";
}

/** "price ← expression changed from “price” to “price * 1.25”". */
export function describeChange(change: ValueChange, beforeRoot: unknown, afterRoot: unknown): string {
  const what = describePath(change.path, beforeRoot, afterRoot);
  if (change.before === undefined) return `${what} set to ${describeValue(change.after)}`;
  if (change.after === undefined) return `${what} removed (was ${describeValue(change.before)})`;
  return `${what} changed from ${describeValue(change.before)} to ${describeValue(change.after)}`;
}

const SETTING_NAMES: Record<string, string> = {
  batchSize: "Batch size",
  maxConcurrentRuns: "Runs at the same time",
  timezone: "Time zone",
  errorPolicy: "When a record fails",
  missedSchedules: "Missed schedules",
};

function nodeById(doc: Flow, id: string): FlowNode | undefined {
  return doc.nodes.find((node) => node.id === id);
}

function edgeText(doc: Flow, edge: FlowEdge): string {
  const ports = edge.sourcePort !== "out" ? ` (${edge.sourcePort})` : "";
  return `${nodeLabel(doc, edge.source)}${ports} → ${nodeLabel(doc, edge.target)}`;
}

const errorPolicyWords: Record<string, string> = { fail: "stop the run", skip: "skip the record", route: "send it to the error output" };

/** A change of the node itself (not its settings): renamed, switched off, another kind… */
export function describeNodeField(change: ValueChange): string {
  switch (change.path) {
    case "label":
      return `Renamed from ${describeValue(change.before)}`;
    case "disabled":
      return change.after === true ? "Switched off" : "Switched on";
    case "kind":
      return `Kind changed from ${kindLabel(String(change.before))} to ${kindLabel(String(change.after))}`;
    case "kindVersion":
      return `Upgraded from kind version ${String(change.before)} to ${String(change.after)}`;
    case "onError": {
      const word = (value: unknown) => (typeof value === "string" ? (errorPolicyWords[value] ?? value) : "do what the flow settings say");
      return `When a record fails: ${word(change.after)} (was: ${word(change.before)})`;
    }
    default:
      return describeChange(change, undefined, undefined);
  }
}

/** Every change between two documents as list items, in the order a reader wants them. */
export function describeDiff(diff: FlowDiff, before: Flow, after: Flow): DiffItem[] {
  const items: DiffItem[] = [];
  for (const node of diff.nodes.added) {
    items.push({ kind: "added", nodeId: node.id, title: `Added “${node.label}”`, details: [kindLabel(node.kind)] });
  }
  for (const node of diff.nodes.removed) {
    items.push({ kind: "removed", nodeId: node.id, title: `Removed “${node.label}”`, details: [kindLabel(node.kind)] });
  }
  for (const change of diff.nodes.changed) {
    const old = nodeById(before, change.nodeId);
    const now = nodeById(after, change.nodeId);
    const details = [
      ...change.fields.map(describeNodeField),
      ...change.config.map((c) => describeChange(c, old?.config, now?.config)),
    ];
    items.push({ kind: "changed", nodeId: change.nodeId, title: `Changed “${change.label}”`, details });
  }
  for (const edge of diff.edges.added) items.push({ kind: "connected", title: `Connected ${edgeText(after, edge)}`, details: [] });
  for (const edge of diff.edges.removed) items.push({ kind: "disconnected", title: `Disconnected ${edgeText(before, edge)}`, details: [] });
  if (diff.settings.length > 0) {
    items.push({
      kind: "settings",
      title: "Changed the flow settings",
      details: diff.settings.map((c) => {
        const [first = "", ...rest] = c.path.split(".");
        const name = SETTING_NAMES[first];
        return name && rest.length === 0
          ? `${name} changed from ${describeValue(c.before)} to ${describeValue(c.after)}`
          : describeChange(c, before.settings, after.settings);
      }),
    });
  }
  const moved = diff.nodes.moved.length;
  if (moved > 0) {
    items.push({ kind: "moved", title: `Moved ${moved} ${moved === 1 ? "node" : "nodes"} on the canvas`, details: [] });
  }
  return items;
}

/** What the canvas outlines: added green, removed red, changed amber. */
export function diffMarksOf(diff: FlowDiff): Map<string, DiffMark> {
  const marks = new Map<string, DiffMark>();
  for (const { id } of diff.nodes.added) marks.set(id, "added");
  for (const { id } of diff.nodes.removed) marks.set(id, "removed");
  for (const { nodeId } of diff.nodes.changed) marks.set(nodeId, "changed");
  return marks;
}
