import type { KindRegistry } from "../registry";
import { connectionIdsToRefs } from "./connections";
import { FLOW_FILE_KIND, FLOW_FILE_VERSION, type FlowFile } from "./format";

/**
 * The flow file of a document: its connection ids replaced by refs (see `connectionIdsToRefs`).
 * `connections` describes the workspace's connections the document may use, by id; pass only the
 * kind and name, the only things about a connection that ever go into a file.
 */
export function buildFlowFile(input: {
  name: string;
  description?: string;
  document: unknown;
  registry: KindRegistry;
  connections: ReadonlyMap<string, { kind: string; name: string }>;
}): FlowFile {
  const { document, connections } = connectionIdsToRefs(input.document, input.registry, input.connections);
  return { schemaVersion: FLOW_FILE_VERSION, kind: FLOW_FILE_KIND, name: input.name, description: input.description ?? "", document, connections };
}
