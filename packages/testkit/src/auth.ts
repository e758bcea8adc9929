import type { IncomingMessage } from "node:http";
import { firstHeader } from "./http-util";

/** How a fake server wants its callers to authenticate. */
export type FakeAuth =
  | { type: "none" }
  | { type: "bearer"; token: string }
  | { type: "basic"; username: string; password: string }
  | { type: "api-key"; in: "header" | "query"; name: string; value: string }
  | { type: "oauth2"; clientId: string; clientSecret: string; /** default 3600 */ tokenTtlSeconds?: number };

export function parseBasic(header: string | undefined): { username: string; password: string } | null {
  if (!header?.toLowerCase().startsWith("basic ")) return null;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Issues and checks OAuth2 client-credentials tokens. */
export class TokenIssuer {
  private readonly tokens = new Map<string, number>();
  private issued = 0;

  issue(ttlSeconds: number): string {
    const token = `tok-${++this.issued}-${Math.random().toString(36).slice(2, 10)}`;
    this.tokens.set(token, Date.now() + ttlSeconds * 1000);
    return token;
  }

  isValid(token: string): boolean {
    const expiresAt = this.tokens.get(token);
    return expiresAt !== undefined && expiresAt > Date.now();
  }

  expireAll(): void {
    this.tokens.clear();
  }
}

/** Returns null when the request is authenticated, or the reason it is not. */
export function checkAuth(auth: FakeAuth, req: IncomingMessage, url: URL, tokens: TokenIssuer): string | null {
  const authorization = firstHeader(req.headers.authorization);
  switch (auth.type) {
    case "none":
      return null;
    case "bearer":
      return authorization === `Bearer ${auth.token}` ? null : "missing or wrong bearer token";
    case "basic": {
      const credentials = parseBasic(authorization);
      return credentials?.username === auth.username && credentials.password === auth.password
        ? null
        : "missing or wrong basic credentials";
    }
    case "api-key": {
      const value = auth.in === "header" ? firstHeader(req.headers[auth.name.toLowerCase()]) : url.searchParams.get(auth.name);
      return value === auth.value ? null : `missing or wrong API key in ${auth.in} "${auth.name}"`;
    }
    case "oauth2": {
      if (!authorization?.startsWith("Bearer ")) return "missing access token";
      return tokens.isValid(authorization.slice(7)) ? null : "access token expired or unknown";
    }
  }
}
