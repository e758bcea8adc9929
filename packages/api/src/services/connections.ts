import { connections, newId, type ConnectionKind } from "@flowgate/db";
import { testConnection as probeConnection, type ConnectionTestResult } from "@flowgate/runtime/connection-test";
import { TRPCError } from "@trpc/server";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { recordAudit } from "./audit";
import { findInWorkspace, notFound, type Scope } from "./scope";

const HeaderMap = z.record(z.string().min(1).max(200), z.string().max(4000));

/** The public and secret part of each connection kind. Secrets are write-only. */
export const ConnectionKindSchemas = {
  http: {
    settings: z.object({
      baseUrl: z
        .url({ protocol: /^https?$/, error: "Enter a full http:// or https:// address, e.g. https://api.example.com" })
        // Settings are shown to everyone in the workspace: a password belongs in the encrypted secret.
        .refine((url) => new URL(url).password === "", "Don't put a password in the address: choose Basic authentication and enter it there, where it is stored encrypted"),
      headers: HeaderMap.default({}),
      // How requests authenticate; the secret part (token, password, key, client secret) is in `secret`.
      auth: z
        .discriminatedUnion("type", [
          z.object({ type: z.literal("none") }),
          z.object({ type: z.literal("bearer") }),
          z.object({ type: z.literal("basic"), username: z.string().min(1, "Enter the user name") }),
          z.object({ type: z.literal("api-key"), in: z.enum(["header", "query"]).default("header"), name: z.string().min(1, "Enter the header or parameter name") }),
          z.object({
            type: z.literal("oauth2"),
            tokenUrl: z.url({ protocol: /^https?$/, error: "Enter the token endpoint's full address" }),
            clientId: z.string().min(1, "Enter the client id"),
            scope: z.string().optional(),
          }),
        ])
        .optional(),
    }),
    secret: z.object({
      authorization: z.string().max(8000).optional(),
      token: z.string().max(8000).optional(),
      password: z.string().max(1000).optional(),
      apiKey: z.string().max(8000).optional(),
      clientSecret: z.string().max(8000).optional(),
      headers: HeaderMap.optional(),
    }),
  },
  postgres: {
    settings: z.object({
      host: z.string().min(1, "Enter the database server's host name").max(255),
      port: z.coerce.number().int().min(1).max(65535).default(5432),
      database: z.string().min(1, "Enter the database name").max(63),
      user: z.string().min(1, "Enter the user name").max(63),
      ssl: z.boolean().default(false),
    }),
    secret: z.object({ password: z.string().max(1000) }),
  },
} satisfies Record<ConnectionKind, { settings: z.ZodType; secret: z.ZodType }>;

function parsePart(kind: ConnectionKind, part: "settings" | "secret", value: unknown) {
  const result = ConnectionKindSchemas[kind][part].safeParse(value);
  if (!result.success) {
    // Never echo the secret's values back in an error; name the field only.
    const first = result.error.issues[0];
    const where = first?.path.join(".") || part;
    const message = part === "secret" ? `The secret field “${where}” is not valid.` : `${where}: ${first?.message ?? "invalid"}`;
    throw new TRPCError({ code: "BAD_REQUEST", message });
  }
  return result.data as Record<string, unknown>;
}

/** A connection saved before passwords were refused in the address keeps it for its runs, never in an answer. */
function publicSettings(settings: Record<string, unknown>): Record<string, unknown> {
  const baseUrl = settings["baseUrl"];
  if (typeof baseUrl !== "string" || !URL.canParse(baseUrl)) return settings;
  const url = new URL(baseUrl);
  if (url.password === "") return settings;
  url.password = "";
  return { ...settings, baseUrl: url.href };
}

function toPublic(row: typeof connections.$inferSelect) {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    settings: publicSettings(row.settings),
    hasSecret: row.secretCiphertext !== null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

function findConnection(scope: Scope, connectionId: string) {
  return findInWorkspace(scope, connections, { id: connections.id, workspace: connections.workspaceId }, connectionId, "The connection");
}

export async function listConnections(scope: Scope) {
  const rows = await scope.db.select().from(connections).where(eq(connections.workspaceId, scope.workspaceId)).orderBy(asc(connections.name));
  return rows.map(toPublic);
}

export async function createConnection(scope: Scope, input: { kind: ConnectionKind; name: string; settings: unknown; secret?: unknown }) {
  const settings = parsePart(input.kind, "settings", input.settings);
  const secret = input.secret === undefined ? undefined : parsePart(input.kind, "secret", input.secret);
  const id = newId();
  await scope.db.transaction(async (tx) => {
    await tx.insert(connections).values({
      id,
      workspaceId: scope.workspaceId,
      kind: input.kind,
      name: input.name,
      settings,
      secretCiphertext: secret ? scope.secrets.encryptJson(secret) : null,
      createdBy: scope.userId,
    });
    await recordAudit(tx, { workspaceId: scope.workspaceId, actorId: scope.userId, action: "connection.create", targetType: "connection", targetId: id, details: { name: input.name, kind: input.kind } });
  });
  return { id };
}

export async function updateConnection(
  scope: Scope,
  input: { connectionId: string; name?: string; settings?: unknown; secret?: unknown; clearSecret?: boolean },
) {
  const row = await findConnection(scope, input.connectionId);
  const patch: Partial<typeof connections.$inferInsert> = { updatedAt: new Date() };
  if (input.name !== undefined) patch.name = input.name;
  if (input.settings !== undefined) patch.settings = parsePart(row.kind, "settings", input.settings);
  if (input.secret !== undefined) patch.secretCiphertext = scope.secrets.encryptJson(parsePart(row.kind, "secret", input.secret));
  else if (input.clearSecret) patch.secretCiphertext = null;
  await scope.db.transaction(async (tx) => {
    await tx.update(connections).set(patch).where(eq(connections.id, row.id));
    await recordAudit(tx, {
      workspaceId: scope.workspaceId,
      actorId: scope.userId,
      action: "connection.update",
      targetType: "connection",
      targetId: row.id,
      details: { fields: Object.keys(patch).filter((k) => k !== "updatedAt") },
    });
  });
  return { id: row.id };
}

export async function deleteConnection(scope: Scope, connectionId: string) {
  const row = await findConnection(scope, connectionId);
  await scope.db.transaction(async (tx) => {
    await tx.delete(connections).where(eq(connections.id, row.id));
    await recordAudit(tx, { workspaceId: scope.workspaceId, actorId: scope.userId, action: "connection.delete", targetType: "connection", targetId: row.id, details: { name: row.name } });
  });
  return { id: row.id };
}

/** Tries the stored connection from the server, as a run would reach it; the answer never holds its secret. */
export async function testConnection(scope: Scope, connectionId: string, options: { allow: readonly string[] }): Promise<ConnectionTestResult> {
  const row = await findConnection(scope, connectionId);
  const secret = row.secretCiphertext ? scope.secrets.decryptJson<Record<string, unknown>>(row.secretCiphertext) : null;
  return probeConnection({ id: row.id, kind: row.kind, name: row.name, settings: row.settings, secret }, { allow: options.allow });
}

/** Server-only: the decrypted secret, for the runtime's connectors. Never return it from a procedure. */
export async function readConnectionSecret(scope: Pick<Scope, "db" | "workspaceId" | "secrets">, connectionId: string) {
  const [row] = await scope.db
    .select({ secret: connections.secretCiphertext })
    .from(connections)
    .where(and(eq(connections.id, connectionId), eq(connections.workspaceId, scope.workspaceId)))
    .limit(1);
  if (!row) throw notFound("The connection");
  return row.secret ? scope.secrets.decryptJson<Record<string, unknown>>(row.secret) : null;
}
