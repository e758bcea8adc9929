import type { KindRegistry } from "../registry";
import { assignConnections } from "./connections";
import { FLOW_FILE_KIND, FLOW_FILE_VERSION, MAX_FLOW_FILE_DESCRIPTION_LENGTH, MAX_FLOW_FILE_NAME_LENGTH, serializeFile, type FlowFile, type FlowFileConnection, type FlowFileProblem } from "./format";
import { readConnections, readDescription, readDocument, readFileEnvelope, type FileKindSpec } from "./parse";
import { validateFlowFile } from "./validate";

/** What `kind` says in every exported template file. */
export const TEMPLATE_FILE_KIND = "flowgate.template";
/** The version of the template file's envelope; the document inside has its own, as in a flow file. */
export const TEMPLATE_FILE_VERSION = 1;

/** The categories the gallery groups templates by. */
export const TEMPLATE_CATEGORIES = ["products", "orders", "files", "databases", "other"] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];
export const TEMPLATE_PARAMETER_TYPES = ["text", "url", "number", "select"] as const;

const MAX_TAGS = 10;
const MAX_TAG_LENGTH = 40;
const MAX_PARAMETERS = 50;
const MAX_TARGETS = 20;
const MAX_PATH_LENGTH = 16;
const MAX_KEY_LENGTH = 64;
const MAX_TEXT_LENGTH = 2000;
/** Path segments that would reach an object's prototype when a parameter's value is written. */
const FORBIDDEN_SEGMENTS = new Set(["__proto__", "prototype", "constructor"]);

/** A connection the template needs: the flow file's (ref, kind, name) and a sentence for the person installing it. */
export interface TemplateFileConnection extends FlowFileConnection {
  description: string;
}

/** Where a parameter's value goes: a node (by id) and a path in its config; `text` wraps it (`{{value}}` is replaced). */
export interface TemplateFileParameterTarget {
  nodeId: string;
  path: (string | number)[];
  text?: string;
}

export interface TemplateFileParameter {
  key: string;
  label: string;
  description: string;
  type: (typeof TEMPLATE_PARAMETER_TYPES)[number];
  required: boolean;
  default: string | number | null;
  options?: { value: string; label: string }[];
  targets: TemplateFileParameterTarget[];
}

/** A flow file's envelope (document with connection refs, connections) plus what the gallery shows and the parameters. */
export interface TemplateFile {
  schemaVersion: typeof TEMPLATE_FILE_VERSION;
  kind: typeof TEMPLATE_FILE_KIND;
  title: string;
  description: string;
  category: TemplateCategory;
  tags: string[];
  document: Record<string, unknown>;
  connections: TemplateFileConnection[];
  parameters: TemplateFileParameter[];
}

export type TemplateFileParse = { ok: true; file: TemplateFile } | { ok: false; problems: FlowFileProblem[] };
export type TemplateFileCheck = { ok: true; file: TemplateFile; problems: [] } | { ok: false; problems: FlowFileProblem[] };

const TEMPLATE_FILE_SPEC: FileKindSpec = {
  kind: TEMPLATE_FILE_KIND,
  version: TEMPLATE_FILE_VERSION,
  what: "template",
  elsewhere: { [FLOW_FILE_KIND]: "This is a flow file, not a template file: import it on the Flows page (Import a flow file)." },
  bareDocument: "This is a bare flow document, not a template file: export the template from Flowgate (open it in the gallery, then Export) and import that file.",
};

const EXPORT_AGAIN = "Export the template again from Flowgate, or correct the file.";

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const isText = (value: unknown, min: number, max: number): value is string => typeof value === "string" && value.trim().length >= min && value.length <= max;

/**
 * The template as a file. Only the listed fields are copied (a stray field of a stored template never
 * leaves), and a connection field that holds anything but one of `connections`' refs is emptied, so
 * no connection id can reach the file.
 */
export function buildTemplateFile(input: Omit<TemplateFile, "schemaVersion" | "kind">, registry: KindRegistry): TemplateFile {
  const connections = input.connections.map(({ ref, kind, name, description }) => ({ ref, kind, name, description }));
  const { document } = assignConnections(input.document, registry, new Map(connections.map((c) => [c.ref, c.ref])));
  const parameters = input.parameters.map((p) => ({
    key: p.key,
    label: p.label,
    description: p.description,
    type: p.type,
    required: p.required,
    default: p.default,
    ...(p.options && { options: p.options.map(({ value, label }) => ({ value, label })) }),
    targets: p.targets.map(({ nodeId, path, text }) => ({ nodeId, path: [...path], ...(text !== undefined && { text }) })),
  }));
  return {
    schemaVersion: TEMPLATE_FILE_VERSION,
    kind: TEMPLATE_FILE_KIND,
    title: input.title,
    description: input.description,
    category: input.category,
    tags: [...input.tags],
    document,
    connections,
    parameters,
  };
}

/**
 * Reads a template file's text with the flow file's limits and checks (size, nesting, JSON, kind,
 * version, connections, the document's upgrades), then its title, category, tags and parameters.
 * Returns every problem it can find; the node kinds and the parameters' targets are `validateTemplateFile`'s.
 */
export function parseTemplateFile(text: string): TemplateFileParse {
  const { file, problems } = readTemplateFile(text);
  return problems.length === 0 && file ? { ok: true, file } : { ok: false, problems };
}

/**
 * `parseTemplateFile`, then `validateTemplateFile`: everything that keeps the text from being imported.
 * When the envelope has problems but its document and connections could be read, the flow's are listed too.
 */
export function checkTemplateFile(text: string, registry: KindRegistry): TemplateFileCheck {
  const { file, problems } = readTemplateFile(text);
  if (file) problems.push(...validateTemplateFile(file, registry));
  return problems.length === 0 && file ? { ok: true, file, problems: [] } : { ok: false, problems };
}

/** The file's problems, and what could be read of it when its document and connections could (for validation). */
function readTemplateFile(text: string): { file?: TemplateFile; problems: FlowFileProblem[] } {
  const envelope = readFileEnvelope(text, TEMPLATE_FILE_SPEC);
  if (!envelope.ok) return { problems: envelope.problems };
  const value = envelope.value;
  const problems: FlowFileProblem[] = [];

  const title = typeof value["title"] === "string" ? value["title"].trim() : "";
  if (!title) problems.push({ path: ["title"], message: "The template has no “title”. Give it one in the file." });
  else if (title.length > MAX_FLOW_FILE_NAME_LENGTH) {
    problems.push({ path: ["title"], message: `The template's title is ${title.length} characters long; keep it under ${MAX_FLOW_FILE_NAME_LENGTH}.` });
  }
  const description = readDescription(value["description"], problems, "template");
  const category = value["category"];
  if (!TEMPLATE_CATEGORIES.includes(category as TemplateCategory)) {
    problems.push({
      path: ["category"],
      message: `The template's “category” is ${JSON.stringify(category) ?? "missing"}; it should be one of ${TEMPLATE_CATEGORIES.map((c) => `“${c}”`).join(", ")}.`,
    });
  }
  const tags = readTags(value["tags"], problems);
  const before = problems.length;
  const connections = readConnections(value["connections"], problems, "template").map((connection) => ({ ...connection, description: "" }));
  // With connections it could not read, every ref in the document would look unlisted: those checks wait.
  const connectionsRead = problems.length === before;
  readConnectionDescriptions(value["connections"], connections, problems);
  const parameters = readParameters(value["parameters"], problems);
  const document = readDocument(value["document"], "template", problems);
  if (document === undefined || !connectionsRead) return { problems };
  return {
    problems,
    file: { schemaVersion: TEMPLATE_FILE_VERSION, kind: TEMPLATE_FILE_KIND, title, description, category: category as TemplateCategory, tags, document, connections, parameters },
  };
}

/**
 * What keeps a parsed template from being imported here: the flow file's problems (unknown step kinds
 * by name, the document's problems, connection refs not listed or of the wrong kind), and parameters
 * aimed at a node the document does not have.
 */
export function validateTemplateFile(file: TemplateFile, registry: KindRegistry): FlowFileProblem[] {
  const asFlow: FlowFile = { schemaVersion: FLOW_FILE_VERSION, kind: FLOW_FILE_KIND, name: file.title, description: file.description, document: file.document, connections: file.connections };
  const problems = validateFlowFile(asFlow, registry);
  const nodes = Array.isArray(file.document["nodes"]) ? (file.document["nodes"] as unknown[]) : [];
  const nodeIds = new Set(nodes.flatMap((node) => (isObject(node) && typeof node["id"] === "string" ? [node["id"]] : [])));
  file.parameters.forEach((parameter, i) => {
    parameter.targets.forEach((target, j) => {
      if (nodeIds.has(target.nodeId)) return;
      problems.push({
        path: ["parameters", i, "targets", j, "nodeId"],
        message: `The setting “${parameter.label}” goes into the step “${target.nodeId}”, which the template's flow does not have. Correct the step's id, or remove the target.`,
      });
    });
  });
  return problems;
}

function readTags(value: unknown, problems: FlowFileProblem[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_TAGS) {
    problems.push({ path: ["tags"], message: `The template's “tags” should be a list of at most ${MAX_TAGS} words.` });
    return [];
  }
  const tags: string[] = [];
  value.forEach((tag: unknown, i) => {
    if (!isText(tag, 1, MAX_TAG_LENGTH)) problems.push({ path: ["tags", i], message: `Tag number ${i + 1} should be text of 1 to ${MAX_TAG_LENGTH} characters.` });
    else if (!tags.includes(tag.trim())) tags.push(tag.trim());
  });
  return tags;
}

/** Each connection's optional sentence for the person installing, onto the connections `readConnections` read. */
function readConnectionDescriptions(value: unknown, connections: TemplateFileConnection[], problems: FlowFileProblem[]): void {
  if (!Array.isArray(value)) return;
  const byRef = new Map(connections.map((c) => [c.ref, c]));
  value.forEach((item: unknown, i) => {
    if (!isObject(item) || item["description"] === undefined) return;
    if (!isText(item["description"], 0, MAX_TEXT_LENGTH)) {
      problems.push({ path: ["connections", i, "description"], message: `Connection number ${i + 1}'s “description” should be text of at most ${MAX_TEXT_LENGTH} characters.` });
      return;
    }
    const connection = typeof item["ref"] === "string" ? byRef.get(item["ref"]) : undefined;
    if (connection) connection.description = item["description"];
  });
}

function readParameters(value: unknown, problems: FlowFileProblem[]): TemplateFileParameter[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_PARAMETERS) {
    problems.push({ path: ["parameters"], message: `The template's “parameters” should be a list of at most ${MAX_PARAMETERS} settings. ${EXPORT_AGAIN}` });
    return [];
  }
  const parameters: TemplateFileParameter[] = [];
  const keys = new Set<string>();
  value.forEach((item: unknown, i) => {
    const before = problems.length;
    const add = (path: (string | number)[], message: string) => problems.push({ path: ["parameters", i, ...path], message: `Setting number ${i + 1}: ${message}` });
    if (!isObject(item)) {
      add([], `it should be { "key", "label", "type", "targets", … }. ${EXPORT_AGAIN}`);
      return;
    }
    const { key, label, description = "", type, required = true, options, targets } = item;
    const fallback = item["default"] ?? null;
    if (typeof key !== "string" || !/^[A-Za-z][A-Za-z0-9_]*$/.test(key) || key.length > MAX_KEY_LENGTH) {
      add(["key"], `its “key” should be a name of letters, digits and “_” (at most ${MAX_KEY_LENGTH} characters), such as “table”.`);
    } else if (keys.has(key)) add(["key"], `the key “${key}” is used twice; each setting needs its own key.`);
    else keys.add(key);
    if (!isText(label, 1, MAX_FLOW_FILE_NAME_LENGTH)) add(["label"], `its “label” should be text of 1 to ${MAX_FLOW_FILE_NAME_LENGTH} characters.`);
    if (typeof description !== "string" || description.length > MAX_FLOW_FILE_DESCRIPTION_LENGTH) add(["description"], "its “description” should be text.");
    if (!TEMPLATE_PARAMETER_TYPES.includes(type as TemplateFileParameter["type"])) {
      add(["type"], `its “type” is ${JSON.stringify(type) ?? "missing"}; it should be one of ${TEMPLATE_PARAMETER_TYPES.map((t) => `“${t}”`).join(", ")}.`);
    }
    if (typeof required !== "boolean") add(["required"], "“required” should be true or false.");
    if (fallback !== null && !(typeof fallback === "number" && Number.isFinite(fallback)) && !isText(fallback, 0, MAX_TEXT_LENGTH)) {
      add(["default"], `its “default” should be text, a number or null.`);
    }
    const readOptions = readOptionList(options, type === "select", add);
    if (type === "select" && readOptions && fallback !== null && !readOptions.some((o) => o.value === String(fallback))) {
      add(["default"], `its default “${String(fallback)}” is not one of its options.`);
    }
    const readTargetList = readTargets(targets, add);
    if (problems.length > before) return;
    parameters.push({
      key: key as string,
      label: (label as string).trim(),
      description: description as string,
      type: type as TemplateFileParameter["type"],
      required: required as boolean,
      default: fallback as string | number | null,
      ...(readOptions && { options: readOptions }),
      targets: readTargetList!,
    });
  });
  return parameters;
}

type Add = (path: (string | number)[], message: string) => void;

function readOptionList(value: unknown, needed: boolean, add: Add): { value: string; label: string }[] | undefined {
  if (value === undefined) {
    if (needed) add(["options"], "a “select” setting needs “options”: a list of { \"value\", \"label\" }.");
    return undefined;
  }
  if (!Array.isArray(value) || value.length === 0 || value.length > 100) {
    add(["options"], "its “options” should be a list of 1 to 100 { \"value\", \"label\" }.");
    return undefined;
  }
  const options: { value: string; label: string }[] = [];
  value.forEach((option: unknown, j) => {
    if (isObject(option) && isText(option["value"], 0, MAX_TEXT_LENGTH) && isText(option["label"], 1, MAX_FLOW_FILE_NAME_LENGTH)) {
      options.push({ value: option["value"], label: option["label"] });
    } else add(["options", j], `option number ${j + 1} should be { "value", "label" }, both text.`);
  });
  return options;
}

function readTargets(value: unknown, add: Add): TemplateFileParameterTarget[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_TARGETS) {
    add(["targets"], `its “targets” should be a list of 1 to ${MAX_TARGETS} places its value goes: { "nodeId", "path" }.`);
    return undefined;
  }
  const targets: TemplateFileParameterTarget[] = [];
  value.forEach((target: unknown, j) => {
    const at = `target number ${j + 1}`;
    if (!isObject(target)) {
      add(["targets", j], `${at} should be { "nodeId", "path" }.`);
      return;
    }
    const { nodeId, path, text } = target;
    let valid = true;
    if (!isText(nodeId, 1, MAX_KEY_LENGTH)) {
      add(["targets", j, "nodeId"], `${at}'s “nodeId” should be a step's id.`);
      valid = false;
    }
    const segmentOk = (s: unknown) => (typeof s === "number" && Number.isInteger(s) && s >= 0 && s < 10_000) || (isText(s, 1, MAX_KEY_LENGTH) && !FORBIDDEN_SEGMENTS.has(s));
    if (!Array.isArray(path) || path.length === 0 || path.length > MAX_PATH_LENGTH || !path.every(segmentOk)) {
      add(
        ["targets", j, "path"],
        `${at}'s “path” should be a list of 1 to ${MAX_PATH_LENGTH} field names and positions in the step's settings, such as ["location", "url"] (never “__proto__”, “prototype” or “constructor”).`,
      );
      valid = false;
    }
    if (text !== undefined && !isText(text, 0, MAX_TEXT_LENGTH)) {
      add(["targets", j, "text"], `${at}'s “text” should be text with “{{value}}” where the value goes.`);
      valid = false;
    }
    if (valid) targets.push({ nodeId: nodeId as string, path: path as (string | number)[], ...(text !== undefined && { text: text as string }) });
  });
  return targets;
}

/** The file as text, like a flow file: pretty JSON, one trailing newline. */
export function serializeTemplateFile(file: TemplateFile): string {
  return serializeFile(file);
}
