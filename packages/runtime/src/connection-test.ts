import { createAuth, createHttpClient, HttpError, redactUrl } from "@flowgate/connectors/http";
import { httpConnectionParts } from "@flowgate/nodes/http-connection";
import type { ResolvedConnection } from "@flowgate/nodes/services";
import pg from "pg";
import { postgresClientConfig } from "./services";

export interface ConnectionTestResult {
  ok: boolean;
  /** What happened, in a person's words; never a secret. */
  message: string;
}

export interface ConnectionTestOptions {
  /** Hosts, IPs or CIDR ranges the HTTP client may reach despite its SSRF guard (FLOWGATE_ALLOW_HOSTS), as for runs. */
  allow: readonly string[];
  /** How long the server has to answer (default 5 s). */
  timeoutMs?: number;
}

export const CONNECTION_TEST_TIMEOUT_MS = 5_000;

/**
 * “Test connection”: one GET of an HTTP connection's base address through the same guarded client
 * runs use (its headers and credentials applied, no retries), or a PostgreSQL login and `select 1`.
 * Any HTTP answer below 500 means the service is there. Messages name the address, never a secret.
 */
export async function testConnection(connection: ResolvedConnection, options: ConnectionTestOptions): Promise<ConnectionTestResult> {
  const timeoutMs = options.timeoutMs ?? CONNECTION_TEST_TIMEOUT_MS;
  return connection.kind === "postgres" ? testPostgres(connection, timeoutMs) : testHttp(connection, options.allow, timeoutMs);
}

async function testHttp(connection: ResolvedConnection, allow: readonly string[], timeoutMs: number): Promise<ConnectionTestResult> {
  let parts: ReturnType<typeof httpConnectionParts>;
  try {
    parts = httpConnectionParts(connection);
  } catch (error) {
    return { ok: false, message: describe(error) };
  }
  if (!parts.baseUrl) return { ok: false, message: `The connection “${connection.name}” has no base address to test. Enter one, e.g. https://api.example.com.` };
  const client = createHttpClient({ allow, defaultTimeoutMs: timeoutMs });
  const started = performance.now();
  try {
    const auth = createAuth(parts.auth);
    const response = await client.request({ url: parts.baseUrl, method: "GET", headers: parts.headers, ...(auth && { auth }), retry: false, throwOnStatus: false, timeoutMs });
    const ms = Math.round(performance.now() - started);
    await response.dump();
    const answered = `${response.displayUrl} answered ${response.status} in ${ms} ms`;
    if (response.status >= 500) return { ok: false, message: `${answered}: the service is reachable but reports an error on its side. Try again later.` };
    if (response.status === 401 || response.status === 403) {
      return { ok: true, message: `${answered}: the service is reachable, but it refused the credentials for this address. Check them if your steps get the same answer.` };
    }
    return { ok: true, message: `${answered}.` };
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, message: error.message };
    return { ok: false, message: `Could not test ${redactUrl(parts.baseUrl)}: ${describe(error)}` };
  } finally {
    await client.close().catch(() => {});
  }
}

async function testPostgres(connection: ResolvedConnection, timeoutMs: number): Promise<ConnectionTestResult> {
  const config = postgresClientConfig(connection);
  const where = `${config.host ?? "?"}:${config.port ?? 5432}`;
  const client = new pg.Client({ ...config, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  // A connection dropped after the test must not become an unhandled error.
  client.on("error", () => {});
  const started = performance.now();
  try {
    await client.connect();
    await client.query("select 1");
    const ms = Math.round(performance.now() - started);
    return { ok: true, message: `Connected to the database “${config.database}” at ${where} as “${config.user}” in ${ms} ms.` };
  } catch (error) {
    return { ok: false, message: postgresFailure(error, { where, database: config.database, user: config.user, timeoutMs }) };
  } finally {
    await client.end().catch(() => {});
  }
}

function postgresFailure(error: unknown, at: { where: string; database?: string; user?: string; timeoutMs: number }): string {
  const code = codeOf(error);
  switch (code) {
    case "ECONNREFUSED":
      return `Could not reach the database server at ${at.where}: the connection was refused. Check the host and port, and that PostgreSQL is running there.`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `Could not find the database server “${at.where}”: the host name does not resolve. Check the host.`;
    case "ETIMEDOUT":
    case "TIMEOUT":
      return `The database server at ${at.where} did not answer within ${at.timeoutMs / 1000} s. Check the host and port, and that a firewall lets Flowgate through.`;
    case "28P01":
    case "28000":
      return `The database at ${at.where} refused the login of “${at.user}”. Check the user name and password.`;
    case "3D000":
      return `The server at ${at.where} has no database “${at.database}”. Check the database name.`;
    default:
      return `The database at ${at.where} could not be used: ${describe(error)}`;
  }
}

/** The error's code: Node's (ECONNREFUSED, possibly inside an AggregateError of several addresses), PostgreSQL's SQLSTATE, or a timeout. */
function codeOf(error: unknown): string | undefined {
  const { code, errors, message } = (error ?? {}) as { code?: unknown; errors?: unknown; message?: unknown };
  if (typeof code === "string") return code;
  if (Array.isArray(errors) && errors.length > 0) return codeOf(errors[0]);
  if (typeof message === "string" && /timeout/i.test(message)) return "TIMEOUT";
  return undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
