import { flows, flowVersions, newId, runs, syncState, workspaces } from "@flowgate/db";
import { createTestDatabase, type TestDatabase } from "@flowgate/db/testing";
import type { Checkpoint } from "@flowgate/engine";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCheckpoint } from "./checkpoint";
import { PostgresStatePort } from "./state";

let database: TestDatabase;
let workspaceId: string;
let flowId: string;
let versionId: string;
let runId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  workspaceId = newId();
  flowId = newId();
  versionId = newId();
  runId = newId();
  const document = { schemaVersion: 1, nodes: [], edges: [], settings: {} } as never;
  await database.db.insert(workspaces).values({ id: workspaceId, name: "W", slug: `w-${workspaceId}` });
  await database.db.insert(flows).values({ id: flowId, workspaceId, name: "F", draft: document });
  await database.db.insert(flowVersions).values({ id: versionId, flowId, workspaceId, number: 1, document });
  await database.db.insert(runs).values({ id: runId, workspaceId, flowId, flowVersionId: versionId, trigger: "manual" });
});
afterAll(() => database?.dispose());

async function allKeys(port: PostgresStatePort, nodeId: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of port.forNode(nodeId).keys()) keys.push(...page);
  return keys.sort();
}

const target = (destinationIds: Set<string>) => ({ workspaceId, flowId, destinationIds, attempt: 1 });

function checkpoint(port: PostgresStatePort, batchIndex: number): Checkpoint {
  return {
    batchIndex,
    cursor: { page: batchIndex + 2 },
    counts: { batches: batchIndex + 1, recordsRead: 10, errors: 1, nodes: { a: { in: 10, out: { out: 9 }, errors: 1, ms: 3.14159 } }, edges: {} },
    state: port.pending(),
    done: false,
    errors: [],
    lineage: [],
  };
}

describe("PostgresStatePort and writeCheckpoint", () => {
  it("reads committed values overlaid with staged writes; a checkpoint makes the staged writes durable in one go", async () => {
    const port = new PostgresStatePort(database.db, flowId);
    const a = port.forNode("a");
    // 1,205 committed keys: more than one page of keys().
    a.set(Array.from({ length: 1205 }, (_, i) => [`k${String(i).padStart(4, "0")}`, { n: i }] as const));
    await database.db.transaction((tx) => writeCheckpoint(tx, runId, checkpoint(port, 0), target(new Set(["a"]))));
    port.markCommitted();

    a.set([["k0001", { n: -1 }], ["new", "value"]]);
    a.delete(["k0002", "missing"]);
    expect(Object.fromEntries(await a.get(["k0000", "k0001", "k0002", "new", "missing"]))).toEqual({ k0000: { n: 0 }, k0001: { n: -1 }, new: "value" });
    const keys = await allKeys(port, "a");
    expect(keys).toHaveLength(1205);
    expect(keys).toContain("new");
    expect(keys).not.toContain("k0002");
    // Another node of the same flow sees none of it.
    expect(await allKeys(port, "b")).toEqual([]);

    // Discarded (a batch that failed): the committed state is untouched.
    port.discard();
    expect(Object.fromEntries(await a.get(["k0001", "k0002", "new"]))).toEqual({ k0001: { n: 1 }, k0002: { n: 2 } });

    a.set([["k0001", { n: -1 }]]);
    a.delete(["k0002"]);
    const { cancelRequested } = await database.db.transaction((tx) => writeCheckpoint(tx, runId, checkpoint(port, 1), target(new Set(["a"]))));
    port.markCommitted();
    expect(cancelRequested).toBe(false);
    const stored = await database.db.select().from(syncState).where(and(eq(syncState.flowId, flowId), eq(syncState.nodeId, "a")));
    expect(stored).toHaveLength(1204);
    expect(stored.find((s) => s.key === "k0001")?.value).toEqual({ n: -1 });
    const [run] = await database.db.select().from(runs).where(eq(runs.id, runId));
    expect(run).toMatchObject({ batchIndex: 1, cursor: { page: 3 }, counts: { read: 10, written: 9, errors: 1 } });
  });

  it("a checkpoint that fails leaves neither state nor progress behind", async () => {
    const port = new PostgresStatePort(database.db, flowId);
    port.forNode("a").set([["rolled-back", true]]);
    await expect(
      database.db.transaction(async (tx) => {
        await writeCheckpoint(tx, runId, checkpoint(port, 5), target(new Set()));
        throw new Error("connection lost");
      }),
    ).rejects.toThrow("connection lost");
    port.discard();
    expect((await port.forNode("a").get(["rolled-back"])).size).toBe(0);
    const [run] = await database.db.select().from(runs).where(eq(runs.id, runId));
    expect(run?.batchIndex).toBe(1);
  });
});
