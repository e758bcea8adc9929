import { connections, flows, flowVersions, newId, type ConnectionKind } from "@flowgate/db";
import {
  assignConnections,
  buildFlowFile,
  checkFlowFile,
  connectionFields,
  flowFileName,
  FlowSchema,
  serializeFlowFile,
  validateFlow,
  type ConnectionField,
  type FlowFile,
  type FlowFileConnection,
  type FlowFileProblem,
  type FlowPath,
} from "@flowgate/flow";
import { TRPCError } from "@trpc/server";
import { and, eq, inArray } from "drizzle-orm";
import { recordAudit } from "./audit";
import { openDocument } from "./flows";
import { findInWorkspace, type Scope } from "./scope";

type Transaction = Parameters<Parameters<Scope["db"]["transaction"]>[0]>[0];

const CONNECTION_KIND_LABELS: Record<ConnectionKind, string> = { http: "HTTP", postgres: "PostgreSQL" };

/**
 * The flow as one JSON file. It holds the published version when there is one (what runs, and what a
 * team keeps in git and deploys), else the draft; unpublished changes to a published flow are not in
 * it. Connection ids become refs listed with the connection's kind and name only: the query below
 * never reads a connection's settings or secret, so neither can reach the file.
 */
export async function exportFlow(scope: Scope, flowId: string): Promise<{ fileName: string; fileText: string }> {
  const flow = await findInWorkspace(scope, flows, { id: flows.id, workspace: flows.workspaceId }, flowId, "The flow");
  const [published] = flow.activeVersionId
    ? await scope.db
        .select({ document: flowVersions.document })
        .from(flowVersions)
        .where(and(eq(flowVersions.id, flow.activeVersionId), eq(flowVersions.flowId, flow.id)))
    : [];
  const file = await flowFileOf(scope, { name: flow.name, document: openDocument(published ? published.document : flow.draft) });
  return { fileName: flowFileName(flow.name), fileText: serializeFlowFile(file) };
}

/**
 * A workspace document as a flow file (export, save as template): its connection ids become refs
 * with the connection's kind and name, read by a query that never touches settings or secrets.
 */
export async function flowFileOf(scope: Scope, input: { name: string; description?: string; document: unknown }): Promise<FlowFile> {
  const ids = [...new Set(connectionFields(input.document, scope.registry).flatMap((field) => (typeof field.value === "string" ? [field.value] : [])))];
  const used =
    ids.length === 0
      ? []
      : await scope.db
          .select({ id: connections.id, kind: connections.kind, name: connections.name })
          .from(connections)
          .where(and(eq(connections.workspaceId, scope.workspaceId), inArray(connections.id, ids)));
  return buildFlowFile({
    ...input,
    registry: scope.registry,
    connections: new Map(used.map((row) => [row.id, { kind: row.kind, name: row.name }])),
  });
}

/** Everything that keeps the file from being imported here (nothing is stored). */
export function validateImport(scope: Pick<Scope, "registry">, fileText: string): { ok: boolean; problems: FlowFileProblem[] } {
  const { ok, problems } = checkFlowFile(fileText, scope.registry);
  return { ok, problems };
}

export interface ImportProblem {
  code: string;
  message: string;
  nodeId?: string;
  path: FlowPath;
}

/**
 * A new flow with the file's document as its draft: disabled and never published, so none of its
 * triggers is live (no schedule, no webhook address listening), and every connection field emptied
 * so the person picks this workspace's connections. Refuses a file with problems, listing them all.
 * Returns the new flow's problems: first the steps that need a connection (naming the one the file
 * used), then the rest of what `validateFlow` finds.
 */
export async function importFlow(scope: Scope, input: { fileText: string; name?: string }): Promise<{ flowId: string; problems: ImportProblem[] }> {
  const check = checkFlowFile(input.fileText, scope.registry);
  if (!check.ok) {
    const list = check.problems.map((p) => `• ${p.message}`).join("\n");
    throw new TRPCError({ code: "BAD_REQUEST", message: `The file has ${check.problems.length} problem(s), so nothing was imported:\n${list}` });
  }
  return createFlowFromFile(scope, check.file, { name: input.name ?? check.file.name, action: "flow.import" });
}

/**
 * The flow of a checked file, as a new disabled, never published draft (import, installing a
 * template): each connection ref becomes the id `assignments` gives it, or the field is emptied for
 * the person to pick. `also` runs in the same transaction (a template counts its use there).
 */
export async function createFlowFromFile(
  scope: Scope,
  file: FlowFile,
  options: { name: string; action: string; assignments?: ReadonlyMap<string, string>; details?: Record<string, unknown>; origin?: string; also?: (tx: Transaction) => Promise<void> },
): Promise<{ flowId: string; problems: ImportProblem[] }> {
  const { document, unassigned } = assignConnections(file.document, scope.registry, options.assignments);
  const draft = FlowSchema.parse(document);
  const name = options.name;
  const flowId = newId();
  await scope.db.transaction(async (tx) => {
    await tx.insert(flows).values({ id: flowId, workspaceId: scope.workspaceId, name, draft, enabled: false, createdBy: scope.userId, draftUpdatedBy: scope.userId });
    await recordAudit(tx, {
      workspaceId: scope.workspaceId,
      actorId: scope.userId,
      action: options.action,
      targetType: "flow",
      targetId: flowId,
      details: { name, unassignedConnections: unassigned.length, ...options.details },
    });
    await options.also?.(tx);
  });
  const byRef = new Map(file.connections.map((connection) => [connection.ref, connection]));
  const covered = (path: FlowPath) => unassigned.some((field) => field.path.every((segment, i) => path[i] === segment));
  return {
    flowId,
    problems: [
      // The file was checked: every emptied field held a ref from its connections list.
      ...unassigned.map((field) => unassignedProblem(field, byRef.get(field.value as string)!, options.origin)),
      ...validateFlow(draft, scope.registry).problems.filter((problem) => !covered(problem.path)),
    ],
  };
}

function unassignedProblem(field: ConnectionField, connection: FlowFileConnection, origin = "where the flow was exported"): ImportProblem {
  const kind = CONNECTION_KIND_LABELS[connection.kind as ConnectionKind] ?? connection.kind;
  return {
    code: "connection_unassigned",
    message:
      `Step “${field.nodeLabel ?? field.nodeId}” used the ${kind} connection “${connection.name}” ${origin}. ` +
      "Choose one of this workspace's connections for it in the step's settings.",
    ...(field.nodeId !== undefined && { nodeId: field.nodeId }),
    path: field.path,
  };
}
