import type { HttpClient } from "@flowgate/connectors/http";
import type pg from "pg";
import type { Readable } from "node:stream";

/** A stored connection as a node sees it: settings and the decrypted secret (server-side only). */
export interface ResolvedConnection {
  id: string;
  kind: "http" | "postgres";
  name: string;
  settings: Record<string, unknown>;
  secret: Record<string, unknown> | null;
}

export interface ArtifactWriter {
  write(chunk: Buffer): Promise<void>;
  /** Finishes the file; returns what a person downloads. */
  close(): Promise<{ id: string; name: string; bytes: number }>;
  /** Drops a half-written file (the run failed). */
  abort(): Promise<void>;
}

/**
 * What node kinds may use, passed by the runtime as `ctx.services`. No node opens a socket, a
 * pool or a file by itself: everything goes through these, so the SSRF policy, connection
 * secrets and artifact storage have one home each.
 */
export interface NodeServices {
  /** The workspace's HTTP client: SSRF guard, retries, rate limits. */
  http: HttpClient;
  connections: {
    /** Throws a clear error when the connection does not exist in the flow's workspace. */
    get(connectionId: string): Promise<ResolvedConnection>;
  };
  postgres: {
    /** A pool for a postgres connection, shared across batches and runs; the runtime closes it. */
    pool(connection: ResolvedConnection): pg.Pool;
  };
  files: {
    /** An uploaded file's bytes (source.file with `upload`). */
    openUpload(uploadId: string): Promise<Readable>;
  };
  artifacts: {
    create(name: string, contentType: string): Promise<ArtifactWriter>;
  };
  now(): Date;
}
