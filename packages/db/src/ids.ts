import { createHash, randomBytes, randomUUID } from "node:crypto";

export function newId(): string {
  return randomUUID();
}

/** A URL-safe random token with 256 bits of entropy. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** How a bearer secret (invitation link, API token) is stored: its SHA-256, hex. The secret has 256 random bits, so a slow hash adds nothing. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
