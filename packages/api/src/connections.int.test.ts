import { connections } from "@flowgate/db";
import { createSecretBox } from "@flowgate/db/crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConnectionSecret } from "./services/connections";
import { createTestApi, TEST_SECRET, type TestUser } from "./testing";

const CANARY = "canary-9f27c1e4-do-not-leak";

let api: Awaited<ReturnType<typeof createTestApi>>;
let owner: TestUser;
const logged: string[] = [];
const restore: (() => void)[] = [];

beforeAll(async () => {
  // Capture everything the process prints while the secret is handled.
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = original));
  }
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    const original = console[level];
    console[level] = (...args: unknown[]) => {
      logged.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
      original(...args);
    };
    restore.push(() => (console[level] = original));
  }
  api = await createTestApi();
  owner = await api.signUp("Olga");
});

afterAll(async () => {
  for (const undo of restore) undo();
  await api.dispose();
});

describe("connection secrets", () => {
  it("never appear in the database row, any API response, or the logs", async () => {
    const responses: unknown[] = [];
    const created = await owner.caller.connections.create({
      kind: "postgres",
      name: "Shop database",
      settings: { host: "db.shop.example", port: 5432, database: "shop", user: "sync", ssl: true },
      secret: { password: CANARY },
    });
    responses.push(created);
    responses.push(await owner.caller.connections.list());
    responses.push(await owner.caller.connections.update({ connectionId: created.id, name: "Shop DB", secret: { password: `${CANARY}-2` } }));
    // A rejected secret must not be echoed back in the error either.
    const refused = await owner.caller.connections
      .update({ connectionId: created.id, secret: { password: `${CANARY}${"x".repeat(2000)}` } })
      .catch((error: Error) => error.message);
    responses.push(refused);
    expect(refused).toMatch(/secret field “password” is not valid/);
    responses.push(await owner.caller.connections.list());
    responses.push(await owner.caller.members.list());
    responses.push(await owner.caller.flows.list());

    const raw = await api.database.db.execute(sql`select row_to_json(c)::text as row from connections c`);
    const audit = await api.database.db.execute(sql`select row_to_json(a)::text as row from audit_log a`);
    const dump = JSON.stringify([raw.rows, audit.rows]);
    expect(dump).toContain("Shop DB");
    expect(dump).not.toContain(CANARY);
    expect(JSON.stringify(responses)).not.toContain(CANARY);
    expect(logged.join("\n")).not.toContain(CANARY);

    const listed = await owner.caller.connections.list();
    expect(listed[0]).toMatchObject({ name: "Shop DB", hasSecret: true, settings: { host: "db.shop.example" } });
    // The server side can still read it, which is the point of storing it.
    const secret = await readConnectionSecret({ db: api.database.db, workspaceId: owner.workspaceId, secrets: api.deps.secrets }, created.id);
    expect(secret).toEqual({ password: `${CANARY}-2` });
  });

  it("fail closed with a clear error under a different FLOWGATE_SECRET or an altered value", async () => {
    const { id } = await owner.caller.connections.create({ kind: "http", name: "Supplier", settings: { baseUrl: "https://supplier.example" }, secret: { authorization: "Bearer t" } });
    const otherKey = createSecretBox(`${TEST_SECRET}-rotated-without-migration`);
    await expect(readConnectionSecret({ db: api.database.db, workspaceId: owner.workspaceId, secrets: otherKey }, id)).rejects.toThrow(/FLOWGATE_SECRET/);
    const [row] = await api.database.db.select().from(connections).where(eq(connections.id, id));
    const tampered = row!.secretCiphertext!.slice(0, -2) + (row!.secretCiphertext!.endsWith("A") ? "BB" : "AA");
    await api.database.db.update(connections).set({ secretCiphertext: tampered }).where(eq(connections.id, id));
    await expect(readConnectionSecret({ db: api.database.db, workspaceId: owner.workspaceId, secrets: api.deps.secrets }, id)).rejects.toThrow(/could not be decrypted/);
  });

  it("reject settings that do not fit the kind, saying which field", async () => {
    await expect(owner.caller.connections.create({ kind: "http", name: "Bad", settings: { baseUrl: "ftp://x" } })).rejects.toThrow(/baseUrl: Enter a full http/);
    await expect(owner.caller.connections.create({ kind: "postgres", name: "Bad", settings: { host: "", database: "d", user: "u" } })).rejects.toThrow(/host/);
    await expect(
      owner.caller.connections.create({ kind: "http", name: "Bad", settings: { baseUrl: "https://x.example", auth: { type: "oauth2", tokenUrl: "https://x.example/token", clientId: "" } } }),
    ).rejects.toThrow(/auth.clientId: Enter the client id/);
    expect((await owner.caller.connections.list()).map((c) => c.name)).not.toContain("Bad");
    const { id } = await owner.caller.connections.create({
      kind: "http",
      name: "Supplier (OAuth2)",
      settings: { baseUrl: "https://x.example", auth: { type: "oauth2", tokenUrl: "https://x.example/token", clientId: "flowgate" } },
      secret: { clientSecret: CANARY },
    });
    const listed = (await owner.caller.connections.list()).find((c) => c.id === id);
    expect(listed).toMatchObject({ hasSecret: true, settings: { auth: { type: "oauth2", clientId: "flowgate" } } });
    expect(JSON.stringify(listed)).not.toContain(CANARY);
  });

  it("can be removed, and a deleted connection is gone", async () => {
    const { id } = await owner.caller.connections.create({ kind: "http", name: "Temporary", settings: { baseUrl: "https://t.example" } });
    expect((await owner.caller.connections.list()).find((c) => c.id === id)?.hasSecret).toBe(false);
    await owner.caller.connections.delete({ connectionId: id });
    await expect(owner.caller.connections.update({ connectionId: id, name: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
