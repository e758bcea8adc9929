import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { workspaces } from "./workspaces";

/** Who sees a template made from a flow: its workspace (the team), or every workspace of the install. */
export const TEMPLATE_VISIBILITIES = ["workspace", "install"] as const;
export type TemplateVisibility = (typeof TEMPLATE_VISIBILITIES)[number];

/** A connection a template needs, by ref: what the person picks or creates a matching connection from. */
export interface TemplateConnection {
  ref: string;
  kind: string;
  name: string;
  description: string;
}

/** Where a parameter's value goes: a node (by id) and a path in its config; `text` wraps it (`{{value}}` is replaced). */
export interface TemplateParameterTarget {
  nodeId: string;
  path: (string | number)[];
  text?: string;
}

export interface TemplateParameter {
  key: string;
  label: string;
  description: string;
  type: "text" | "url" | "number" | "select";
  required: boolean;
  default: string | number | null;
  options?: { value: string; label: string }[];
  targets: TemplateParameterTarget[];
}

/**
 * One version's content, like a flow file: the document with connection fields holding refs from
 * `connections` (kind and name only: never a secret, a setting or an id), and the parameters.
 */
export interface TemplateContent {
  document: Record<string, unknown>;
  connections: TemplateConnection[];
  parameters: TemplateParameter[];
}

/** Templates saved from flows. The built-in ones live in code (packages/api/src/templates) and are not rows. */
export const templates = pgTable(
  "templates",
  {
    id: text("id").primaryKey(),
    /** The workspace it was saved from: its editors (admins, for install-wide ones) may update and delete it. */
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    visibility: text("visibility").$type<TemplateVisibility>().notNull(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    category: text("category").notNull(),
    tags: text("tags").array().notNull().default([]),
    /** The newest version's number; installs use it. */
    version: integer("version").notNull().default(1),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("templates_workspace_idx").on(t.workspaceId), index("templates_visibility_idx").on(t.visibility)],
);

/** Immutable, like flow versions: updating a template adds one; flows installed earlier are their own copies. */
export const templateVersions = pgTable(
  "template_versions",
  {
    id: text("id").primaryKey(),
    templateId: text("template_id")
      .notNull()
      .references(() => templates.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    content: jsonb("content").$type<TemplateContent>().notNull(),
    authorId: text("author_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("template_versions_template_number_idx").on(t.templateId, t.number)],
);

/** How many flows were installed from each template, built-in ones included (hence no foreign key). */
export const templateUses = pgTable("template_uses", {
  templateId: text("template_id").primaryKey(),
  uses: integer("uses").notNull().default(0),
});
