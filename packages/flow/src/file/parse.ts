import { FlowUpgradeError, upgradeFlow } from "../upgrade";
import {
  FLOW_FILE_KIND,
  FLOW_FILE_VERSION,
  MAX_FLOW_FILE_DESCRIPTION_LENGTH,
  MAX_FLOW_FILE_NAME_LENGTH,
  type FlowFile,
  type FlowFileConnection,
  type FlowFileProblem,
} from "./format";
import { fileTooLargeMessage, findExcessDepth, MAX_FLOW_FILE_BYTES, MAX_FLOW_FILE_DEPTH, utf8Size } from "./limits";

export type FlowFileParse = { ok: true; file: FlowFile } | { ok: false; problems: FlowFileProblem[] };

const MAX_REF_LENGTH = 64;
const MAX_CONNECTIONS = 500;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const exportAgain = (what: string) => `Export the ${what} again from Flowgate, or correct the file.`;

/** What sets one kind of Flowgate file apart: its `kind`, the newest envelope version, what it holds. */
export interface FileKindSpec {
  kind: string;
  version: number;
  /** "flow" or "template", in messages: “a Flowgate flow file”. */
  what: string;
  /** The other kinds of Flowgate file, with where a person imports them instead. */
  elsewhere: Record<string, string>;
  /** Said of a bare flow document given instead of a file: how to get the file. */
  bareDocument: string;
}

const FLOW_FILE_SPEC: FileKindSpec = {
  kind: FLOW_FILE_KIND,
  version: FLOW_FILE_VERSION,
  what: "flow",
  elsewhere: { "flowgate.template": "This is a template file, not a flow file: import it in the template gallery (Templates → Import a template file)." },
  bareDocument: "This is a bare flow document, not a flow file: export the flow from Flowgate (Export, or `flowgate flows export`) and import that file.",
};

type Envelope = { ok: true; value: JsonObject } | { ok: false; problems: FlowFileProblem[] };

/**
 * The checks every Flowgate file goes through before its fields are read: its size and nesting first
 * (so a 50 MB or 10,000-level file is refused before anything parses it), then the JSON, its kind and
 * its envelope version. Returns the parsed object, or the one problem that stops the reading.
 */
export function readFileEnvelope(text: string, spec: FileKindSpec): Envelope {
  const { what } = spec;
  // The length is a lower bound of the size: a text longer than the limit is refused without a pass over it.
  if (text.length > MAX_FLOW_FILE_BYTES) return refuse([], fileTooLargeMessage(text.length, what));
  const size = utf8Size(text);
  if (size > MAX_FLOW_FILE_BYTES) return refuse([], fileTooLargeMessage(size, what));
  const excess = findExcessDepth(text, MAX_FLOW_FILE_DEPTH);
  if (excess) {
    return refuse(
      [],
      `The file nests lists and groups more than ${MAX_FLOW_FILE_DEPTH} levels deep (line ${excess.line}, column ${excess.column}); ` +
        `a Flowgate ${what} file never does. Check that you chose a ${what} file exported from Flowgate.`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return refuse([], `The file is not valid JSON (${reason}). Check that you chose a ${what} file exported from Flowgate, and that it was not cut short.`);
  }
  if (!isObject(value)) {
    return refuse([], `The file is not a Flowgate ${what} file: it should hold one JSON object with “kind”: “${spec.kind}”.`);
  }
  if (value["kind"] !== spec.kind) return refuse(["kind"], wrongKindMessage(value, spec));

  const version = value["schemaVersion"];
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
    return refuse(["schemaVersion"], `The file's “schemaVersion” is ${JSON.stringify(version) ?? "missing"}, which Flowgate never writes. ${exportAgain(what)}`);
  }
  if (version > spec.version) {
    return refuse(
      ["schemaVersion"],
      `This file was exported by a newer Flowgate (file format version ${version}; this Flowgate reads up to version ${spec.version}). Update Flowgate to import it.`,
    );
  }
  return { ok: true, value };
}

/** The file's flow document, upgraded to the current schema version; undefined (with a problem) when it can't be. */
export function readDocument(value: unknown, what: string, problems: FlowFileProblem[]): JsonObject | undefined {
  if (value === undefined) {
    problems.push({ path: ["document"], message: `The file has no “document” (the flow itself). ${exportAgain(what)}` });
    return undefined;
  }
  try {
    return upgradeFlow(value);
  } catch (error) {
    if (!(error instanceof FlowUpgradeError)) throw error;
    problems.push({ path: ["document"], message: error.message });
    return undefined;
  }
}

function refuse(path: FlowFileProblem["path"], message: string): Envelope {
  return { ok: false, problems: [{ path, message }] };
}

function wrongKindMessage(value: JsonObject, spec: FileKindSpec): string {
  const kind = value["kind"];
  if (kind === undefined && Array.isArray(value["nodes"])) {
    return spec.bareDocument;
  }
  if (typeof kind === "string" && spec.elsewhere[kind]) return spec.elsewhere[kind];
  const said = kind === undefined ? "has no “kind”" : `is of kind ${JSON.stringify(kind)}`;
  return `This file ${said}, so it is not a Flowgate ${spec.what} file (those say “kind”: “${spec.kind}”). Check that you chose the right file.`;
}

/**
 * Reads a flow file's text: its size and nesting first (so a 50 MB or 10,000-level file is refused
 * before anything parses it), then the JSON, the envelope (kind, version, name, connections) and the
 * document's upgrades to the current schema version. Returns every problem it can find. The document
 * is not checked against the node kinds here: `validateFlowFile` does that.
 */
export function parseFlowFile(text: string): FlowFileParse {
  const envelope = readFileEnvelope(text, FLOW_FILE_SPEC);
  if (!envelope.ok) return envelope;
  const value = envelope.value;

  const problems: FlowFileProblem[] = [];
  const name = readName(value["name"], problems);
  const description = readDescription(value["description"], problems);
  const connections = readConnections(value["connections"], problems);
  const document = readDocument(value["document"], "flow", problems);
  if (problems.length > 0 || document === undefined) return { ok: false, problems };
  return { ok: true, file: { schemaVersion: FLOW_FILE_VERSION, kind: FLOW_FILE_KIND, name: name!, description, document, connections } };
}

function readName(value: unknown, problems: FlowFileProblem[]): string | undefined {
  const name = typeof value === "string" ? value.trim() : undefined;
  if (!name) {
    problems.push({ path: ["name"], message: `The file's flow has no “name”. Give it one in the file, or choose a name when you import it.` });
  } else if (name.length > MAX_FLOW_FILE_NAME_LENGTH) {
    problems.push({ path: ["name"], message: `The flow's name is ${name.length} characters long; keep it under ${MAX_FLOW_FILE_NAME_LENGTH}.` });
  }
  return name;
}

export function readDescription(value: unknown, problems: FlowFileProblem[], what = "flow"): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") {
    problems.push({ path: ["description"], message: `The ${what}'s “description” should be text.` });
    return "";
  }
  if (value.length > MAX_FLOW_FILE_DESCRIPTION_LENGTH) {
    problems.push({ path: ["description"], message: `The ${what}'s description is ${value.length} characters long; keep it under ${MAX_FLOW_FILE_DESCRIPTION_LENGTH}.` });
  }
  return value;
}

export function readConnections(value: unknown, problems: FlowFileProblem[], what = "flow"): FlowFileConnection[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push({ path: ["connections"], message: `The file's “connections” should be a list of { "ref", "kind", "name" }. ${exportAgain(what)}` });
    return [];
  }
  if (value.length > MAX_CONNECTIONS) {
    problems.push({ path: ["connections"], message: `The file lists ${value.length} connections; a ${what} uses at most ${MAX_CONNECTIONS}.` });
    return [];
  }
  const connections: FlowFileConnection[] = [];
  const seen = new Set<string>();
  value.forEach((item: unknown, i) => {
    const at = `Connection number ${i + 1} in the file's “connections”`;
    if (!isObject(item)) {
      problems.push({ path: ["connections", i], message: `${at} should be { "ref", "kind", "name" }. ${exportAgain(what)}` });
      return;
    }
    const { ref, kind, name } = item;
    let valid = true;
    for (const [field, text, max] of [
      ["ref", ref, MAX_REF_LENGTH],
      ["kind", kind, MAX_REF_LENGTH],
      ["name", name, MAX_FLOW_FILE_NAME_LENGTH],
    ] as const) {
      if (typeof text !== "string" || text.trim() === "" || text.length > max) {
        problems.push({ path: ["connections", i, field], message: `${at}: “${field}” should be text of 1 to ${max} characters. ${exportAgain(what)}` });
        valid = false;
      }
    }
    if (!valid) return;
    if (seen.has(ref as string)) {
      problems.push({ path: ["connections", i, "ref"], message: `${at} reuses the ref “${ref as string}”: each connection needs its own ref.` });
      return;
    }
    seen.add(ref as string);
    connections.push({ ref: ref as string, kind: kind as string, name: name as string });
  });
  return connections;
}
