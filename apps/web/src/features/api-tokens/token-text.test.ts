import { describe, expect, it } from "vitest";
import { defaultTokenRole, expiresInDays, orderTokens, tokenRoles, type ApiToken } from "./token-text";

describe("token roles", () => {
  it("never offers a role above the owner's", () => {
    expect(tokenRoles("owner")).toEqual(["owner", "admin", "editor", "viewer"]);
    expect(tokenRoles("editor")).toEqual(["editor", "viewer"]);
    expect(tokenRoles("viewer")).toEqual(["viewer"]);
  });

  it("starts at editor when allowed, else the owner's own role", () => {
    expect(defaultTokenRole("admin")).toBe("editor");
    expect(defaultTokenRole("viewer")).toBe("viewer");
  });
});

describe("expiry and order", () => {
  it("turns the choice into days, or none for never", () => {
    expect(expiresInDays("90")).toBe(90);
    expect(expiresInDays("never")).toBeUndefined();
  });

  it("lists active tokens first, newest first", () => {
    const token = (id: string, status: ApiToken["status"], createdAt: string) => ({ id, status, createdAt }) as ApiToken;
    const ordered = orderTokens([token("a", "revoked", "2026-03-01"), token("b", "active", "2026-01-01"), token("c", "active", "2026-02-01"), token("d", "expired", "2026-04-01")]);
    expect(ordered.map((t) => t.id)).toEqual(["c", "b", "d", "a"]);
  });
});
