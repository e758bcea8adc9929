/**
 * `npm start` / `npm run dev`: the whole product in one command.
 *
 * PostgreSQL (embedded unless DATABASE_URL is given) → migrations → on the embedded database
 * only, the demo: the test kit's supplier API on loopback, the demo sign-in and the demo flow →
 * build the web app if it is missing or stale → web and worker side by side with labelled logs.
 * Ctrl-C stops all of it.
 */
import { DEMO_FLOW_NAME, seedDemo, seedDemoFlow, type DemoLogin } from "@flowgate/api/seed";
import { createAuth } from "@flowgate/api/auth";
import { createDatabase, getEnv } from "@flowgate/db";
import { generateMasterSecret } from "@flowgate/db/crypto";
import { isPortFree } from "@flowgate/db/ports";
import { migrateDatabase } from "@flowgate/db/migrate";
import { migrateWorkerSchema } from "@flowgate/worker";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bold, dim, label, newestMtime, runToEnd, startDatabaseServer, startLabelled, startScript, waitForHttp, waitUntilGone, type Child } from "./processes";

const root = fileURLToPath(new URL("..", import.meta.url));
const dev = process.argv.includes("--dev");
const env = getEnv();
const dataDir = path.resolve(root, env.FLOWGATE_DATA_DIR);
const url = `http://localhost:${env.PORT}`;
/** The demo supplier's port when it is free (a fixed one, so its address stays the same from start to start). */
const SUPPLIER_PORT = 4010;

class StartError extends Error {}

let database: Child | undefined;
/** The demo supplier: stopped after the worker that reads it, before the database. */
let supplier: Child | undefined;
const children: Child[] = [];
let shuttingDown = false;

async function main() {
  const started = Date.now();
  if (!(await isPortFree(env.PORT, "0.0.0.0"))) {
    throw new StartError(`Port ${env.PORT} is already in use (another Flowgate, or another app). Stop it, or choose a port: PORT=3001 npm start`);
  }
  await mkdir(dataDir, { recursive: true });
  const secret = env.FLOWGATE_SECRET ?? (await readOrCreate(path.join(dataDir, "secret"), generateMasterSecret));

  let connectionString = env.DATABASE_URL;
  if (connectionString) {
    console.log(label("db", `using DATABASE_URL (${redact(connectionString)}); no embedded PostgreSQL`));
  } else {
    console.log(label("db", `starting embedded PostgreSQL in ${path.relative(root, path.join(dataDir, "pg"))}/`));
    const started = await startDatabaseServer(path.join(root, "scripts/db-server.ts"), path.join(dataDir, "pg"), 54329);
    if ("error" in started) throw new StartError(started.error);
    database = started.child;
    connectionString = started.connectionString;
    console.log(label("db", `PostgreSQL ready on 127.0.0.1:${started.port}`));
  }

  try {
    await migrateDatabase(connectionString);
    await migrateWorkerSchema(connectionString);
  } catch (error) {
    throw new StartError(`Could not prepare the database (${firstLine(error)}). Check that DATABASE_URL points at a PostgreSQL you may create tables in.`);
  }
  console.log(label("db", "migrations applied"));

  // The demo only on the embedded database, never on a server someone pointed us at.
  const demo = env.DATABASE_URL ? null : await startDemo(connectionString, secret);

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: connectionString,
    FLOWGATE_SECRET: secret,
    FLOWGATE_URL: env.FLOWGATE_URL === "http://localhost:3000" ? url : env.FLOWGATE_URL,
    PORT: String(env.PORT),
    NODE_ENV: dev ? "development" : "production",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const webDir = path.join(root, "apps/web");
  const next = path.join(root, "node_modules/next/dist/bin/next");
  const tsx = path.join(root, "node_modules/tsx/dist/cli.mjs");

  if (!dev) await buildWebIfStale(webDir, next, childEnv);

  // The demo flow reads the supplier on loopback, which the HTTP client refuses unless allowed: the
  // worker's runs and the web app's "test connection" alike.
  const flowEnv = demo ? { ...childEnv, FLOWGATE_ALLOW_HOSTS: ["127.0.0.1", ...env.FLOWGATE_ALLOW_HOSTS].join(",") } : childEnv;
  children.push(
    startLabelled("web", process.execPath, [next, dev ? "dev" : "start", "--port", String(env.PORT)], { cwd: webDir, env: flowEnv }),
    startLabelled("worker", process.execPath, [tsx, ...(dev ? ["watch"] : []), path.join(root, "apps/worker/src/main.ts")], { cwd: root, env: flowEnv }),
  );
  for (const child of children) {
    void child.exited.then((code) => {
      if (!shuttingDown) {
        console.error(label("start", `${child.name} stopped unexpectedly (exit ${code}); stopping Flowgate.`));
        void shutdown(1);
      }
    });
  }

  await waitForHttp(`${url}/api/trpc/health`, 120_000);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  // One write, so whoever reads the console sees the banner whole.
  console.log(
    [
      "",
      `  ${bold("Flowgate is running")} at ${bold(url)}  ${dim(`(ready in ${seconds} s)`)}`,
      ...(demo?.login ? [`  Demo sign-in: ${bold(demo.login.email)}  password: ${bold(demo.login.password)}`] : []),
      ...(demo ? [`  Demo supplier API: ${bold(demo.supplierUrl)}  ${dim(`(“${DEMO_FLOW_NAME}” reads it every 5 minutes)`)}`] : []),
      `  ${dim("Press Ctrl-C to stop.")}`,
      "",
    ].join("\n"),
  );
}

/**
 * The demo: the test kit's supplier API as a child of its own, the demo sign-in on an empty
 * database, and the demo flow (seeded once; its connections follow the supplier's and the
 * database's ports from start to start).
 */
async function startDemo(connectionString: string, secret: string): Promise<{ login: DemoLogin | null; supplierUrl: string }> {
  const started = await startScript<{ url: string; products: number; changePercent: number; changeEveryMinutes: number }>(
    "supplier",
    "the demo supplier API",
    path.join(root, "scripts/supplier.ts"),
    [String(SUPPLIER_PORT)],
  );
  if ("error" in started) throw new StartError(`${started.error} Set DATABASE_URL to run Flowgate without the demo.`);
  supplier = started.child;
  void supplier.exited.then((code) => {
    // The product works without it; only the demo flow's runs fail until the next start.
    if (!shuttingDown) console.error(label("supplier", `the demo supplier API stopped (exit ${code}); the demo flow's runs fail until the next start.`));
  });
  const { url: supplierUrl, products, changePercent, changeEveryMinutes } = started.answer;
  console.log(label("supplier", `demo supplier API on ${supplierUrl}: ${products.toLocaleString("en")} products, ${changePercent} % of them change every ${changeEveryMinutes} minutes`));

  const demoFile = path.join(dataDir, "demo-login.json");
  const handle = createDatabase(connectionString, { max: 2 });
  try {
    const auth = createAuth({ db: handle.db, secret, baseURL: url });
    let login = await seedDemo({ db: handle.db, auth, secret }, randomBytes(9).toString("base64url"));
    if (login) await writeFile(demoFile, JSON.stringify(login, null, 2), { mode: 0o600 });
    else if (existsSync(demoFile)) login = JSON.parse(await readFile(demoFile, "utf8")) as DemoLogin;
    const { seeded, repointed } = await seedDemoFlow({ db: handle.db, secret }, { supplierUrl, shopDatabaseUrl: connectionString });
    if (seeded) console.log(label("start", `added the demo flow “${DEMO_FLOW_NAME}” (every 5 minutes into the shop.products table); its first run is queued`));
    for (const connection of repointed) console.log(label("start", `demo connection “${connection.name}” now points at ${connection.address}`));
    return { login, supplierUrl };
  } finally {
    await handle.close();
  }
}

async function buildWebIfStale(webDir: string, next: string, childEnv: NodeJS.ProcessEnv) {
  const buildId = path.join(webDir, ".next/BUILD_ID");
  // Everything the web app imports: its own code and every workspace package it bundles.
  const sources = ["apps/web/src", "packages/api/src", "packages/db/src", "packages/flow/src", "packages/ui/src", "packages/nodes/src", "packages/engine/src", "packages/connectors/src", "packages/runtime/src"].map((p) => path.join(root, p));
  const built = existsSync(buildId) ? (await import("node:fs")).statSync(buildId).mtimeMs : 0;
  if (built > 0 && (await newestMtime(sources)) <= built) return;
  console.log(label("web", built ? "sources changed since the last build; rebuilding (about a minute)" : "first start: building the web app (1–2 minutes)"));
  const code = await runToEnd("build", process.execPath, [next, "build"], { cwd: webDir, env: { ...childEnv, NODE_ENV: "production" } });
  if (code !== 0) throw new StartError("The web app did not build; the lines above say why.");
}

async function readOrCreate(file: string, make: () => string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const value = make();
  await writeFile(file, `${value}\n`, { mode: 0o600 });
  console.log(label("start", `generated FLOWGATE_SECRET into ${path.relative(root, file)} (keep it: stored credentials are encrypted with it)`));
  return value;
}

async function shutdown(code: number) {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log(label("start", "stopping…"));
  for (const child of children) child.stop();
  await Promise.all(children.map((c) => Promise.race([c.exited, new Promise((r) => setTimeout(r, 10_000))])));
  for (const child of children) child.kill();
  if (supplier) {
    supplier.stop();
    await Promise.race([supplier.exited, new Promise((r) => setTimeout(r, 5_000))]);
    supplier.kill();
  }
  // The database goes last, once nothing uses it.
  if (database) {
    database.stop();
    await Promise.race([database.exited, new Promise((r) => setTimeout(r, 15_000))]);
    database.kill();
    if (!(await waitUntilGone(path.join(dataDir, "pg", "data", "postmaster.pid"), 15_000))) {
      console.error(label("db", "PostgreSQL did not confirm its stop; the next start will take it over."));
    }
    console.log(label("db", "PostgreSQL stopped"));
  }
  process.exit(code);
}

function redact(connection: string): string {
  try {
    const u = new URL(connection);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "set";
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "unknown error";
}

process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

main().catch(async (error: unknown) => {
  console.error(`\n${bold("Flowgate could not start:")} ${error instanceof StartError ? error.message : firstLine(error)}\n`);
  if (!(error instanceof StartError)) console.error(error);
  await shutdown(1);
});
