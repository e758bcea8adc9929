import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { workspaces, type Role } from "./workspaces";

/**
 * Personal API tokens: the CLI and scripts call the tRPC API with one instead of a session.
 * A token belongs to one person in one workspace and carries a role no higher than theirs when it
 * was made; every request acts with the lower of that role and the person's current one. Only the
 * SHA-256 of the token is stored (it has 256 random bits, so a slow hash would add nothing); the
 * token itself is shown once, at creation. Revoked tokens stay listed, marked, until the workspace goes.
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    role: text("role").$type<Role>().notNull(),
    /** The token's first characters (`fgt_` and a few more), so a person can tell their tokens apart. */
    prefix: text("prefix").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    /** Updated at most once a minute. */
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedBy: text("revoked_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("api_tokens_workspace_user_idx").on(t.workspaceId, t.userId)],
);
