import { invitations } from "@flowgate/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestUser } from "./testing";

let api: Awaited<ReturnType<typeof createTestApi>>;
let owner: TestUser;

beforeAll(async () => {
  api = await createTestApi();
  owner = await api.signUp("Omar");
});
afterAll(() => api.dispose());

describe("sign-up", () => {
  it("makes each new account owner of a workspace of its own", async () => {
    const current = await owner.caller.workspaces.current();
    expect(current).toMatchObject({ id: owner.workspaceId, role: "owner", name: "Omar's workspace" });
    expect(await owner.caller.workspaces.list()).toEqual([expect.objectContaining({ id: owner.workspaceId, active: true })]);
  });
});

describe("invitation links", () => {
  it("let a new account join with the invited role, once", async () => {
    const { token } = await owner.caller.members.invite({ role: "editor" });
    const guest = await api.signUp("Gita");
    expect(await guest.caller.members.acceptInvite({ token })).toEqual({ workspaceId: owner.workspaceId });
    // Accepting again is harmless for the same person, refused for anyone else.
    expect(await guest.caller.members.acceptInvite({ token })).toEqual({ workspaceId: owner.workspaceId });
    const stranger = await api.signUp("Stan");
    await expect(stranger.caller.members.acceptInvite({ token })).rejects.toMatchObject({ code: "NOT_FOUND" });

    await api.auth.api.setActiveOrganization({ headers: guest.headers, body: { organizationId: owner.workspaceId } });
    expect(await guest.caller.workspaces.current()).toMatchObject({ id: owner.workspaceId, role: "editor" });
    expect((await guest.caller.workspaces.list()).map((w) => w.id).sort()).toEqual([owner.workspaceId, guest.workspaceId].sort());
    const list = await owner.caller.members.list();
    expect(list.members.find((m) => m.userId === guest.id)?.role).toBe("editor");
    expect(list.invitations).toEqual([]);
  });

  it("refuse expired, revoked and wrong-address links with a message that says what to do", async () => {
    const expired = await owner.caller.members.invite({ role: "viewer" });
    await api.database.db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, expired.id));
    const revoked = await owner.caller.members.invite({ role: "viewer" });
    await owner.caller.members.revokeInvite({ invitationId: revoked.id });
    const addressed = await owner.caller.members.invite({ role: "viewer", email: "someone.else@example.test" });

    const guest = await api.signUp("Hugo");
    await expect(guest.caller.members.acceptInvite({ token: expired.token })).rejects.toThrow(/expired\. Ask an admin/);
    await expect(guest.caller.members.acceptInvite({ token: revoked.token })).rejects.toThrow(/not valid/);
    await expect(guest.caller.members.acceptInvite({ token: addressed.token })).rejects.toThrow(/for someone.else@example.test/);
    expect((await owner.caller.members.list()).members.map((m) => m.userId)).not.toContain(guest.id);
  });

  it("only an owner may invite an owner", async () => {
    const admin = await api.signUp("Ada");
    await api.joinAs(admin, owner.workspaceId, "admin");
    await expect(admin.caller.members.invite({ role: "owner" })).rejects.toThrow(/Only an owner/);
    expect((await admin.caller.members.invite({ role: "editor" })).token).toHaveLength(43);
  });
});

describe("roles", () => {
  it("keep at least one owner, and leave owners to owners", async () => {
    const admin = await api.signUp("Abe");
    await api.joinAs(admin, owner.workspaceId, "admin");
    const { members } = await owner.caller.members.list();
    const ownerMember = members.find((m) => m.userId === owner.id)!;
    const adminMember = members.find((m) => m.userId === admin.id)!;

    await expect(owner.caller.members.changeRole({ memberId: ownerMember.id, role: "admin" })).rejects.toThrow(/at least one owner/);
    await expect(owner.caller.members.remove({ memberId: ownerMember.id })).rejects.toThrow(/last owner/);
    await expect(admin.caller.members.remove({ memberId: ownerMember.id })).rejects.toThrow(/Only an owner/);
    await expect(admin.caller.members.changeRole({ memberId: adminMember.id, role: "owner" })).rejects.toThrow(/Only an owner/);

    await owner.caller.members.changeRole({ memberId: adminMember.id, role: "owner" });
    await owner.caller.members.changeRole({ memberId: ownerMember.id, role: "viewer" });
    expect((await owner.caller.workspaces.current()).role).toBe("viewer");
    await expect(owner.caller.flows.create({ name: "x" })).rejects.toThrow(/needs an editor or higher; you are a viewer/);
  });

  it("a removed member falls back to their own workspace", async () => {
    const host = await api.signUp("Hana");
    const temp = await api.signUp("Tia");
    await api.joinAs(temp, host.workspaceId, "editor");
    expect((await temp.caller.workspaces.current()).id).toBe(host.workspaceId);
    const tempMember = (await host.caller.members.list()).members.find((m) => m.userId === temp.id)!;
    await host.caller.members.remove({ memberId: tempMember.id });
    expect((await temp.caller.workspaces.current())).toMatchObject({ id: temp.workspaceId, role: "owner" });
    await expect(temp.caller.flows.get({ flowId: "anything" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("better-auth's organization endpoints", () => {
  it("are closed except switching workspace, so every member change goes through the checked procedures", async () => {
    const host = await api.signUp("Ivo");
    const admin = await api.signUp("Jo");
    const editor = await api.signUp("Kim");
    await api.joinAs(admin, host.workspaceId, "admin");
    await api.joinAs(editor, host.workspaceId, "editor");
    const editorMember = (await host.caller.members.list()).members.find((m) => m.userId === editor.id)!;
    const post = (path: string, body: unknown, headers: Headers) =>
      api.auth.handler(
        new Request(`http://localhost:3000/api/auth${path}`, {
          method: "POST",
          headers: { cookie: headers.get("cookie")!, origin: "http://localhost:3000", "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
    // The plugin itself would let an admin do these; Flowgate routes them through its procedures (and audit log).
    const promote = await post("/organization/update-member-role", { memberId: editorMember.id, role: "admin", organizationId: host.workspaceId }, admin.headers);
    expect(promote.status).toBe(403);
    const remove = await post("/organization/remove-member", { memberIdOrEmail: editorMember.id, organizationId: host.workspaceId }, admin.headers);
    expect(remove.status).toBe(403);
    const members = (await host.caller.members.list()).members;
    expect(members.find((m) => m.userId === editor.id)?.role).toBe("editor");

    const switched = await post("/organization/set-active", { organizationId: admin.workspaceId }, admin.headers);
    expect(switched.status).toBe(200);
    expect((await admin.caller.workspaces.current()).id).toBe(admin.workspaceId);
  });
});
