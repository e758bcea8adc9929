import { HttpAuthError, HttpError } from "./errors";
import type { HttpAuth, HttpAuthContext } from "./client";
import { redactUrl } from "./redact";

/**
 * How a connection authenticates, its settings and secret together (the connection store keeps the
 * secret part encrypted and hands it over only on the server).
 */
export type HttpAuthConfig =
  | { type: "none" }
  | { type: "bearer"; token: string }
  | { type: "basic"; username: string; password: string }
  | { type: "api-key"; in: "header" | "query"; name: string; value: string }
  | {
      type: "oauth2";
      tokenUrl: string;
      clientId: string;
      clientSecret: string;
      scope?: string;
      audience?: string;
      /** How the client credentials reach the token endpoint (default "basic": an Authorization header). */
      credentials?: "basic" | "body";
      /** Fetch a new token this long before the old one expires (default 60 s, at most a tenth of its lifetime). */
      refreshBeforeSeconds?: number;
      /** Clock in milliseconds; tests pass a fake one. */
      now?: () => number;
    };

export function createAuth(config: HttpAuthConfig): HttpAuth | undefined {
  switch (config.type) {
    case "none":
      return undefined;
    case "bearer":
      return { apply: ({ headers }) => void (headers.authorization = `Bearer ${config.token}`) };
    case "basic": {
      const value = `Basic ${Buffer.from(`${config.username}:${config.password}`).toString("base64")}`;
      return { apply: ({ headers }) => void (headers.authorization = value) };
    }
    case "api-key":
      if (config.in === "header") {
        const name = config.name.toLowerCase();
        return { apply: ({ headers }) => void (headers[name] = config.value) };
      }
      return {
        secretParams: [config.name],
        apply: ({ url }) => url.searchParams.set(config.name, config.value),
      };
    case "oauth2":
      return createOAuth2ClientCredentials(config);
  }
}

type OAuth2Config = Extract<HttpAuthConfig, { type: "oauth2" }>;

interface CachedToken {
  accessToken: string;
  /** When to stop using it (already moved earlier by the refresh margin); Infinity when the server gave no lifetime. */
  useUntil: number;
}

/**
 * OAuth2 client credentials: one token request, shared by every request of this auth object (a
 * request in flight is shared too), reused until shortly before `expires_in`, renewed once on a 401.
 */
export function createOAuth2ClientCredentials(config: OAuth2Config): HttpAuth & { readonly tokenRequests: number } {
  const now = config.now ?? Date.now;
  let cached: CachedToken | undefined;
  let pending: Promise<CachedToken> | undefined;
  let tokenRequests = 0;

  const fetchToken = async (context: HttpAuthContext): Promise<CachedToken> => {
    tokenRequests++;
    const form = new URLSearchParams({ grant_type: "client_credentials" });
    if (config.scope) form.set("scope", config.scope);
    if (config.audience) form.set("audience", config.audience);
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
    if ((config.credentials ?? "basic") === "basic") {
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(config.clientId)}:${encodeURIComponent(config.clientSecret)}`).toString("base64")}`;
    } else {
      form.set("client_id", config.clientId);
      form.set("client_secret", config.clientSecret);
    }
    const shown = redactUrl(config.tokenUrl);
    const requestedAt = now();
    let payload: { access_token?: unknown; expires_in?: unknown };
    try {
      const response = await context.client.request({
        url: config.tokenUrl,
        method: "POST",
        headers,
        body: form.toString(),
        signal: context.signal,
        retry: { retryNonIdempotent: true },
      });
      payload = await response.json();
    } catch (error) {
      if (error instanceof HttpError && "status" in error && (error.status === 400 || error.status === 401)) {
        throw new HttpAuthError(
          `The token endpoint ${shown} refused the client credentials (${error.message}). Check the client id and secret of the connection.`,
          shown,
          { cause: error },
        );
      }
      throw error;
    }
    if (typeof payload.access_token !== "string" || payload.access_token === "") {
      throw new HttpAuthError(`The token endpoint ${shown} answered without an access_token. Check the token URL of the connection.`, shown);
    }
    const lifetimeMs = Number(payload.expires_in) * 1000;
    if (!Number.isFinite(lifetimeMs) || lifetimeMs <= 0) return { accessToken: payload.access_token, useUntil: Number.POSITIVE_INFINITY };
    const margin = Math.min((config.refreshBeforeSeconds ?? 60) * 1000, lifetimeMs / 10);
    return { accessToken: payload.access_token, useUntil: requestedAt + lifetimeMs - margin };
  };

  const token = async (context: HttpAuthContext): Promise<CachedToken> => {
    if (cached && now() < cached.useUntil) return cached;
    pending ??= fetchToken(context).finally(() => {
      pending = undefined;
    });
    cached = await pending;
    return cached;
  };

  return {
    get tokenRequests() {
      return tokenRequests;
    },
    async apply({ headers }, context) {
      headers.authorization = `Bearer ${(await token(context)).accessToken}`;
    },
    async refresh(_context, failed) {
      // Concurrent requests that failed with the same old token fetch one new token between them.
      if (cached && failed.headers.authorization === `Bearer ${cached.accessToken}`) cached = undefined;
      return true;
    },
  };
}
