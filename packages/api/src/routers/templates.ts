import { TEMPLATE_CATEGORIES } from "@flowgate/flow";
import { z } from "zod";
import * as templates from "../services/templates";
import { scopeOf } from "../scope";
import { roleProcedure, router, workspaceProcedure } from "../trpc";
import { FileProblem, FileText, refuseLargeFile } from "./file-input";
import { Id, IsoDate } from "./schemas";

export { TEMPLATE_CATEGORIES };
export const TEMPLATE_VISIBILITIES = ["builtin", "workspace", "install"] as const;

/** A value a person fills in when installing (it lands at each target: a node's config path). */
export const TemplateParameterSchema = z.object({
  key: z.string(),
  label: z.string(),
  description: z.string(),
  type: z.enum(["text", "url", "number", "select"]),
  required: z.boolean(),
  default: z.union([z.string(), z.number()]).nullable(),
  options: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
});

/** A connection the template needs: the person picks one of this kind or creates one. */
export const TemplateConnectionSchema = z.object({ ref: z.string(), kind: z.string(), name: z.string(), description: z.string() });

export const TemplateSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  category: z.enum(TEMPLATE_CATEGORIES),
  tags: z.array(z.string()),
  visibility: z.enum(TEMPLATE_VISIBILITIES),
  /** How many flows were installed from it (in this install). */
  uses: z.number(),
  version: z.number(),
  updatedAt: IsoDate,
  /** Step kinds, in order, for a compact preview ("Schedule → HTTP API → Changes → Approval → PostgreSQL"). */
  kinds: z.array(z.string()),
  connections: z.array(TemplateConnectionSchema),
});

export const TemplateDetailSchema = TemplateSummarySchema.extend({
  /** The flow document with connection fields holding refs: the read-only preview draws it. */
  document: z.record(z.string(), z.unknown()),
  parameters: z.array(TemplateParameterSchema),
  /** Whether the caller may edit or delete it (its author's workspace admins; install-wide: owners/admins). */
  canEdit: z.boolean(),
});

const Search = z.object({
  search: z.string().trim().max(200).optional(),
  category: z.enum(TEMPLATE_CATEGORIES).optional(),
});

export const templatesRouter = router({
  /** Built-in templates, the workspace's and the install's, most used first (search in title, description and tags). */
  list: workspaceProcedure.input(Search).output(z.object({ items: z.array(TemplateSummarySchema) })).query(({ ctx, input }) => templates.listTemplates(scopeOf(ctx), input)),
  get: workspaceProcedure.input(z.object({ templateId: z.string().min(1).max(200) })).output(TemplateDetailSchema).query(({ ctx, input }) => templates.getTemplate(scopeOf(ctx), input.templateId)),
  /**
   * A new disabled draft flow from the template: its connection refs mapped to this workspace's
   * connections (by ref: an existing connection's id), its parameters filled in. Counts a use.
   */
  install: roleProcedure("editor")
    .input(
      z.object({
        templateId: z.string().min(1).max(200),
        name: z.string().trim().min(1).max(120).optional(),
        connections: z.record(z.string(), Id),
        parameters: z.record(z.string(), z.union([z.string().max(2000), z.number()])),
      }),
    )
    .output(z.object({ flowId: z.string(), problems: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })) }))
    .mutation(({ ctx, input }) => templates.installTemplate(scopeOf(ctx), input)),
  /** Saves a flow as a template (connections and secrets become placeholders of their kind); install-wide needs an admin or owner. */
  saveFromFlow: roleProcedure("editor")
    .input(
      z.object({
        flowId: Id,
        title: z.string().trim().min(1).max(120),
        description: z.string().trim().max(5000),
        category: z.enum(TEMPLATE_CATEGORIES),
        tags: z.array(z.string().trim().min(1).max(40)).max(10),
        visibility: z.enum(["workspace", "install"]),
        /** Update this template (a new version) instead of making a new one. */
        templateId: z.string().min(1).max(200).optional(),
      }),
    )
    .output(z.object({ templateId: z.string(), version: z.number() }))
    .mutation(({ ctx, input }) => templates.saveFromFlow(scopeOf(ctx), input)),
  /**
   * The template (built-in or visible here) as one JSON file with its parameters and the connections it
   * needs as refs (kind, name, description): never a secret, a connection's settings or its id.
   */
  export: workspaceProcedure
    .input(z.object({ templateId: z.string().min(1).max(200) }))
    .output(z.object({ fileName: z.string(), fileText: z.string() }))
    .query(({ ctx, input }) => templates.exportTemplate(scopeOf(ctx), input.templateId)),
  /** Every problem that keeps a template file from being imported; stores nothing (a mutation so the file travels in a POST body). */
  validateImport: workspaceProcedure
    .use(refuseLargeFile("template"))
    .input(z.object({ fileText: FileText }))
    .output(z.object({ ok: z.boolean(), problems: z.array(FileProblem) }))
    .mutation(({ ctx, input }) => templates.validateTemplateImport(scopeOf(ctx), input.fileText)),
  /** A new template (version 1) from a file; BAD_REQUEST listing every problem when it has any. Install-wide needs an admin or owner. */
  import: roleProcedure("editor")
    .use(refuseLargeFile("template"))
    .input(z.object({ fileText: FileText, visibility: z.enum(["workspace", "install"]) }))
    .output(z.object({ templateId: z.string() }))
    .mutation(({ ctx, input }) => templates.importTemplate(scopeOf(ctx), input)),
  delete: roleProcedure("editor")
    .input(z.object({ templateId: z.string().min(1).max(200) }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => templates.deleteTemplate(scopeOf(ctx), input.templateId)),
});
