import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, newDataDir, removeDataDir, startProduct } from "./product";

const dataDir = newDataDir();
afterAll(() => removeDataDir(dataDir));

function processesUsing(dir: string): string[] {
  try {
    return execFileSync("pgrep", ["-af", dir], { encoding: "utf8" })
      .split("\n")
      .filter((line) => line.trim() && !line.includes("pgrep"));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

async function signIn(url: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({ email, password }),
  });
  expect(response.status).toBe(200);
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

async function trpc(url: string, cookie: string, path: string, input?: unknown, method: "GET" | "POST" = "GET") {
  const target = method === "GET" ? `${url}/api/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}` : `${url}/api/trpc/${path}`;
  const response = await fetch(target, {
    method,
    headers: { cookie, "content-type": "application/json", origin: url },
    body: method === "POST" ? JSON.stringify(input) : undefined,
  });
  const body = (await response.json()) as { result?: { data: unknown }; error?: unknown };
  if (!body.result) throw new Error(`${path} failed: ${JSON.stringify(body.error)}`);
  return body.result.data;
}

describe("npm start", () => {
  it("prints the URL and the demo sign-in, stops cleanly on Ctrl-C, and keeps the data for the next start", async () => {
    const first = await startProduct({ dataDir });
    const log = first.output.join("");
    expect(log).toContain(`Flowgate is running at ${first.url}`);
    expect(first.demo?.email).toBe("admin@demo.flowgate.local");

    const cookie = await signIn(first.url, first.demo!.email, first.demo!.password);
    const flows = (await trpc(first.url, cookie, "flows.list")) as { name: string }[];
    expect(flows.map((f) => f.name)).toContain("Supplier products → shop (hourly)");
    await trpc(first.url, cookie, "flows.create", { name: "Made before the restart" }, "POST");

    expect(await first.stop()).toBe(0);
    expect(first.output.join("")).toContain("PostgreSQL stopped");
    expect(processesUsing(dataDir)).toEqual([]);

    const startedAt = Date.now();
    const second = await startProduct({ dataDir });
    const secondStart = Date.now() - startedAt;
    try {
      // Later starts skip the build: the issue asks for 20 s; allow a loaded CI machine some slack.
      expect(secondStart).toBeLessThan(40_000);
      expect(second.demo?.email).toBe("admin@demo.flowgate.local");
      const again = await signIn(second.url, second.demo!.email, second.demo!.password);
      const names = ((await trpc(second.url, again, "flows.list")) as { name: string }[]).map((f) => f.name);
      expect(names).toContain("Made before the restart");
      expect(names.filter((n) => n === "Supplier products → shop (hourly)")).toHaveLength(1);
    } finally {
      expect(await second.stop()).toBe(0);
    }
    expect(processesUsing(dataDir)).toEqual([]);
  });

  it("says in one line what to do when the port is taken", async () => {
    const port = await freePort();
    const blocker = createServer().listen(port, "0.0.0.0");
    await new Promise((r) => blocker.once("listening", r));
    try {
      await expect(startProduct({ dataDir, port, readyTimeoutMs: 60_000 })).rejects.toThrow(
        new RegExp(`Port ${port} is already in use .* PORT=3001 npm start`),
      );
    } finally {
      blocker.close();
    }
    expect(processesUsing(dataDir)).toEqual([]);
  });

  it("says in one line what to do when PostgreSQL cannot start", async () => {
    const broken = newDataDir();
    // A data folder from an incompatible PostgreSQL: the server refuses to start on it.
    await mkdir(path.join(broken, "pg", "data"), { recursive: true });
    await writeFile(path.join(broken, "pg", "data", "PG_VERSION"), "9\n");
    try {
      const failure = await startProduct({ dataDir: broken, readyTimeoutMs: 60_000 }).catch((error: Error) => error.message);
      expect(failure).toMatch(/Flowgate could not start: PostgreSQL could not start in .*pg\/data .*move that folder away to start fresh, or set DATABASE_URL/);
      expect(failure).toMatch(/\(postgres: could not access the server configuration file/); // PostgreSQL's own reason
      expect(failure).not.toMatch(/\n\s+at /); // no stack trace
      expect(processesUsing(broken)).toEqual([]);
    } finally {
      await removeDataDir(broken);
    }
  });

  it("uses DATABASE_URL when given and starts no embedded PostgreSQL", async () => {
    // A PostgreSQL of "the user's": the embedded one of the first test's data folder, started by hand.
    const { startEmbeddedPostgres } = await import("@flowgate/db/embedded");
    const own = await startEmbeddedPostgres({ dataDir: `${dataDir}-external`, database: "mine", ephemeral: true });
    const productDir = newDataDir();
    try {
      const product = await startProduct({ dataDir: productDir, env: { DATABASE_URL: own.connectionString } });
      const log = product.output.join("");
      expect(log).toContain("using DATABASE_URL");
      expect(log).not.toContain("starting embedded PostgreSQL");
      expect(product.demo).toBeNull();
      expect(await product.stop()).toBe(0);
      expect(processesUsing(productDir)).toEqual([]);
    } finally {
      await own.stop();
      await removeDataDir(productDir);
    }
  });
});
