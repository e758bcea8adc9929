import type { KindRegistry } from "../registry";
import { validateFlow, type FlowPath } from "../validate";
import { connectionFields } from "./connections";
import type { FlowFile, FlowFileProblem } from "./format";
import { parseFlowFile } from "./parse";

export type FlowFileCheck = { ok: true; file: FlowFile; problems: [] } | { ok: false; problems: FlowFileProblem[] };

/** `parseFlowFile`, then `validateFlowFile`: everything that keeps the text from being imported. */
export function checkFlowFile(text: string, registry: KindRegistry): FlowFileCheck {
  const parsed = parseFlowFile(text);
  if (!parsed.ok) return parsed;
  const problems = validateFlowFile(parsed.file, registry);
  return problems.length === 0 ? { ok: true, file: parsed.file, problems: [] } : { ok: false, problems };
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function startsWith(path: FlowPath, prefix: FlowPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment);
}

function nodeName(label: string | undefined, id: string | undefined, index: number): string {
  if (label && id && label !== id) return `“${label}” (id “${id}”)`;
  if (label || id) return `“${label ?? id}”`;
  return `number ${index + 1}`;
}

/**
 * What keeps a parsed file's flow from being imported here, each problem with its path in the file:
 * node kinds this Flowgate does not have (by name), `validateFlow`'s problems, and connection fields
 * whose ref is not in the file's `connections` or is a connection of the wrong kind. Problems of the
 * connection fields' values themselves are not counted: import empties those fields anyway.
 */
export function validateFlowFile(file: FlowFile, registry: KindRegistry): FlowFileProblem[] {
  const inDocument = (path: FlowPath): FlowPath => ["document", ...path];
  const problems: FlowFileProblem[] = [];
  const ignored: FlowPath[] = [];

  const nodes = Array.isArray(file.document["nodes"]) ? (file.document["nodes"] as unknown[]) : [];
  nodes.forEach((node, i) => {
    if (!isObject(node) || typeof node["kind"] !== "string" || registry.get(node["kind"])) return;
    const label = typeof node["label"] === "string" ? node["label"] : undefined;
    const id = typeof node["id"] === "string" ? node["id"] : undefined;
    problems.push({
      path: inDocument(["nodes", i, "kind"]),
      message:
        `Unknown step kind “${node["kind"]}” at node ${nodeName(label, id, i)}. This Flowgate has no such step ` +
        "(the file may come from a newer Flowgate or another installation): remove the node from the file, or update Flowgate.",
    });
    ignored.push(["nodes", i, "kind"]);
  });

  const fields = connectionFields(file.document, registry);
  ignored.push(...fields.map((field) => field.path));
  const validation = validateFlow(file.document, registry);
  for (const problem of validation.problems) {
    if (problem.code === "unknown_kind" || ignored.some((path) => startsWith(problem.path, path))) continue;
    problems.push({ path: inDocument(problem.path), message: problem.message });
  }

  const byRef = new Map(file.connections.map((connection) => [connection.ref, connection]));
  for (const field of fields) {
    if (field.value === undefined || field.connectionKind === undefined) continue;
    const step = `Step ${nodeName(field.nodeLabel, field.nodeId, field.nodeIndex)}`;
    const path = inDocument(field.path);
    if (typeof field.value !== "string") {
      problems.push({ path, message: `${step}: its connection should be a ref such as “connection-1” from the file's “connections” list.` });
      continue;
    }
    const connection = byRef.get(field.value);
    if (!connection) {
      problems.push({
        path,
        message: `${step} uses the connection “${field.value}”, which is not in the file's “connections” list. Add it there, or remove the step's connection.`,
      });
    } else if (connection.kind !== field.connectionKind) {
      problems.push({
        path,
        message: `${step} needs a connection of kind “${field.connectionKind}”, but “${connection.ref}” (“${connection.name}”) is of kind “${connection.kind}”. Correct the file.`,
      });
    }
  }
  return problems;
}
