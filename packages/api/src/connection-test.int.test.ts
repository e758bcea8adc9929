import { postgresConnectionParts } from "@flowgate/runtime";
import { testConnection } from "@flowgate/runtime/connection-test";
import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "./root";
import { createTestApi, type TestUser } from "./testing";
import { createTRPCContext } from "./trpc";

const TOKEN = "tok-5ecret-never-shown";
const PASSWORD_MARK = "pw-never-shown";

let api: Awaited<ReturnType<typeof createTestApi>>;
let editor: TestUser;
/** The editor's caller on a server that lets flows reach loopback, as the demo and tests do. */
let loopbackAllowed: ReturnType<typeof createCaller>;
let server: Server;
let baseUrl: string;
const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
let answer = 200;

function listen(handler: RequestListener): Promise<{ server: Server; url: string }> {
  const created = createServer(handler);
  return new Promise((resolve) => created.listen(0, "127.0.0.1", () => resolve({ server: created, url: `http://127.0.0.1:${(created.address() as AddressInfo).port}` })));
}

/** A port nothing listens on: taken, then given back. */
async function deadPort(): Promise<number> {
  const { server: probe } = await listen(() => {});
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  api = await createTestApi();
  editor = await api.signUp("Edith");
  loopbackAllowed = createCaller(createTRPCContext({ headers: editor.headers }, { ...api.deps, allowHosts: ["127.0.0.1"] }));
  ({ server, url: baseUrl } = await listen((req, res) => {
    seen.push({ path: req.url ?? "", headers: req.headers });
    res.writeHead(answer, { "content-type": "application/json" }).end('{"hello":"world"}');
  }));
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await api?.dispose();
});

async function httpConnection(url: string) {
  const { id } = await editor.caller.connections.create({ kind: "http", name: "Supplier", settings: { baseUrl: url, auth: { type: "bearer" } }, secret: { token: TOKEN } });
  return id;
}

describe("connections.test", () => {
  it("HTTP: one GET of the base address with the connection's credentials; any answer below 500 is a reachable service", async () => {
    const connectionId = await httpConnection(`${baseUrl}/api/v1`);
    seen.length = 0;
    answer = 200;
    const ok = await loopbackAllowed.connections.test({ connectionId });
    expect(ok).toEqual({ ok: true, message: expect.stringMatching(new RegExp(`^${baseUrl}/api/v1 answered 200 in \\d+ ms\\.$`)) });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ path: "/api/v1", headers: { authorization: `Bearer ${TOKEN}` } });

    answer = 401;
    const refused = await loopbackAllowed.connections.test({ connectionId });
    expect(refused.ok).toBe(true);
    expect(refused.message).toMatch(/answered 401 in \d+ ms: the service is reachable, but it refused the credentials/);

    answer = 503;
    seen.length = 0;
    const broken = await loopbackAllowed.connections.test({ connectionId });
    expect(broken.ok).toBe(false);
    expect(broken.message).toMatch(/answered 503 in \d+ ms: the service is reachable but reports an error on its side/);
    // No retries: a test is one request.
    expect(seen).toHaveLength(1);
    for (const result of [ok, refused, broken]) expect(result.message).not.toContain(TOKEN);
  });

  it("HTTP: says when nothing listens, and when the address is one the workspace may not reach", async () => {
    const dead = await httpConnection(`http://127.0.0.1:${await deadPort()}`);
    const refused = await loopbackAllowed.connections.test({ connectionId: dead });
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(/^Could not reach http:\/\/127\.0\.0\.1:\d+\/: .*Check the address and that the service is up\.$/);

    // The same server, with the product's default policy: loopback is refused before anything is sent.
    seen.length = 0;
    const blocked = await editor.caller.connections.test({ connectionId: await httpConnection(baseUrl) });
    expect(blocked.ok).toBe(false);
    expect(blocked.message).toMatch(/leads to 127\.0\.0\.1, which is a loopback \(this machine\) address\. Flowgate refuses it/);
    expect(seen).toEqual([]);
  });

  it("HTTP: a service that does not answer in time", async () => {
    const { server: silent, url } = await listen(() => {});
    try {
      const result = await testConnection(
        { id: "c1", kind: "http", name: "Slow", settings: { baseUrl: url }, secret: null },
        { allow: ["127.0.0.1"], timeoutMs: 200 },
      );
      expect(result).toEqual({ ok: false, message: `${url}/ did not answer within 200 ms. Check that the service is up, or raise the timeout.` });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("PostgreSQL: logs in and runs select 1, or says why not, without the password", async () => {
    const parts = postgresConnectionParts(api.database.connectionString);
    const create = (settings: Record<string, unknown>, password: string) =>
      editor.caller.connections.create({ kind: "postgres", name: "Shop database", settings, secret: { password } });

    const good = await create(parts.settings, parts.secret.password);
    const ok = await editor.caller.connections.test({ connectionId: good.id });
    expect(ok.ok).toBe(true);
    expect(ok.message).toMatch(new RegExp(`^Connected to the database “${parts.settings.database}” at ${parts.settings.host}:${parts.settings.port} as “${parts.settings.user}” in \\d+ ms\\.$`));

    const missing = await create({ ...parts.settings, database: "no_such_database" }, `${parts.secret.password}`);
    expect(await editor.caller.connections.test({ connectionId: missing.id })).toEqual({
      ok: false,
      message: `The server at ${parts.settings.host}:${parts.settings.port} has no database “no_such_database”. Check the database name.`,
    });

    const dead = await create({ ...parts.settings, port: await deadPort() }, PASSWORD_MARK);
    const refused = await editor.caller.connections.test({ connectionId: dead.id });
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(/^Could not reach the database server at 127\.0\.0\.1:\d+: the connection was refused\./);
    expect(refused.message).not.toContain(PASSWORD_MARK);
  });

  it("answers NOT_FOUND for a connection of another workspace", async () => {
    const other = await api.signUp("Olga");
    const { id } = await other.caller.connections.create({ kind: "http", name: "Theirs", settings: { baseUrl } });
    await expect(loopbackAllowed.connections.test({ connectionId: id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
