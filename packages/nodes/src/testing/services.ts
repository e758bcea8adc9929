import { createHttpClient } from "@flowgate/connectors/http";
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rm, writeFile, appendFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import pg from "pg";
import type { ArtifactWriter, NodeServices, ResolvedConnection } from "../services";

export interface TestServices extends NodeServices {
  /** Add a connection the flow's nodes can name by id. */
  addConnection(connection: Omit<ResolvedConnection, "id"> & { id?: string }): ResolvedConnection;
  addUpload(bytes: Buffer | string): string;
  /** Artifacts written so far, by id, with their bytes. */
  artifactFiles: Map<string, { name: string; contentType: string; path: string }>;
  readArtifact(id: string): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * Real services for node tests: a real HTTP client (loopback allowed, as the tests' servers live
 * there), real pg pools, artifacts in a temporary folder. Nothing here is a mock.
 */
export function createTestServices(options: { now?: () => Date } = {}): TestServices {
  const http = createHttpClient({ allow: ["127.0.0.0/8", "::1"], retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 200 } });
  const connections = new Map<string, ResolvedConnection>();
  const uploads = new Map<string, Buffer>();
  const pools = new Map<string, pg.Pool>();
  const artifactDir = path.join(tmpdir(), `flowgate-artifacts-${randomUUID()}`);
  const artifactFiles = new Map<string, { name: string; contentType: string; path: string }>();

  return {
    http,
    connections: {
      async get(connectionId) {
        const connection = connections.get(connectionId);
        if (!connection) throw new Error(`The connection “${connectionId}” does not exist (it may have been deleted). Choose another connection in the step's settings.`);
        return connection;
      },
    },
    postgres: {
      pool(connection) {
        let pool = pools.get(connection.id);
        if (!pool) {
          const settings = connection.settings as { host: string; port?: number; database: string; user: string; ssl?: boolean; connectionString?: string };
          pool = settings.connectionString
            ? new pg.Pool({ connectionString: settings.connectionString, max: 4 })
            : new pg.Pool({
                host: settings.host,
                port: settings.port ?? 5432,
                database: settings.database,
                user: settings.user,
                password: String((connection.secret as { password?: string } | null)?.password ?? ""),
                ssl: settings.ssl ? { rejectUnauthorized: false } : undefined,
                max: 4,
              });
          pool.on("error", () => {});
          pools.set(connection.id, pool);
        }
        return pool;
      },
    },
    files: {
      async openUpload(uploadId) {
        const bytes = uploads.get(uploadId);
        if (!bytes) throw new Error(`The uploaded file “${uploadId}” is gone. Upload it again in the step's settings.`);
        return Readable.from([bytes]);
      },
    },
    artifacts: {
      async create(name, contentType): Promise<ArtifactWriter> {
        await mkdir(artifactDir, { recursive: true });
        const id = randomUUID();
        const file = path.join(artifactDir, id);
        await writeFile(file, "");
        let bytes = 0;
        return {
          async write(chunk) {
            bytes += chunk.length;
            await appendFile(file, chunk);
          },
          async close() {
            artifactFiles.set(id, { name, contentType, path: file });
            return { id, name, bytes };
          },
          async abort() {
            await rm(file, { force: true });
          },
        };
      },
    },
    now: options.now ?? (() => new Date()),
    addConnection(connection) {
      const resolved = { ...connection, id: connection.id ?? randomUUID() };
      connections.set(resolved.id, resolved);
      return resolved;
    },
    addUpload(bytes) {
      const id = randomUUID();
      uploads.set(id, Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes));
      return id;
    },
    artifactFiles,
    async readArtifact(id) {
      const artifact = artifactFiles.get(id);
      if (!artifact) throw new Error(`no artifact ${id}`);
      return readFile(artifact.path);
    },
    async close() {
      await http.close();
      await Promise.all([...pools.values()].map((pool) => pool.end()));
      await rm(artifactDir, { recursive: true, force: true });
    },
  };
}
