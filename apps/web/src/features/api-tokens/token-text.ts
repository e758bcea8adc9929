import type { Tone } from "@flowgate/ui";
import type { RouterOutputs } from "@/lib/api-types";
import { ROLES, type Role } from "@/lib/roles";

export type ApiToken = RouterOutputs["tokens"]["list"][number];
export type TokenStatus = ApiToken["status"];

/** The roles a token may have: never above its owner's (ROLES runs from owner down to viewer). */
export function tokenRoles(myRole: Role): Role[] {
  return ROLES.slice(ROLES.indexOf(myRole));
}

/** The role a new token starts with: the least that can change flows, when the owner may give it. */
export function defaultTokenRole(myRole: Role): Role {
  return tokenRoles(myRole).includes("editor") ? "editor" : myRole;
}

export const EXPIRY_CHOICES = [
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
  { value: "never", label: "Never" },
] as const;
export type ExpiryChoice = (typeof EXPIRY_CHOICES)[number]["value"];

export function expiresInDays(choice: ExpiryChoice): number | undefined {
  return choice === "never" ? undefined : Number(choice);
}

export const TOKEN_STATUS: Record<TokenStatus, { label: string; tone: Tone }> = {
  active: { label: "Active", tone: "success" },
  expired: { label: "Expired", tone: "warning" },
  revoked: { label: "Revoked", tone: "neutral" },
};

/** Active tokens first, then the newest. */
export function orderTokens(tokens: readonly ApiToken[]): ApiToken[] {
  const rank = (status: TokenStatus) => (status === "active" ? 0 : 1);
  return [...tokens].sort((a, b) => rank(a.status) - rank(b.status) || b.createdAt.localeCompare(a.createdAt));
}
