import { createHttpClient, type HttpClient } from "@flowgate/connectors/http";
import { connections, type Database } from "@flowgate/db";
import type { SecretBox } from "@flowgate/db/crypto";
import type { ArtifactWriter, NodeServices, ResolvedConnection } from "@flowgate/nodes/services";
import { and, eq } from "drizzle-orm";
import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

export interface RuntimeServicesOptions {
  db: Database;
  secrets: SecretBox;
  /** Where run artifacts (written files) are kept, one folder per run. */
  dataDir: string;
  /**
   * Let nodes reach loopback addresses (127.0.0.0/8, ::1). Off in production: the demo and tests,
   * whose fake APIs listen on loopback, turn it on explicitly.
   */
  allowLoopback?: boolean;
  /** Further hosts, IPs or CIDR ranges the HTTP client may reach despite the SSRF guard. */
  allow?: readonly string[];
}

export interface RuntimeServices {
  /** The services one run's nodes get: connections of the run's workspace, artifacts under the run's folder. */
  forRun(run: { id: string; workspaceId: string }): NodeServices;
  /** Closes the HTTP client and every pool opened for a connection. */
  close(): Promise<void>;
}

interface PostgresSettings {
  host: string;
  port?: number;
  database: string;
  user: string;
  ssl?: boolean;
}

/** The services the worker passes to nodes: one HTTP client and one pool per connection, shared by runs. */
/** How node-postgres reaches a stored PostgreSQL connection (its settings and decrypted password). */
export function postgresClientConfig(connection: ResolvedConnection): pg.ClientConfig {
  const settings = connection.settings as unknown as PostgresSettings;
  const password = (connection.secret as { password?: unknown } | null)?.password;
  return {
    host: settings.host,
    port: settings.port ?? 5432,
    database: settings.database,
    user: settings.user,
    password: typeof password === "string" ? password : undefined,
    ssl: settings.ssl ? { rejectUnauthorized: true } : undefined,
  };
}

export function createRuntimeServices(options: RuntimeServicesOptions): RuntimeServices {
  const allow = [...(options.allowLoopback ? ["127.0.0.0/8", "::1"] : []), ...(options.allow ?? [])];
  const http: HttpClient = createHttpClient({ allow });
  /** By connection id and a digest of what the pool was opened with: an edited connection gets a new pool. */
  const pools = new Map<string, { digest: string; pool: pg.Pool }>();

  async function resolveConnection(workspaceId: string, connectionId: string): Promise<ResolvedConnection> {
    const [row] = await options.db
      .select()
      .from(connections)
      .where(and(eq(connections.id, connectionId), eq(connections.workspaceId, workspaceId)))
      .limit(1);
    if (!row) {
      throw new Error(`The connection “${connectionId}” does not exist in this workspace (it may have been deleted). Choose another connection in the step's settings.`);
    }
    const secret = row.secretCiphertext ? options.secrets.decryptJson<Record<string, unknown>>(row.secretCiphertext) : null;
    return { id: row.id, kind: row.kind, name: row.name, settings: row.settings, secret };
  }

  function pool(connection: ResolvedConnection): pg.Pool {
    if (connection.kind !== "postgres") {
      throw new Error(`The connection “${connection.name}” is not a PostgreSQL connection. Choose a PostgreSQL connection in the step's settings.`);
    }
    const digest = createHash("sha256").update(JSON.stringify([connection.settings, (connection.secret as { password?: unknown } | null)?.password ?? null])).digest("hex");
    const cached = pools.get(connection.id);
    if (cached?.digest === digest) return cached.pool;
    if (cached) void cached.pool.end().catch(() => {});
    const created = new pg.Pool({ ...postgresClientConfig(connection), max: 4 });
    // An idle client losing its server must not crash the worker; the next query reconnects.
    created.on("error", () => {});
    pools.set(connection.id, { digest, pool: created });
    return created;
  }

  return {
    forRun(run) {
      const runDir = path.join(options.dataDir, "artifacts", run.id);
      return {
        http,
        connections: { get: (connectionId) => resolveConnection(run.workspaceId, connectionId) },
        postgres: { pool },
        files: {
          async openUpload() {
            throw new Error("Uploaded files cannot be read by runs yet. Use a file from a URL instead, or run the flow from the editor's preview.");
          },
        },
        artifacts: {
          async create(name: string): Promise<ArtifactWriter> {
            await mkdir(runDir, { recursive: true });
            const id = randomUUID();
            const file = path.join(runDir, id);
            const stream = createWriteStream(file);
            let bytes = 0;
            const opened = new Promise<void>((resolve, reject) => {
              stream.once("open", () => resolve());
              stream.once("error", reject);
            });
            await opened;
            return {
              async write(chunk) {
                bytes += chunk.length;
                if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once("drain", resolve));
              },
              async close() {
                await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
                return { id: `${run.id}/${id}`, name, bytes };
              },
              async abort() {
                stream.destroy();
                await rm(file, { force: true });
              },
            };
          },
        },
        now: () => new Date(),
      };
    },
    async close() {
      await http.close();
      await Promise.all([...pools.values()].map(({ pool }) => pool.end().catch(() => {})));
      pools.clear();
    },
  };
}

/** A postgres connection's settings and secret pointing at the database of a connection string (the demo's shop, tests). */
export function postgresConnectionParts(connectionString: string): { settings: Record<string, unknown>; secret: { password: string } } {
  const url = new URL(connectionString);
  return {
    settings: {
      host: url.hostname,
      port: Number(url.port || 5432),
      database: decodeURIComponent(url.pathname.slice(1)),
      user: decodeURIComponent(url.username),
      ssl: false,
    },
    secret: { password: decodeURIComponent(url.password) },
  };
}
