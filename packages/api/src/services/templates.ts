import {
  connections,
  flows,
  newId,
  templates,
  templateUses,
  templateVersions,
  type ConnectionKind,
  type TemplateContent,
  type TemplateParameter,
  type TemplateVisibility,
} from "@flowgate/db";
import {
  buildTemplateFile,
  checkTemplateFile,
  FLOW_FILE_KIND,
  FLOW_FILE_VERSION,
  serializeTemplateFile,
  templateFileName,
  validateFlowFile,
  type FlowFile,
  type FlowFileProblem,
} from "@flowgate/flow";
import { TRPCError } from "@trpc/server";
import { and, eq, inArray, or, sql } from "drizzle-orm";
import { BUILTIN_TEMPLATES, builtinTemplate, type TemplateCategory } from "../templates";
import { hasRole } from "../trpc";
import { recordAudit } from "./audit";
import { createFlowFromFile, flowFileOf } from "./flow-files";
import { openDocument } from "./flows";
import { findInWorkspace, notFound, type Scope } from "./scope";

const CONNECTION_KIND_LABELS: Record<ConnectionKind, string> = { http: "HTTP", postgres: "PostgreSQL" };
const kindLabel = (kind: string) => CONNECTION_KIND_LABELS[kind as ConnectionKind] ?? kind;

/** A template as the gallery and install see it, built-in or saved from a flow. */
interface LoadedTemplate {
  id: string;
  title: string;
  description: string;
  category: TemplateCategory;
  tags: string[];
  visibility: "builtin" | TemplateVisibility;
  version: number;
  updatedAt: string;
  /** The workspace it was saved from; null for a built-in. */
  workspaceId: string | null;
  content: TemplateContent;
}

type Transaction = Parameters<Parameters<Scope["db"]["transaction"]>[0]>[0];

/** The templates saved from flows that this workspace sees: its own, and every install-wide one. */
const visibleTo = (workspaceId: string) => or(eq(templates.visibility, "install"), and(eq(templates.visibility, "workspace"), eq(templates.workspaceId, workspaceId)));

async function loadSaved(scope: Scope, where: ReturnType<typeof eq> | undefined): Promise<LoadedTemplate[]> {
  const rows = await scope.db
    .select({
      id: templates.id,
      title: templates.title,
      description: templates.description,
      category: templates.category,
      tags: templates.tags,
      visibility: templates.visibility,
      version: templates.version,
      updatedAt: templates.updatedAt,
      workspaceId: templates.workspaceId,
      content: templateVersions.content,
    })
    .from(templates)
    .innerJoin(templateVersions, and(eq(templateVersions.templateId, templates.id), eq(templateVersions.number, templates.version)))
    .where(and(visibleTo(scope.workspaceId), where));
  return rows.map((row) => ({
    ...row,
    category: row.category as TemplateCategory,
    updatedAt: row.updatedAt.toISOString(),
    // A version saved by an older Flowgate opens as the current schema, like a flow's draft.
    content: { ...row.content, document: openDocument(row.content.document) as Record<string, unknown> },
  }));
}

function fromBuiltin(id: string): LoadedTemplate | undefined {
  const template = builtinTemplate(id);
  if (!template) return undefined;
  const { document, connections: needed, parameters, ...about } = template;
  return { ...about, visibility: "builtin", workspaceId: null, content: { document, connections: needed, parameters } };
}

/** A template the workspace sees, by id; NOT_FOUND otherwise (another workspace's are not told apart from missing ones). */
async function loadVisible(scope: Scope, templateId: string): Promise<LoadedTemplate> {
  const builtin = fromBuiltin(templateId);
  if (builtin) return builtin;
  const [saved] = await loadSaved(scope, eq(templates.id, templateId));
  if (!saved) throw notFound("The template");
  return saved;
}

async function usesOf(scope: Scope, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await scope.db.select().from(templateUses).where(inArray(templateUses.templateId, ids));
  return new Map(rows.map((row) => [row.templateId, row.uses]));
}

function canEdit(scope: Scope, template: LoadedTemplate): boolean {
  if (template.visibility === "builtin" || template.workspaceId !== scope.workspaceId) return false;
  return hasRole(scope.role, template.visibility === "install" ? "admin" : "editor");
}

function summaryOf(template: LoadedTemplate, uses: number) {
  const nodes = (template.content.document["nodes"] ?? []) as { kind?: unknown }[];
  return {
    id: template.id,
    title: template.title,
    description: template.description,
    category: template.category,
    tags: template.tags,
    visibility: template.visibility,
    uses,
    version: template.version,
    updatedAt: template.updatedAt,
    kinds: nodes.flatMap((node) => (typeof node.kind === "string" ? [node.kind] : [])),
    connections: template.content.connections,
  };
}

/** Every word of the search appears in the title, the description or a tag (any case). */
function matches(template: LoadedTemplate, search: string | undefined): boolean {
  const words = (search ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  const text = [template.title, template.description, ...template.tags].join("\n").toLowerCase();
  return words.every((word) => text.includes(word));
}

export async function listTemplates(scope: Scope, input: { search?: string; category?: string }) {
  const saved = await loadSaved(scope, input.category ? eq(templates.category, input.category) : undefined);
  const all = [...BUILTIN_TEMPLATES.map((t) => fromBuiltin(t.id)!), ...saved].filter(
    (template) => (!input.category || template.category === input.category) && matches(template, input.search),
  );
  const uses = await usesOf(scope, all.map((t) => t.id));
  // Most used first; among equals, built-ins in their own order, then the newest saved ones.
  const rank = (t: LoadedTemplate) => (t.visibility === "builtin" ? BUILTIN_TEMPLATES.findIndex((b) => b.id === t.id) : BUILTIN_TEMPLATES.length);
  const items = all
    .map((template, index) => ({ template, index, uses: uses.get(template.id) ?? 0 }))
    .sort((a, b) => b.uses - a.uses || rank(a.template) - rank(b.template) || b.template.updatedAt.localeCompare(a.template.updatedAt) || a.index - b.index)
    .map(({ template, uses }) => summaryOf(template, uses));
  return { items };
}

export async function getTemplate(scope: Scope, templateId: string) {
  const template = await loadVisible(scope, templateId);
  const uses = (await usesOf(scope, [template.id])).get(template.id) ?? 0;
  return {
    ...summaryOf(template, uses),
    document: template.content.document,
    parameters: template.content.parameters.map(({ targets: _targets, ...parameter }) => parameter),
    canEdit: canEdit(scope, template),
  };
}

type ParameterValue = string | number;

/** Each parameter's value (given, else its default), checked; refuses with every problem at once. */
export function resolveParameters(parameters: TemplateParameter[], given: Record<string, ParameterValue>): Map<string, ParameterValue> {
  const problems: string[] = [];
  const values = new Map<string, ParameterValue>();
  for (const key of Object.keys(given)) {
    if (!parameters.some((p) => p.key === key)) problems.push(`This template has no setting “${key}”. Leave it out.`);
  }
  for (const parameter of parameters) {
    const raw = given[parameter.key];
    const value = raw === undefined || (typeof raw === "string" && raw.trim() === "") ? parameter.default : raw;
    const name = `“${parameter.label}”`;
    if (value === null) {
      if (parameter.required) problems.push(`${name} is required: ${parameter.description}`);
      continue;
    }
    switch (parameter.type) {
      case "number": {
        const number = typeof value === "number" ? value : Number(value.trim().replace(",", "."));
        if (!Number.isFinite(number)) problems.push(`${name} must be a number, such as 10; “${value}” is not one.`);
        else values.set(parameter.key, number);
        break;
      }
      case "url": {
        const text = String(value).trim();
        let valid = false;
        try {
          valid = ["http:", "https:"].includes(new URL(text).protocol);
        } catch {
          valid = false;
        }
        if (!valid) problems.push(`${name} must be a full web address starting with http:// or https://; “${text}” is not one.`);
        else values.set(parameter.key, text);
        break;
      }
      case "select": {
        const text = String(value);
        const options = parameter.options ?? [];
        if (!options.some((option) => option.value === text)) {
          problems.push(`${name} must be one of ${options.map((o) => `“${o.label}”`).join(", ")}; “${text}” is not.`);
        } else values.set(parameter.key, text);
        break;
      }
      case "text":
        values.set(parameter.key, String(value));
        break;
    }
  }
  if (problems.length > 0) {
    throw new TRPCError({ code: "BAD_REQUEST", message: `Check the template's settings, nothing was installed:\n${problems.map((p) => `• ${p}`).join("\n")}` });
  }
  return values;
}

/** A copy of the document with each parameter's value at its targets. */
export function applyParameters(document: Record<string, unknown>, parameters: TemplateParameter[], values: Map<string, ParameterValue>): Record<string, unknown> {
  const copy = structuredClone(document);
  const nodes = (copy["nodes"] ?? []) as { id: string; config: Record<string, unknown> }[];
  for (const parameter of parameters) {
    if (!values.has(parameter.key)) continue;
    const value = values.get(parameter.key)!;
    for (const target of parameter.targets) {
      const node = nodes.find((n) => n.id === target.nodeId);
      if (!node) continue;
      let holder: Record<string | number, unknown> = (node.config ??= {});
      target.path.slice(0, -1).forEach((segment, i) => {
        const next = holder[segment];
        holder = (typeof next === "object" && next !== null ? next : (holder[segment] = typeof target.path[i + 1] === "number" ? [] : {})) as Record<string | number, unknown>;
      });
      holder[target.path.at(-1)!] = target.text === undefined ? value : target.text.replaceAll("{{value}}", String(value));
    }
  }
  return copy;
}

/** The chosen connections, by ref: each must be this workspace's and of the kind the template needs. */
async function resolveConnections(scope: Scope, template: LoadedTemplate, chosen: Record<string, string>): Promise<Map<string, string>> {
  const needed = new Map(template.content.connections.map((c) => [c.ref, c]));
  const unknown = Object.keys(chosen).filter((ref) => !needed.has(ref));
  if (unknown.length > 0) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `This template needs no connection “${unknown.join("”, “")}”; it needs ${[...needed.values()].map((c) => `“${c.ref}” (${c.name})`).join(", ") || "none"}.`,
    });
  }
  const ids = [...new Set(Object.values(chosen))];
  const rows =
    ids.length === 0
      ? []
      : await scope.db
          .select({ id: connections.id, kind: connections.kind, name: connections.name })
          .from(connections)
          .where(and(eq(connections.workspaceId, scope.workspaceId), inArray(connections.id, ids)));
  const byId = new Map(rows.map((row) => [row.id, row]));
  const assignments = new Map<string, string>();
  for (const [ref, id] of Object.entries(chosen)) {
    const want = needed.get(ref)!;
    const row = byId.get(id);
    if (!row) {
      throw new TRPCError({
        code: "NOT_FOUND",
        message: `The connection chosen for “${want.name}” was not found in this workspace. It may have been deleted, or it belongs to another workspace: choose one of this workspace's ${kindLabel(want.kind)} connections.`,
      });
    }
    if (row.kind !== want.kind) {
      throw new TRPCError({
        code: "BAD_REQUEST",
        message: `“${want.name}” needs a ${kindLabel(want.kind)} connection, but “${row.name}” is ${kindLabel(row.kind) === "HTTP" ? "an" : "a"} ${kindLabel(row.kind)} connection. Choose a ${kindLabel(want.kind)} connection for it.`,
      });
    }
    assignments.set(ref, id);
  }
  return assignments;
}

async function countUse(tx: Transaction, templateId: string): Promise<void> {
  await tx
    .insert(templateUses)
    .values({ templateId, uses: 1 })
    .onConflictDoUpdate({ target: templateUses.templateId, set: { uses: sql`${templateUses.uses} + 1` } });
}

/**
 * A new disabled draft flow from the template's newest version, through the same path as a flow
 * file's import: parameters filled in, the chosen connections assigned (the others left for the
 * person to pick, listed among the problems). Counts a use in the same transaction.
 */
export async function installTemplate(
  scope: Scope,
  input: { templateId: string; name?: string; connections: Record<string, string>; parameters: Record<string, string | number> },
) {
  const template = await loadVisible(scope, input.templateId);
  const values = resolveParameters(template.content.parameters, input.parameters);
  const assignments = await resolveConnections(scope, template, input.connections);
  const file: FlowFile = {
    schemaVersion: FLOW_FILE_VERSION,
    kind: FLOW_FILE_KIND,
    name: template.title,
    description: template.description,
    document: applyParameters(template.content.document, template.content.parameters, values),
    connections: template.content.connections.map(({ ref, kind, name }) => ({ ref, kind, name })),
  };
  const { flowId, problems } = await createFlowFromFile(scope, file, {
    name: (input.name ?? template.title).slice(0, 120),
    action: "template.install",
    assignments,
    origin: "in the template",
    details: { templateId: template.id, templateVersion: template.version },
    also: (tx) => countUse(tx, template.id),
  });
  return { flowId, problems: problems.map(({ path, message }) => ({ path, message })) };
}

function requireAdminForInstallWide(scope: Scope, visibility: TemplateVisibility, doing: string): void {
  if (visibility === "install" && !hasRole(scope.role, "admin")) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: `Only admins and owners can ${doing} a template every workspace sees. Share it with your workspace only, or ask an admin.`,
    });
  }
}

/** A saved template of this workspace that the caller may change; built-ins and others' are refused. */
async function editableTemplate(scope: Scope, templateId: string, doing: string) {
  if (builtinTemplate(templateId)) {
    throw new TRPCError({ code: "FORBIDDEN", message: `Built-in templates can't be changed or deleted. Install it and save the flow as your own template instead.` });
  }
  const row = await findInWorkspace(scope, templates, { id: templates.id, workspace: templates.workspaceId }, templateId, "The template");
  requireAdminForInstallWide(scope, row.visibility, doing);
  return row;
}

/**
 * Saves a flow's draft as a template: its connections become refs of their kind and name (never an
 * id, a setting or a secret). With `templateId`, a new version of that template: flows installed
 * from it keep what they got.
 */
export async function saveFromFlow(
  scope: Scope,
  input: { flowId: string; title: string; description: string; category: string; tags: string[]; visibility: TemplateVisibility; templateId?: string },
) {
  requireAdminForInstallWide(scope, input.visibility, "share");
  const existing = input.templateId ? await editableTemplate(scope, input.templateId, "change") : undefined;
  const flow = await findInWorkspace(scope, flows, { id: flows.id, workspace: flows.workspaceId }, input.flowId, "The flow");
  const file = await flowFileOf(scope, { name: input.title, description: input.description, document: openDocument(flow.draft) });
  const problems = validateFlowFile(file, scope.registry);
  if (problems.length > 0) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `The flow has ${problems.length} problem(s), so it can't be a template yet. Fix them in the editor first:\n${problems.map((p) => `• ${p.message}`).join("\n")}`,
    });
  }
  const content: TemplateContent = {
    document: file.document,
    connections: file.connections.map((c) => ({ ...c, description: `A ${kindLabel(c.kind)} connection (the flow used “${c.name}”).` })),
    parameters: [],
  };
  const about = { title: input.title, description: input.description, category: input.category, tags: [...new Set(input.tags)], visibility: input.visibility };
  return scope.db.transaction(async (tx) => {
    let templateId: string;
    let version: number;
    if (existing) {
      // The row's version goes up by one in the update itself, so two saves never write the same number.
      const [updated] = await tx
        .update(templates)
        .set({ ...about, version: sql`${templates.version} + 1`, updatedAt: new Date() })
        .where(and(eq(templates.id, existing.id), eq(templates.workspaceId, scope.workspaceId)))
        .returning({ version: templates.version });
      templateId = existing.id;
      version = updated!.version;
    } else {
      templateId = newId();
      version = 1;
      await tx.insert(templates).values({ id: templateId, workspaceId: scope.workspaceId, ...about, version, createdBy: scope.userId });
    }
    await tx.insert(templateVersions).values({ id: newId(), templateId, number: version, content, authorId: scope.userId });
    await recordAudit(tx, {
      workspaceId: scope.workspaceId,
      actorId: scope.userId,
      action: "template.save",
      targetType: "template",
      targetId: templateId,
      details: { flowId: flow.id, version, visibility: input.visibility },
    });
    return { templateId, version };
  });
}

export async function deleteTemplate(scope: Scope, templateId: string) {
  const row = await editableTemplate(scope, templateId, "delete");
  await scope.db.transaction(async (tx) => {
    await tx.delete(templates).where(and(eq(templates.id, row.id), eq(templates.workspaceId, scope.workspaceId)));
    await tx.delete(templateUses).where(eq(templateUses.templateId, row.id));
    await recordAudit(tx, { workspaceId: scope.workspaceId, actorId: scope.userId, action: "template.delete", targetType: "template", targetId: row.id, details: { title: row.title } });
  });
  return { ok: true as const };
}

/**
 * The template (built-in or one this workspace sees) as one JSON file: its newest version's document,
 * whose connection fields hold refs, the connections it needs (ref, kind, name, description: a
 * template never holds a secret, a setting or a connection's id) and its parameters with their targets.
 */
export async function exportTemplate(scope: Scope, templateId: string): Promise<{ fileName: string; fileText: string }> {
  const template = await loadVisible(scope, templateId);
  const file = buildTemplateFile(
    {
      title: template.title,
      description: template.description,
      category: template.category,
      tags: template.tags,
      document: template.content.document,
      connections: template.content.connections,
      parameters: template.content.parameters,
    },
    scope.registry,
  );
  return { fileName: templateFileName(template.title), fileText: serializeTemplateFile(file) };
}

/** Everything that keeps the template file from being imported here (nothing is stored). */
export function validateTemplateImport(scope: Pick<Scope, "registry">, fileText: string): { ok: boolean; problems: FlowFileProblem[] } {
  const { ok, problems } = checkTemplateFile(fileText, scope.registry);
  return { ok, problems };
}

/**
 * A new template (version 1) from a file, for this workspace or (admins and owners) the whole
 * install. Refuses a file with problems, listing them all.
 */
export async function importTemplate(scope: Scope, input: { fileText: string; visibility: TemplateVisibility }): Promise<{ templateId: string }> {
  requireAdminForInstallWide(scope, input.visibility, "import");
  const check = checkTemplateFile(input.fileText, scope.registry);
  if (!check.ok) {
    const list = check.problems.map((p) => `• ${p.message}`).join("\n");
    throw new TRPCError({ code: "BAD_REQUEST", message: `The file has ${check.problems.length} problem(s), so nothing was imported:\n${list}` });
  }
  const { title, description, category, tags, document, connections: needed, parameters } = check.file;
  const templateId = newId();
  await scope.db.transaction(async (tx) => {
    await tx.insert(templates).values({ id: templateId, workspaceId: scope.workspaceId, visibility: input.visibility, title, description, category, tags, version: 1, createdBy: scope.userId });
    await tx.insert(templateVersions).values({ id: newId(), templateId, number: 1, content: { document, connections: needed, parameters }, authorId: scope.userId });
    await recordAudit(tx, {
      workspaceId: scope.workspaceId,
      actorId: scope.userId,
      action: "template.import",
      targetType: "template",
      targetId: templateId,
      details: { title, visibility: input.visibility },
    });
  });
  return { templateId };
}
