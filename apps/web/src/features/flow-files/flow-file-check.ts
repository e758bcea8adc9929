import { fileTooLargeMessage, MAX_FLOW_FILE_BYTES, parseFlowFile, parseTemplateFile, type FlowFileConnection } from "@flowgate/flow";

/** One problem as the import dialog lists it: where (when the file says) and what to do. */
export interface FileProblem {
  path: readonly (string | number)[];
  message: string;
}

export type FlowFileCheck =
  | { ok: true; text: string; name: string; connections: readonly FlowFileConnection[] }
  | { ok: false; problems: FileProblem[] };

/** What the dialog needs of a picked or dropped file (a File, or a Blob in tests). */
export interface PickedFile {
  size: number;
  text(): Promise<string>;
}

/**
 * Reads a flow file in the browser and checks what the server would refuse before anything is
 * sent: its size (from the file's own size, before reading a byte of a 50 MB file), its nesting and
 * its envelope, with the same `parseFlowFile` the server uses. The node kinds are the server's to
 * check (validateImport).
 */
export async function checkPickedFile(file: PickedFile, what: "flow" | "template" = "flow"): Promise<FlowFileCheck> {
  if (file.size > MAX_FLOW_FILE_BYTES) return { ok: false, problems: [{ path: [], message: fileTooLargeMessage(file.size, what) }] };
  let text: string;
  try {
    text = await file.text();
  } catch {
    return { ok: false, problems: [{ path: [], message: "The file could not be read. Check that it is still where you chose it from, and try again." }] };
  }
  return what === "flow" ? checkFlowFileText(text) : checkTemplateFileText(text);
}

export function checkFlowFileText(text: string): FlowFileCheck {
  const parsed = parseFlowFile(text);
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  return { ok: true, text, name: parsed.file.name, connections: parsed.file.connections };
}

/** A template file, checked like a flow file (`parseTemplateFile`); its title is the name. */
export function checkTemplateFileText(text: string): FlowFileCheck {
  const parsed = parseTemplateFile(text);
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  return { ok: true, text, name: parsed.file.title, connections: parsed.file.connections };
}

/** "document › nodes › 3 › config": where in the file a problem is, for people (list positions count from 1). */
export function problemLocation(path: readonly (string | number)[]): string | null {
  if (path.length === 0) return null;
  return path.map((segment) => (typeof segment === "number" ? String(segment + 1) : segment)).join(" › ");
}

/** The server's "BAD_REQUEST: the file has N problems:\n• …" answer, back as a list. */
export function problemsFromMessage(message: string): FileProblem[] {
  const bullets = message
    .split("\n")
    .filter((line) => line.startsWith("• "))
    .map((line) => ({ path: [], message: line.slice(2) }));
  return bullets.length > 0 ? bullets : [{ path: [], message }];
}

/** Whether a drag carries files (not text or a link dragged from the page). */
export function dragHasFiles(types: readonly string[]): boolean {
  return types.includes("Files");
}
