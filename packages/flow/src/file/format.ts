import type { FlowPath } from "../validate";

/** What `kind` says in every exported flow file; templates will have their own kind. */
export const FLOW_FILE_KIND = "flowgate.flow";
/**
 * The version of the file's envelope (kind, name, connections…). The flow document inside has its own
 * `schemaVersion` and goes through the document upgrades, so an old document in a file still opens.
 */
export const FLOW_FILE_VERSION = 1;

export const MAX_FLOW_FILE_NAME_LENGTH = 120;
export const MAX_FLOW_FILE_DESCRIPTION_LENGTH = 5000;

/**
 * A stored connection a flow used, by reference: the nodes' connection fields hold `ref`. Only what a
 * person needs to pick or create the matching connection where the file is imported: never a secret,
 * never a connection's settings (a base address or host may carry credentials), never its id.
 */
export interface FlowFileConnection {
  ref: string;
  /** The connection kind, e.g. "http" or "postgres". */
  kind: string;
  name: string;
}

export interface FlowFile {
  schemaVersion: typeof FLOW_FILE_VERSION;
  kind: typeof FLOW_FILE_KIND;
  name: string;
  description: string;
  /** The flow document, its connection fields holding refs from `connections`. */
  document: Record<string, unknown>;
  connections: FlowFileConnection[];
}

/** Something that keeps a file from being imported: where (a path into the file) and what to do. */
export interface FlowFileProblem {
  path: FlowPath;
  message: string;
}

/** The file as text: pretty JSON, one trailing newline, so it diffs well in git. */
export function serializeFlowFile(file: FlowFile): string {
  return serializeFile(file);
}

/** Any Flowgate file (flow, template) as text, like `serializeFlowFile`. */
export function serializeFile(file: { kind: string; schemaVersion: number }): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** A file name for the flow: “Supplier → shop (EU)” becomes `supplier-shop-eu.flow.json`. */
export function flowFileName(name: string): string {
  return fileNameOf(name, "flow");
}

/** `supplier-shop-eu.template.json` for a template, like `flowFileName`. */
export function templateFileName(title: string): string {
  return fileNameOf(title, "template");
}

function fileNameOf(name: string, what: "flow" | "template"): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/ł/g, "l")
    .replace(/ß/g, "ss")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
  return `${slug || what}.${what}.json`;
}
