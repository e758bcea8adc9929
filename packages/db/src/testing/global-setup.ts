import type { TestProject } from "vitest/node";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startEmbeddedPostgres } from "../embedded";
import "./provided-context";


const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/**
 * One PostgreSQL per test run: the one DATABASE_URL names, or an embedded one in
 * `.flowgate/test-pg/<random>`, deleted afterwards. Each test file makes its own database in it.
 */
export default async function setup(project: TestProject) {
  const given = process.env.DATABASE_URL;
  if (given) {
    project.provide("databaseAdminUrl", given);
    return;
  }
  const server = await startEmbeddedPostgres({
    dataDir: path.join(repoRoot, ".flowgate", "test-pg", randomBytes(6).toString("hex")),
    database: "postgres",
    ephemeral: true,
  });
  project.provide("databaseAdminUrl", server.connectionString);
  return async () => {
    await server.stop();
  };
}
