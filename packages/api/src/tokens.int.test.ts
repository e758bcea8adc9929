import { apiTokens, auditLog, members } from "@flowgate/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INVALID_API_TOKEN_MESSAGE } from "./services/tokens";
import { createTestApi, type TestHttpServer, type TestUser } from "./testing";

let api: Awaited<ReturnType<typeof createTestApi>>;
let server: TestHttpServer;
let owner: TestUser;

beforeAll(async () => {
  api = await createTestApi();
  server = await api.serveHttp();
  owner = await api.signUp("Olga");
});
afterAll(async () => {
  await server?.close();
  await api?.dispose();
});

type Answer = { status: number; data?: unknown; error?: { message: string; code: string } };

/** One tRPC call over HTTP as a script would make it: plain JSON, the token in the Authorization header, no cookie. */
async function call(procedure: string, token: string, input?: unknown, kind: "query" | "mutation" = "query"): Promise<Answer> {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const url = `${server.url}/api/trpc/${procedure}`;
  const response =
    kind === "query"
      ? await fetch(input === undefined ? url : `${url}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers })
      : await fetch(url, { method: "POST", headers, body: JSON.stringify(input ?? null) });
  const body = (await response.json()) as { result?: { data: unknown }; error?: { message: string; data: { code: string } } };
  return body.error
    ? { status: response.status, error: { message: body.error.message, code: body.error.data.code } }
    : { status: response.status, data: body.result?.data };
}

async function memberJoining(name: string, role: "admin" | "editor" | "viewer") {
  const user = await api.signUp(name);
  await api.joinAs(user, owner.workspaceId, role);
  return user;
}

describe("tokens.create / list / revoke", () => {
  it("shows the token once, stores only its hash, lists it with its prefix and audits create and revoke", async () => {
    const created = await owner.caller.tokens.create({ name: "CI deploy", role: "editor", expiresInDays: 30 });
    expect(created.token).toMatch(/^fgt_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.token.slice(0, 12));
    expect(Date.parse(created.expiresAt!) - Date.now()).toBeGreaterThan(29.9 * 24 * 3600 * 1000);

    const listed = await owner.caller.tokens.list();
    expect(listed).toEqual([
      expect.objectContaining({ id: created.id, name: "CI deploy", role: "editor", prefix: created.prefix, mine: true, status: "active", lastUsedAt: null, revokedAt: null }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.token);
    const stored = await api.database.pool.query("select * from api_tokens where id = $1", [created.id]);
    expect(JSON.stringify(stored.rows)).not.toContain(created.token.slice(12));

    expect(await owner.caller.tokens.revoke({ id: created.id })).toMatchObject({ id: created.id });
    expect((await owner.caller.tokens.list())[0]).toMatchObject({ id: created.id, status: "revoked" });
    const audit = await api.database.db
      .select({ action: auditLog.action, details: auditLog.details })
      .from(auditLog)
      .where(and(eq(auditLog.targetType, "api_token"), eq(auditLog.targetId, created.id)))
      .orderBy(auditLog.createdAt);
    expect(audit).toEqual([
      { action: "api_token.create", details: expect.objectContaining({ name: "CI deploy", role: "editor", prefix: created.prefix }) },
      { action: "api_token.revoke", details: expect.objectContaining({ name: "CI deploy", ownerId: owner.id }) },
    ]);
  });

  it("caps the role at the creator's own", async () => {
    const editor = await memberJoining("Eddie", "editor");
    await expect(editor.caller.tokens.create({ name: "Too strong", role: "admin" })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "A token can't have more rights than you: you are an editor in this workspace, so choose the role editor or a lower one.",
    });
    expect((await editor.caller.tokens.create({ name: "Reader", role: "viewer" })).role).toBe("viewer");
    expect((await editor.caller.tokens.create({ name: "Writer", role: "editor" })).role).toBe("editor");
  });

  it("lists and revokes a person's own tokens; admins see and revoke every token of the workspace", async () => {
    const writer = await memberJoining("Wanda", "editor");
    const other = await memberJoining("Otto", "editor");
    const admin = await memberJoining("Adele", "admin");
    const mine = await writer.caller.tokens.create({ name: "Wanda's laptop", role: "editor" });
    const theirs = await other.caller.tokens.create({ name: "Otto's script", role: "viewer" });

    expect((await writer.caller.tokens.list()).map((t) => t.id)).toEqual([mine.id]);
    await expect(writer.caller.tokens.revoke({ id: theirs.id })).rejects.toMatchObject({ code: "NOT_FOUND" });

    const seenByAdmin = await admin.caller.tokens.list();
    expect(seenByAdmin.map((t) => t.id)).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    expect(seenByAdmin.find((t) => t.id === theirs.id)).toMatchObject({ ownerName: "Otto", mine: false });
    await admin.caller.tokens.revoke({ id: theirs.id });
    expect((await call("flows.list", theirs.token)).error?.code).toBe("UNAUTHORIZED");
    expect((await call("flows.list", mine.token)).status).toBe(200);
  });
});

describe("the API with Authorization: Bearer", () => {
  it("acts in the token's workspace with its role, records last use, and refuses it once revoked", async () => {
    // The owner's session is in another workspace; the token still acts in the one it was made in.
    const elsewhere = await api.signUp("Elsa");
    await api.joinAs(owner, elsewhere.workspaceId, "editor");
    const { id: flowId } = await elsewhere.caller.flows.create({ name: "Not for the token" });
    await api.auth.api.setActiveOrganization({ headers: owner.headers, body: { organizationId: owner.workspaceId } });
    const editorToken = await owner.caller.tokens.create({ name: "Deploy", role: "editor" });
    const viewerToken = await owner.caller.tokens.create({ name: "Read only", role: "viewer" });
    await api.auth.api.setActiveOrganization({ headers: owner.headers, body: { organizationId: elsewhere.workspaceId } });

    const created = await call("flows.create", editorToken.token, { name: "Made by a script" }, "mutation");
    expect(created.status).toBe(200);
    const listed = await call("flows.list", editorToken.token);
    expect((listed.data as { name: string }[]).map((f) => f.name)).toContain("Made by a script");
    expect((await call("flows.get", editorToken.token, { flowId })).error?.code).toBe("NOT_FOUND");
    expect((await call("workspaces.current", viewerToken.token)).data).toMatchObject({ id: owner.workspaceId, role: "viewer" });
    expect(await call("flows.create", viewerToken.token, { name: "Not allowed" }, "mutation")).toMatchObject({
      status: 403,
      error: { code: "FORBIDDEN", message: expect.stringMatching(/needs an editor or higher; you are a viewer/) },
    });

    const [used] = await api.database.db.select({ lastUsedAt: apiTokens.lastUsedAt }).from(apiTokens).where(eq(apiTokens.id, editorToken.id));
    expect(used?.lastUsedAt).not.toBeNull();
    await api.auth.api.setActiveOrganization({ headers: owner.headers, body: { organizationId: owner.workspaceId } });
    expect((await owner.caller.tokens.list()).find((t) => t.id === editorToken.id)?.lastUsedAt).toBe(used!.lastUsedAt!.toISOString());

    await owner.caller.tokens.revoke({ id: editorToken.id });
    expect(await call("flows.list", editorToken.token)).toEqual({ status: 401, error: { code: "UNAUTHORIZED", message: INVALID_API_TOKEN_MESSAGE } });
  });

  it("refuses expired and unknown tokens with the same message", async () => {
    const expiring = await owner.caller.tokens.create({ name: "Short", role: "viewer", expiresInDays: 1 });
    expect((await call("flows.list", expiring.token)).status).toBe(200);
    await api.database.db.update(apiTokens).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(apiTokens.id, expiring.id));
    expect((await owner.caller.tokens.list()).find((t) => t.id === expiring.id)?.status).toBe("expired");
    for (const token of [expiring.token, `${expiring.token.slice(0, -1)}x`, "not-a-token"]) {
      expect(await call("flows.list", token)).toEqual({ status: 401, error: { code: "UNAUTHORIZED", message: INVALID_API_TOKEN_MESSAGE } });
    }
  });

  it("acts with the owner's current role when it is lower than the token's, and not at all once they leave", async () => {
    const editor = await memberJoining("Erik", "editor");
    const token = await editor.caller.tokens.create({ name: "Erik's deploy", role: "editor" });
    expect((await call("flows.create", token.token, { name: "Erik's flow" }, "mutation")).status).toBe(200);

    await api.database.db.update(members).set({ role: "viewer" }).where(and(eq(members.organizationId, owner.workspaceId), eq(members.userId, editor.id)));
    expect((await call("workspaces.current", token.token)).data).toMatchObject({ role: "viewer" });
    expect((await call("flows.create", token.token, { name: "No longer" }, "mutation")).error?.code).toBe("FORBIDDEN");

    await api.database.db.delete(members).where(and(eq(members.organizationId, owner.workspaceId), eq(members.userId, editor.id)));
    expect(await call("flows.list", token.token)).toMatchObject({ status: 403, error: { message: expect.stringMatching(/no longer a member of the workspace this API token belongs to/) } });
  });

  it("can't manage tokens or reach beyond its workspace", async () => {
    const token = await owner.caller.tokens.create({ name: "Owner's script", role: "owner" });
    expect(await call("tokens.create", token.token, { name: "Forever", role: "owner" }, "mutation")).toMatchObject({
      status: 403,
      error: { message: expect.stringMatching(/API tokens can't manage API tokens/) },
    });
    expect((await call("tokens.list", token.token)).error?.code).toBe("FORBIDDEN");
    const { token: invitation } = await api.signUp("Ines").then((ines) => ines.caller.members.invite({ role: "editor" }));
    expect(await call("members.acceptInvite", token.token, { token: invitation }, "mutation")).toMatchObject({
      status: 403,
      error: { message: expect.stringMatching(/can't be done with an API token/) },
    });
  });
});
