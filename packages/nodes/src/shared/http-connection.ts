import type { HttpAuthConfig } from "@flowgate/connectors/http";
import type { ResolvedConnection } from "../services";

/**
 * How an http connection's settings and secret become the HTTP client's auth and base address.
 * settings: { baseUrl, headers?, auth?: { type, username?, in?, name?, tokenUrl?, clientId?, scope? } }
 * secret:   { token?, password?, apiKey?, clientSecret?, authorization?, headers? }
 */
export function httpConnectionParts(connection: ResolvedConnection): {
  baseUrl: string | undefined;
  headers: Record<string, string>;
  auth: HttpAuthConfig;
} {
  if (connection.kind !== "http") {
    throw new Error(`The connection “${connection.name}” is a ${connection.kind} connection; this step needs an HTTP connection.`);
  }
  const settings = connection.settings as { baseUrl?: string; headers?: Record<string, string>; auth?: Record<string, string> };
  const secret = (connection.secret ?? {}) as Record<string, unknown>;
  const headers: Record<string, string> = { ...(settings.headers ?? {}), ...((secret.headers as Record<string, string>) ?? {}) };
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  const auth = settings.auth ?? {};
  const missing = (what: string) =>
    new Error(`The connection “${connection.name}” uses ${auth.type} authentication but has no ${what}. Open Connections and enter it.`);
  switch (auth.type) {
    case "bearer":
      if (!secret.token) throw missing("token");
      return { baseUrl: settings.baseUrl, headers, auth: { type: "bearer", token: text(secret.token) } };
    case "basic":
      if (!auth.username) throw missing("user name");
      return { baseUrl: settings.baseUrl, headers, auth: { type: "basic", username: auth.username, password: text(secret.password) } };
    case "api-key":
      if (!secret.apiKey || !auth.name) throw missing("API key or key name");
      return {
        baseUrl: settings.baseUrl,
        headers,
        auth: { type: "api-key", in: auth.in === "query" ? "query" : "header", name: auth.name, value: text(secret.apiKey) },
      };
    case "oauth2":
      if (!auth.tokenUrl || !auth.clientId || !secret.clientSecret) throw missing("token URL, client id or client secret");
      return {
        baseUrl: settings.baseUrl,
        headers,
        auth: { type: "oauth2", tokenUrl: auth.tokenUrl, clientId: auth.clientId, clientSecret: text(secret.clientSecret), scope: auth.scope || undefined },
      };
    default:
      // A raw Authorization header (the simplest form the connection dialog offers).
      if (typeof secret.authorization === "string" && secret.authorization) headers.authorization = secret.authorization;
      return { baseUrl: settings.baseUrl, headers, auth: { type: "none" } };
  }
}

/** Joins a connection's base address and a step's path or full URL. */
export function resolveUrl(baseUrl: string | undefined, urlOrPath: string): string {
  if (/^https?:\/\//i.test(urlOrPath)) return urlOrPath;
  if (!baseUrl) throw new Error(`“${urlOrPath}” is not a full address and the step has no connection with a base URL. Enter a full http(s):// address or choose a connection.`);
  return new URL(urlOrPath.replace(/^\//, ""), baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`).toString();
}
