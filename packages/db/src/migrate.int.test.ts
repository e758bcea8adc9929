import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "./migrate";
import { createTestDatabase, type TestDatabase } from "./testing/index";

describe("migrations", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.dispose();
  });

  it("create every table and can be applied again, concurrently, without change", async () => {
    await Promise.all([migrateDatabase(database.connectionString), migrateDatabase(database.connectionString)]);
    const result = await database.db.execute<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    expect(result.rows.map((r) => r.table_name)).toEqual([
      "accounts",
      "alerts",
      "api_tokens",
      "audit_log",
      "change_set_decisions",
      "change_set_items",
      "change_sets",
      "connections",
      "dry_runs",
      "flow_alert_settings",
      "flow_schedules",
      "flow_versions",
      "flow_webhooks",
      "flows",
      "invitations",
      "lineage",
      "members",
      "record_errors",
      "run_batches",
      "run_events",
      "run_nodes",
      "run_samples",
      "runs",
      "sessions",
      "sync_state",
      "template_uses",
      "template_versions",
      "templates",
      "users",
      "verifications",
      "webhook_deliveries",
      "workspace_settings",
      "workspaces",
    ]);
  });
});
