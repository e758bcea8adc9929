import type { KindRegistry, NodeKindDescriptor } from "../registry";
import type { FlowPath } from "../validate";
import type { FlowFileConnection } from "./format";

/** The config field that holds a node's stored connection (see `connection` on the node kinds). */
export const CONNECTION_FIELD = "connectionId";

/**
 * The connection kind a node kind needs ("http", "postgres"), if any. The kinds in packages/nodes
 * declare it as `connection` (packages/engine's NodeDefinition), and their config then holds the
 * connection's id in `connectionId`; the validator's descriptor does not need it, so it is optional here.
 */
export function connectionKindOf(kind: NodeKindDescriptor): string | undefined {
  const declared = (kind as { connection?: unknown }).connection;
  return typeof declared === "string" ? declared : undefined;
}

/** One node's connection field in a document, set or not. */
export interface ConnectionField {
  nodeIndex: number;
  nodeId: string | undefined;
  nodeLabel: string | undefined;
  /** The connection kind the node's kind needs; undefined for a kind this Flowgate does not know. */
  connectionKind: string | undefined;
  /** What the field holds: a connection id in a workspace, a ref in a file; undefined when unset. */
  value: unknown;
  /** Where the field is in the document: `["nodes", i, "config", "connectionId"]`. */
  path: FlowPath;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Every connection field of a document of any shape: the nodes whose kind needs a connection, and
 * (so that no id ever leaves by accident) the nodes of unknown kinds whose config has a `connectionId`.
 */
export function connectionFields(document: unknown, registry: KindRegistry): ConnectionField[] {
  const nodes = isObject(document) ? document["nodes"] : undefined;
  if (!Array.isArray(nodes)) return [];
  const fields: ConnectionField[] = [];
  nodes.forEach((node: unknown, nodeIndex) => {
    if (!isObject(node)) return;
    const config = isObject(node["config"]) ? node["config"] : undefined;
    const kind = typeof node["kind"] === "string" ? registry.get(node["kind"]) : undefined;
    const connectionKind = kind ? connectionKindOf(kind) : undefined;
    const present = config !== undefined && Object.hasOwn(config, CONNECTION_FIELD);
    if (kind ? connectionKind === undefined : !present) return;
    fields.push({
      nodeIndex,
      nodeId: typeof node["id"] === "string" ? node["id"] : undefined,
      nodeLabel: typeof node["label"] === "string" ? node["label"] : undefined,
      connectionKind,
      value: present ? config[CONNECTION_FIELD] : undefined,
      path: ["nodes", nodeIndex, "config", CONNECTION_FIELD],
    });
  });
  return fields;
}

/** Sets (or, with undefined, removes) a node's connection field in a document `connectionFields` described. */
function setField(document: JsonObject, field: ConnectionField, value: string | undefined): void {
  const node = (document["nodes"] as JsonObject[])[field.nodeIndex]!;
  const config = isObject(node["config"]) ? node["config"] : (node["config"] = {});
  if (value === undefined) delete config[CONNECTION_FIELD];
  else config[CONNECTION_FIELD] = value;
}

/**
 * For export: each connection id becomes a ref (“connection-1”, “connection-2”… in order of first
 * use; one ref per connection however many nodes share it), listed with the connection's kind and
 * name only. An id `known` does not have (a deleted connection, another workspace's) is dropped:
 * the field is left unset. Returns a new document; the given one is not changed.
 */
export function connectionIdsToRefs(
  document: unknown,
  registry: KindRegistry,
  known: ReadonlyMap<string, { kind: string; name: string }>,
): { document: JsonObject; connections: FlowFileConnection[] } {
  const copy = structuredClone(isObject(document) ? document : {});
  const refs = new Map<string, string>();
  const connections: FlowFileConnection[] = [];
  for (const field of connectionFields(copy, registry)) {
    if (field.value === undefined) continue;
    const connection = typeof field.value === "string" ? known.get(field.value) : undefined;
    if (!connection) {
      setField(copy, field, undefined);
      continue;
    }
    let ref = refs.get(field.value as string);
    if (!ref) {
      ref = `connection-${connections.length + 1}`;
      refs.set(field.value as string, ref);
      connections.push({ ref, kind: connection.kind, name: connection.name });
    }
    setField(copy, field, ref);
  }
  return { document: copy, connections };
}

/**
 * For import (nothing assigned: every connection left for the person to pick) and for installing a
 * template (the connections the person chose): each ref becomes the assigned connection's id, or the
 * field is emptied. Returns a new document and the fields that were emptied, with the ref they held.
 */
export function assignConnections(
  document: unknown,
  registry: KindRegistry,
  assignments: ReadonlyMap<string, string> = new Map(),
): { document: JsonObject; unassigned: ConnectionField[] } {
  const copy = structuredClone(isObject(document) ? document : {});
  const unassigned: ConnectionField[] = [];
  for (const field of connectionFields(copy, registry)) {
    if (field.value === undefined) continue;
    const id = typeof field.value === "string" ? assignments.get(field.value) : undefined;
    setField(copy, field, id);
    if (id === undefined) unassigned.push(field);
  }
  return { document: copy, unassigned };
}
