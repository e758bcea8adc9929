import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Flow, FlowInput } from "@flowgate/flow";
import type { FlowRecord, Json } from "./contract";
import { fixture } from "./fixtures";
import { allFakeKinds, fakeServices, type FakeServices } from "./fixtures/kinds";
import type { Checkpoint, CheckpointPort, LogEntry } from "./execute";
import { createMemoryState, fakeImplementation, runTestFlow, type TestRunOptions } from "./testing";

function checkpoints(onSave?: (checkpoint: Checkpoint) => void): CheckpointPort & { saved: Checkpoint[] } {
  const saved: Checkpoint[] = [];
  return {
    saved,
    async save(checkpoint) {
      saved.push(structuredClone(checkpoint));
      onSave?.(checkpoint);
    },
  };
}

function run(flow: Flow, options: Partial<TestRunOptions<FakeServices>> = {}) {
  const services = options.services ?? fakeServices();
  return runTestFlow<FakeServices>({ flow, implementations: allFakeKinds, services, ...options }).then((report) => ({
    ...report,
    services,
  }));
}

/** A checkpoint port that keeps nothing (for long runs), calling `onSave` with each checkpoint. */
function checkpointsBounded(onSave: (checkpoint: Checkpoint) => void): CheckpointPort {
  return { save: async (checkpoint) => onSave(checkpoint) };
}

const skus = (records: { sku?: unknown }[] | undefined) => (records ?? []).map((record) => record.sku);

describe("runFlow: records through the graph", () => {
  it("counts records in and out per node and port, per edge, and keeps the first samples", async () => {
    const report = await run(fixture("sync-numbers"), { sampleSize: 5 });
    expect(report.status).toBe("succeeded");
    expect(report.batches).toBe(3);
    expect(report.recordsRead).toBe(25);
    expect(report.cursor).toBe(25);
    expect(report.edges).toEqual({ "e-start": 0, "e-numbers": 25, "e-double": 25, "e-kept": 13, "e-discarded": 12 });
    const counts = Object.fromEntries(Object.entries(report.nodes).map(([id, { in: received, out, errors }]) => [id, { in: received, out, errors }]));
    expect(counts).toEqual({
      start: { in: 0, out: {}, errors: 0 },
      numbers: { in: 0, out: { out: 25 }, errors: 0 },
      double: { in: 25, out: { out: 25 }, errors: 0 },
      even: { in: 25, out: { kept: 13, discarded: 12 }, errors: 0 },
      store: { in: 13, out: {}, errors: 0 },
      rejects: { in: 12, out: {}, errors: 0 },
    });
    expect(report.nodes["double"]!.ms).toBeGreaterThanOrEqual(0);
    // Multi-port routing: multiples of four (after doubling: the even ids) to the store, the rest aside.
    expect(skus(report.services.written.get("store"))).toEqual(Array.from({ length: 13 }, (_, i) => `SKU-${i * 2}`));
    expect(skus(report.services.written.get("rejects"))).toEqual(Array.from({ length: 12 }, (_, i) => `SKU-${i * 2 + 1}`));
    expect(report.samples["even"]).toEqual({
      kept: [0, 2, 4, 6, 8].map((i) => ({ sku: `SKU-${i}`, n: i * 2 })),
      discarded: [1, 3, 5, 7, 9].map((i) => ({ sku: `SKU-${i}`, n: i * 2 })),
    });
    expect(report.samples["numbers"]!["out"]).toHaveLength(5);
    expect(report.errors).toEqual([]);
  });

  it("gives a node with several incoming connections their records together, once per batch", async () => {
    const flow = fixture("sync-numbers", (f) => f.edges.push({ id: "e-also", source: "even", sourcePort: "discarded", target: "store" }));
    const report = await run(flow);
    expect(report.nodes["store"]!.in).toBe(25);
    expect(report.services.maxBatch).toBe(10);
    // Three batches into two destinations: six calls, not nine.
    expect(report.services.destinationCalls).toBe(6);
  });

  it("skips a node that receives nothing in a batch, but still lets it finish, and its finish output flows on", async () => {
    const flow = fixture("check-prices", (f) => {
      f.nodes.find((n) => n.id === "check")!.config = {};
      f.nodes.push({ id: "tally", kind: "transform.tally", kindVersion: 1, label: "Tally failures", position: { x: 0, y: 0 } });
      f.edges = f.edges.filter((e) => e.id !== "e-error");
      f.edges.push({ id: "e-error", source: "check", sourcePort: "error", target: "tally" }, { id: "e-tally", source: "tally", target: "failures" });
    });
    const report = await run(flow);
    expect(report.status).toBe("succeeded");
    expect(report.nodes["tally"]).toMatchObject({ in: 0, out: { out: 1 } });
    expect(report.services.written.get("failures")).toEqual([{ sku: "TOTAL", n: -1, seen: 0, complete: true }]);
  });

  it("gives nodes the run's expressions through their context", async () => {
    const computed = fakeImplementation({
      id: "transform.computed",
      configSchema: z.object({ expression: z.string() }),
      async execute(ctx, batch) {
        const expression = ctx.expressions.compile(ctx.config.expression);
        const out = [];
        for (const record of batch) out.push({ sku: record["sku"], value: await expression.evaluate(record) });
        return { ports: { out } };
      },
    });
    const flow = structuredClone(fixture("sync-numbers"));
    Object.assign(flow.nodes.find((n) => n.id === "double")!, { kind: "transform.computed", config: { expression: "n * 10 + 1" } });
    const report = await run(flow, { implementations: [...allFakeKinds, computed], sampleSize: 2 });
    expect(report.samples["double"]!["out"]).toEqual([
      { sku: "SKU-0", value: 1 },
      { sku: "SKU-1", value: 11 },
    ]);
  });

  it("a node that returns nothing fails the run with a message naming it", async () => {
    const broken = fakeImplementation({ id: "transform.double", label: "Broken", execute: () => undefined as never });
    const report = await run(fixture("sync-numbers"), { implementations: [...allFakeKinds.filter((k) => k.definition.id !== "transform.double"), broken] });
    expect(report.status).toBe("failed");
    expect(report.error).toMatchObject({ nodeId: "double", message: expect.stringContaining("Node “Double” (kind “transform.double”) returned no records") });
  });

  it("lets every node finish after the last batch, in order, and sends what finish returns downstream", async () => {
    const report = await run(fixture("tally"));
    const written = report.services.written.get("store")!;
    expect(written).toHaveLength(36);
    expect(written.at(-1)).toEqual({ sku: "TOTAL", n: -1, seen: 35, complete: true });
    expect(report.edges["e-tally"]).toBe(36);
    expect(report.nodes["check"]).toMatchObject({ in: 36, out: { out: 36 } });
  });
});

describe("runFlow: error policies", () => {
  it("fail: the run fails naming the node, the record and its key, and the cause", async () => {
    const saves = checkpoints();
    const report = await run(fixture("check-prices"), { checkpoint: saves });
    expect(report.status).toBe("failed");
    expect(report.error).toEqual({
      message: "Node “Check prices” failed on record 4 of batch 1 (key “SKU-3”): price 3 is not a number",
      nodeId: "check",
      record: { batchIndex: 0, index: 3, key: "SKU-3" },
    });
    // The failed batch reached no destination and was not checkpointed.
    expect(report.services.written.size).toBe(0);
    expect(saves.saved).toEqual([]);
    expect(report.batches).toBe(0);
    expect(report.recordsRead).toBe(10);
  });

  it("skip: the record is dropped and the error recorded with node, batch, index and key", async () => {
    const report = await run(fixture("check-prices", (f) => (f.settings!.errorPolicy = "skip")));
    expect(report.status).toBe("succeeded_with_errors");
    expect(report.errorCount).toBe(2);
    expect(report.errors).toEqual([
      { nodeId: "check", label: "Check prices", batchIndex: 0, index: 3, key: "SKU-3", message: "price 3 is not a number", handling: "skipped" },
      { nodeId: "check", label: "Check prices", batchIndex: 1, index: 7, key: "SKU-17", message: "price 17 is not a number", handling: "skipped" },
    ]);
    expect(report.nodes["check"]).toMatchObject({ in: 30, out: { out: 28 }, errors: 2 });
    expect(report.services.written.get("store")).toHaveLength(28);
    expect(report.edges["e-error"]).toBe(0);
  });

  it("skip: keeps the first hundred errors and counts them all", async () => {
    const flow = fixture("check-prices", (f) => {
      f.settings!.errorPolicy = "skip";
      f.nodes.find((n) => n.id === "numbers")!.config = { count: 300 };
      f.nodes.find((n) => n.id === "check")!.config = { failIds: Array.from({ length: 250 }, (_, i) => i) };
    });
    const report = await run(flow);
    expect(report.errorCount).toBe(250);
    expect(report.errors).toHaveLength(100);
    expect(report.services.written.get("store")).toHaveLength(50);
  });

  it("route: the record, with _error, goes out of the node's error port; the node's own policy wins over the flow's", async () => {
    const report = await run(fixture("check-prices", (f) => (f.nodes.find((n) => n.id === "check")!.onError = "route")));
    expect(report.status).toBe("succeeded_with_errors");
    expect(report.services.written.get("failures")).toEqual([
      { id: 3, sku: "SKU-3", n: 3, _error: { node: "check", label: "Check prices", message: "price 3 is not a number", key: "SKU-3" } },
      { id: 17, sku: "SKU-17", n: 17, _error: { node: "check", label: "Check prices", message: "price 17 is not a number", key: "SKU-17" } },
    ]);
    expect(report.nodes["check"]).toMatchObject({ out: { out: 28, error: 2 }, errors: 2 });
    expect(report.edges).toMatchObject({ "e-ok": 28, "e-error": 2 });
    expect(report.errors.map((e) => e.handling)).toEqual(["routed", "routed"]);
  });

  it("a node that throws fails the run with a message naming it; earlier batches stay checkpointed", async () => {
    const saves = checkpoints();
    const flow = fixture("check-prices", (f) => (f.nodes.find((n) => n.id === "check")!.config = { throwOnId: 12 }));
    const report = await run(flow, { checkpoint: saves });
    expect(report.status).toBe("failed");
    expect(report.error).toEqual({ message: "Node “Check prices” failed: the price service is down", nodeId: "check" });
    expect(saves.saved.map((c) => c.cursor)).toEqual([10]);
    expect(report.cursor).toBe(10);
    expect(report.batches).toBe(1);
    expect(report.services.written.get("store")).toHaveLength(10);
  });

  it("a setting that fails its kind's schema fails the run before any batch, naming the node and the field", async () => {
    const flow = structuredClone(fixture("sync-numbers"));
    flow.nodes.find((n) => n.id === "even")!.config = { by: 0 };
    const report = await run(flow);
    expect(report.status).toBe("failed");
    expect(report.error).toEqual({
      message: "Node “Keep multiples of four”: the setting “by” must be at least 1. Open the node and correct this setting.",
      nodeId: "even",
      field: "by",
    });
    expect(report.recordsRead).toBe(0);
    expect(report.services.written.size).toBe(0);
  });

  it("a flow the engine cannot plan is a failed run with the planner's message", async () => {
    const report = await runTestFlow({ flow: fixture("sync-numbers"), implementations: allFakeKinds.slice(0, 2) });
    expect(report.status).toBe("failed");
    expect(report.error?.message).toContain("Node “Save to store” uses kind “destination.recorder”, which this Flowgate cannot run");
    expect(report.error?.nodeId).toBe("store");
  });
});

describe("runFlow: checkpoints, state and resuming", () => {
  it("checkpoints after each batch with its cursor, counts and staged state, then once more when done", async () => {
    const saves = checkpoints();
    const report = await run(fixture("tally"), { checkpoint: saves });
    expect(report.status).toBe("succeeded");
    expect(saves.saved.map(({ batchIndex, cursor, done }) => ({ batchIndex, cursor, done }))).toEqual([
      { batchIndex: 0, cursor: 10, done: false },
      { batchIndex: 1, cursor: 20, done: false },
      { batchIndex: 2, cursor: 30, done: false },
      { batchIndex: 3, cursor: 35, done: false },
      { batchIndex: 3, cursor: 35, done: true },
    ]);
    expect(saves.saved.map((c) => c.state)).toEqual([
      { tally: { set: [["seen", 10]], delete: [] } },
      { tally: { set: [["seen", 20]], delete: [] } },
      { tally: { set: [["seen", 30]], delete: [] } },
      { tally: { set: [["seen", 35]], delete: [] } },
      {},
    ]);
    expect(saves.saved[1]!.counts).toMatchObject({ batches: 2, recordsRead: 20, edges: { "e-numbers": 20 } });
    expect(report.state.committed("tally")).toEqual({ seen: 35 });
  });

  it("a failed batch commits none of its state", async () => {
    const saves = checkpoints();
    const state = createMemoryState();
    const flow = fixture("tally", (f) => (f.nodes.find((n) => n.id === "check")!.config = { throwOnId: 25 }));
    const report = await run(flow, { checkpoint: saves, state });
    expect(report.status).toBe("failed");
    expect(saves.saved).toHaveLength(2);
    // The tally staged 30 while the third batch went through; the failure threw it away.
    expect(state.committed("tally")).toEqual({ seen: 20 });
    expect(state.pending()).toEqual({});
  });

  it("a checkpoint that cannot be saved rejects the run (the runtime retries it) and commits nothing", async () => {
    const state = createMemoryState();
    const failing: CheckpointPort = {
      async save(checkpoint) {
        if (checkpoint.batchIndex === 1) throw new Error("connection lost");
      },
    };
    await expect(run(fixture("tally"), { checkpoint: failing, state })).rejects.toThrow("connection lost");
    expect(state.committed("tally")).toEqual({ seen: 10 });
  });

  it("resumes from a checkpoint's cursor: reads only the rest, and goes on counting", async () => {
    const state = createMemoryState();
    const first = checkpoints();
    const flow = fixture("tally", (f) => (f.nodes.find((n) => n.id === "check")!.config = { throwOnId: 25 }));
    await run(flow, { checkpoint: first, state });
    const last = first.saved.at(-1)!;

    const services = fakeServices();
    const resumed = await run(fixture("tally"), { state, services, resumeFrom: last });
    expect(resumed.status).toBe("succeeded");
    const written = services.written.get("store")!;
    expect(skus(written)).toEqual([...Array.from({ length: 15 }, (_, i) => `SKU-${i + 20}`), "TOTAL"]);
    expect(written.at(-1)).toMatchObject({ seen: 35 });
    expect(resumed.batches).toBe(4);
    expect(resumed.recordsRead).toBe(35);
    expect(resumed.edges["e-numbers"]).toBe(35);
    expect(resumed.cursor).toBe(35);
  });

  it("a run resumed from its final checkpoint has nothing left to do", async () => {
    const saves = checkpoints();
    await run(fixture("tally"), { checkpoint: saves });
    const services = fakeServices();
    const again = await run(fixture("tally"), { services, resumeFrom: saves.saved.at(-1)! });
    expect(again.status).toBe("succeeded");
    expect(services.written.size).toBe(0);
    expect(again.recordsRead).toBe(35);
  });

  it("stops at the next batch boundary when aborted: cancelled, the batch in flight completed and checkpointed, no finish", async () => {
    const controller = new AbortController();
    const saves = checkpoints((checkpoint) => {
      if (checkpoint.batchIndex === 0) controller.abort();
    });
    const report = await run(fixture("tally"), { checkpoint: saves, signal: controller.signal });
    expect(report.status).toBe("cancelled");
    expect(report.batches).toBe(1);
    expect(report.cursor).toBe(10);
    expect(saves.saved.map((c) => c.done)).toEqual([false]);
    expect(skus(report.services.written.get("store"))).not.toContain("TOTAL");

    const already = new AbortController();
    already.abort();
    const never = await run(fixture("tally"), { signal: already.signal });
    expect(never).toMatchObject({ status: "cancelled", batches: 0, recordsRead: 0 });
  });
});

describe("runFlow: dead letters and lineage", () => {
  it("hands each checkpoint the dead letters of its batch, with the records, and starts afresh after it", async () => {
    const saves = checkpoints();
    const flow = fixture("check-prices", (f) => (f.settings!.errorPolicy = "skip"));
    const report = await run(flow, { checkpoint: saves });
    expect(report.status).toBe("succeeded_with_errors");
    const error = (id: number, batchIndex: number, index: number) => ({
      nodeId: "check",
      label: "Check prices",
      batchIndex,
      index,
      key: `SKU-${id}`,
      message: `price ${id} is not a number`,
      handling: "skipped",
      record: { id, sku: `SKU-${id}`, n: id },
    });
    expect(saves.saved.map((c) => c.errors)).toEqual([[error(3, 0, 3)], [error(17, 1, 7)], [], []]);
  });

  it("traces destinations' writes (not what they left unchanged) and keyed errors at any node, per checkpoint", async () => {
    const saves = checkpoints();
    const flow = fixture("check-prices", (f) => {
      f.settings!.errorPolicy = "skip";
      f.nodes.find((n) => n.id === "numbers")!.config = { count: 10 };
    });
    // SKU-0 is in the store as it comes, SKU-1 with another value.
    const services = fakeServices([{ id: 0, sku: "SKU-0", n: 0 }, { sku: "SKU-1", n: 99 }]);
    await run(flow, { checkpoint: saves, services });
    const [first, last] = saves.saved;
    expect(first!.lineage[0]).toEqual({
      nodeId: "check",
      key: "SKU-3",
      op: "error",
      outcome: "failed",
      record: { id: 3, sku: "SKU-3", n: 3 },
      detail: "price 3 is not a number",
      batchIndex: 0,
    });
    expect(first!.lineage.slice(1)).toEqual(
      [1, 2, 4, 5, 6, 7, 8, 9].map((id) => ({
        nodeId: "store",
        key: `SKU-${id}`,
        op: id === 1 ? "update" : "create",
        outcome: "written",
        record: { id, sku: `SKU-${id}`, n: id },
        detail: "stored",
        batchIndex: 0,
      })),
    );
    expect(last!.done).toBe(true);
    expect(last!.lineage).toEqual([]);
  });

  it("routed errors are dead letters too; a dry run still reports its errors", async () => {
    const saves = checkpoints();
    const flow = fixture("check-prices", (f) => (f.nodes.find((n) => n.id === "check")!.onError = "route"));
    await run(flow, { checkpoint: saves });
    const letters = saves.saved.flatMap((c) => c.errors);
    expect(letters.map((e) => [e.key, e.handling, e.record])).toEqual([
      ["SKU-3", "routed", { id: 3, sku: "SKU-3", n: 3 }],
      ["SKU-17", "routed", { id: 17, sku: "SKU-17", n: 17 }],
    ]);
    // The routed records reached the "failures" recorder, and were written there.
    expect(saves.saved.flatMap((c) => c.lineage).filter((l) => l.nodeId === "failures").map((l) => l.key)).toEqual(["SKU-3", "SKU-17"]);

    const dry = await run(flow, { run: { mode: "dry-run" }, checkpoint: checkpoints() });
    expect(dry.errors).toHaveLength(2);
  });
});

describe("runFlow: approval nodes", () => {
  /** numbers (12) → hold → store (approved) / rejects (rejected), in batches of 5. */
  const approvalFlow = () =>
    fixture("sync-numbers", (f) => {
      f.settings = { batchSize: 5 };
      f.nodes = f.nodes.filter((n) => n.id !== "even" && n.id !== "double");
      f.nodes.find((n) => n.id === "numbers")!.config = { count: 12 };
      f.nodes.push({ id: "review", kind: "approval.hold", kindVersion: 1, label: "Review", position: { x: 0, y: 0 } });
      f.edges = [
        { id: "e-start", source: "start", target: "numbers" },
        { id: "e-numbers", source: "numbers", target: "review" },
        { id: "e-approved", source: "review", sourcePort: "approved", target: "store" },
        { id: "e-rejected", source: "review", sourcePort: "rejected", target: "rejects" },
      ];
    });

  it("hands each checkpoint the records the node held (and those its rules decided), with the record as received, and counts the held ones", async () => {
    const saves = checkpoints();
    const report = await run(approvalFlow(), { checkpoint: saves });
    expect(report.status).toBe("succeeded");
    // Per batch: what that batch held, nothing twice.
    expect(saves.saved.map((c) => (c.held ?? []).map((h) => h.key))).toEqual([
      ["SKU-0", "SKU-1", "SKU-2", "SKU-3", "SKU-4"],
      ["SKU-5", "SKU-6", "SKU-7", "SKU-8", "SKU-9"],
      ["SKU-10", "SKU-11"],
      [],
    ]);
    const held = saves.saved.flatMap((c) => c.held ?? []);
    expect(held[3]).toEqual({
      nodeId: "review",
      batchIndex: 0,
      index: 3,
      key: "SKU-3",
      op: "update",
      before: { n: 2 },
      after: { n: 3 },
      changedFields: ["n"],
      record: { id: 3, sku: "SKU-3", n: 3 },
    });
    expect(held.find((h) => h.key === "SKU-10")).toMatchObject({ batchIndex: 2, index: 0, decisionSource: "auto-approve" });
    expect(held.filter((h) => h.decisionSource === undefined).map((h) => h.key)).toEqual(["SKU-0", "SKU-3", "SKU-6", "SKU-9"]);
    // Held records leave by no port: only the rule-decided ones went on.
    expect(report.nodes["review"]).toMatchObject({ in: 12, out: { approved: 4, rejected: 4 }, held: 4 });
    expect(skus(report.services.written.get("store"))).toEqual(["SKU-1", "SKU-4", "SKU-7", "SKU-10"]);
    expect(report.nodes["store"]!.held).toBeUndefined();
    // The counts a resumed run starts from include what was held.
    expect(saves.saved.at(-1)!.counts.nodes["review"]!.held).toBe(4);
  });

  it("a dry run counts what would wait for approval, and stores nothing", async () => {
    const saves = checkpoints();
    const report = await run(approvalFlow(), { checkpoint: saves, run: { mode: "dry-run" }, dryRunLimit: 7 });
    expect(saves.saved).toEqual([]);
    expect(report.nodes["review"]).toMatchObject({ in: 7, held: 3 });
  });

  it("a replayed decided record passes the node to its port and is not held again", async () => {
    const saves = checkpoints();
    const report = await run(approvalFlow(), {
      checkpoint: saves,
      replay: async function* () {
        yield {
          entries: [
            { nodeId: "review", record: { sku: "SKU-3", n: 3, _approval: { decision: "approved" } } },
            { nodeId: "review", record: { sku: "SKU-6", n: 6, _approval: { decision: "rejected" } } },
          ],
          cursor: 1,
        };
      },
    });
    expect(report.nodes["review"]).toMatchObject({ in: 2, out: { approved: 1, rejected: 1 } });
    expect(report.nodes["review"]!.held).toBeUndefined();
    expect(saves.saved.flatMap((c) => c.held ?? [])).toEqual([]);
    expect(skus(report.services.written.get("store"))).toEqual(["SKU-3"]);
  });
});

describe("runFlow: replay", () => {
  /** Records addressed to nodes, in batches; the cursor is the number of batches handed out. */
  function replaySource(batches: { nodeId: string; record: FlowRecord }[][]) {
    const asked: unknown[] = [];
    return {
      asked,
      replay: async function* (cursor: Json | undefined) {
        asked.push(cursor);
        for (let next = typeof cursor === "number" ? cursor : 0; next < batches.length; next++) yield { entries: batches[next]!, cursor: next + 1 };
      },
    };
  }

  const batches = [
    [
      { nodeId: "check", record: { id: 3, sku: "SKU-3", n: 3 } },
      { nodeId: "store", record: { id: 9, sku: "SKU-9", n: 9 } },
      { nodeId: "check", record: { id: 4, sku: "SKU-4", n: 4 } },
    ],
    [{ nodeId: "tally", record: { id: 5, sku: "SKU-5", n: 5 } }],
  ];

  it("delivers each record into the node it names and runs the graph from there, without reading the source", async () => {
    const saves = checkpoints();
    const { replay, asked } = replaySource(batches);
    const flow = fixture("tally", (f) => {
      f.nodes.find((n) => n.id === "check")!.config = { failIds: [3] };
      f.settings!.errorPolicy = "skip";
    });
    const report = await run(flow, { checkpoint: saves, replay });
    expect(report.status).toBe("succeeded_with_errors");
    expect(asked).toEqual([undefined]);
    expect(report.nodes["numbers"]).toMatchObject({ in: 0, out: {} });
    expect(report.recordsRead).toBe(4);
    // The store's own record first, then what the check let through; the tally's finish was told the source was not read whole.
    expect(report.services.written.get("store")).toEqual([
      { id: 9, sku: "SKU-9", n: 9 },
      { id: 4, sku: "SKU-4", n: 4 },
      { id: 5, sku: "SKU-5", n: 5 },
      { sku: "TOTAL", n: -1, seen: 1, complete: false },
    ]);
    expect(report.nodes["check"]).toMatchObject({ in: 4, errors: 1 });
    expect(saves.saved.map(({ batchIndex, cursor, done }) => ({ batchIndex, cursor, done }))).toEqual([
      { batchIndex: 0, cursor: 1, done: false },
      { batchIndex: 1, cursor: 2, done: false },
      { batchIndex: 1, cursor: 2, done: true },
    ]);
    // Replayed records that fail again are dead letters again.
    expect(saves.saved[0]!.errors.map((e) => [e.nodeId, e.key, e.record])).toEqual([["check", "SKU-3", { id: 3, sku: "SKU-3", n: 3 }]]);
  });

  it("resumes after the cursor of its last checkpoint", async () => {
    const first = checkpoints();
    await run(fixture("tally"), { checkpoint: first, replay: replaySource(batches).replay });
    const { replay, asked } = replaySource(batches);
    const services = fakeServices();
    const resumed = await run(fixture("tally"), { services, replay, resumeFrom: first.saved[0]! });
    expect(asked).toEqual([1]);
    expect(skus(services.written.get("store"))).toEqual(["SKU-5", "TOTAL"]);
    expect(resumed.recordsRead).toBe(4);
  });

  it("fails the run, saying what to do, when a record names a node the flow does not run", async () => {
    const { replay } = replaySource([[{ nodeId: "gone", record: { sku: "SKU-1" } }]]);
    const report = await run(fixture("tally"), { replay });
    expect(report.status).toBe("failed");
    expect(report.error?.message).toMatch(/failed in the step “gone”, which this flow version does not run.*Retry the run from the start/);
    expect(report.services.written.size).toBe(0);
  });
});

describe("runFlow: a finish that yields batches", () => {
  /**
   * The tally fixture (35 numbers in batches of 10, then check, then the store) with `transform.backlog`
   * in the tally's place: it passes records on, and its finish yields 25 late records `{ id: 100 + i }`
   * in batches of the flow's batch size, staging `flushed` (how many it sent) before each one.
   */
  function backlogFlow(change?: (flow: FlowInput) => void) {
    const closed = { value: false };
    const backlog = fakeImplementation({
      id: "transform.backlog",
      label: "Backlog",
      execute: (_ctx, batch) => ({ ports: { out: batch } }),
      async *finish(ctx, { batchSize }) {
        try {
          for (let sent = 0; sent < 25; ) {
            const size = Math.min(batchSize, 25 - sent);
            const records = Array.from({ length: size }, (_, i) => ({ id: 100 + sent + i, sku: `LATE-${sent + i}` }));
            sent += size;
            ctx.state.set([["flushed", sent]]);
            yield { ports: { out: records } };
          }
        } finally {
          closed.value = true;
        }
      },
    });
    // The fixture validator does not know this kind; the engine is given it below.
    const flow = structuredClone(fixture("tally", change));
    flow.nodes.find((n) => n.id === "tally")!.kind = "transform.backlog";
    return { flow, closed, implementations: [...allFakeKinds, backlog] };
  }

  it("pushes each batch through the rest of the graph and checkpoints it with the state staged before it", async () => {
    const { flow, implementations } = backlogFlow();
    const saves = checkpoints();
    const report = await run(flow, { implementations, checkpoint: saves });
    expect(report.status).toBe("succeeded");
    const written = skus(report.services.written.get("store"));
    expect(written).toHaveLength(60);
    expect(written.slice(35)).toEqual(Array.from({ length: 25 }, (_, i) => `LATE-${i}`));
    expect(report.services.maxBatch).toBe(10);
    // Four source batches and three finish batches, each one call: seven, not five.
    expect(report.services.destinationCalls).toBe(7);
    expect(report.batches).toBe(4);
    expect(report.recordsRead).toBe(35);
    expect(report.nodes["tally"]).toMatchObject({ in: 35, out: { out: 60 } });
    expect(report.nodes["check"]).toMatchObject({ in: 60, out: { out: 60 } });
    expect(report.edges).toMatchObject({ "e-numbers": 35, "e-tally": 60, "e-check": 60 });
    expect(saves.saved.map(({ batchIndex, cursor, done, state }) => ({ batchIndex, cursor, done, state }))).toEqual([
      ...[10, 20, 30, 35].map((cursor, batchIndex) => ({ batchIndex, cursor, done: false, state: {} })),
      ...[10, 20, 25].map((flushed) => ({ batchIndex: 3, cursor: 35, done: false, state: { tally: { set: [["flushed", flushed]], delete: [] } } })),
      { batchIndex: 3, cursor: 35, done: true, state: {} },
    ]);
    expect(saves.saved.at(-2)!.counts).toMatchObject({ batches: 4, edges: { "e-check": 60 } });
    expect(report.state.committed("tally")).toEqual({ flushed: 25 });
  });

  it("commits nothing a batch staged when that batch fails downstream, and closes the stream", async () => {
    const { flow, closed, implementations } = backlogFlow((f) => (f.nodes.find((n) => n.id === "check")!.config = { throwOnId: 112 }));
    const saves = checkpoints();
    const report = await run(flow, { implementations, checkpoint: saves });
    expect(report.status).toBe("failed");
    expect(report.error).toMatchObject({ nodeId: "check", message: expect.stringContaining("the price service is down") });
    // The first late batch went through and was checkpointed; the second failed at the check.
    expect(skus(report.services.written.get("store")).slice(35)).toEqual(Array.from({ length: 10 }, (_, i) => `LATE-${i}`));
    expect(report.state.committed("tally")).toEqual({ flushed: 10 });
    expect(saves.saved.map((c) => c.done)).not.toContain(true);
    expect(closed.value).toBe(true);
  });

  it("stops between batches when the run is cancelled", async () => {
    const { flow, closed, implementations } = backlogFlow();
    const controller = new AbortController();
    const saves = checkpoints((checkpoint) => {
      if (checkpoint.state["tally"]) controller.abort();
    });
    const report = await run(flow, { implementations, checkpoint: saves, signal: controller.signal });
    expect(report.status).toBe("cancelled");
    expect(skus(report.services.written.get("store"))).toHaveLength(45);
    expect(report.state.committed("tally")).toEqual({ flushed: 10 });
    expect(saves.saved.map((c) => c.done)).not.toContain(true);
    expect(closed.value).toBe(true);
  });
});

describe("runFlow: abort", () => {
  /**
   * The tally fixture with a store that holds a "file" open from its first batch until its finish
   * closes it, and whose abort drops it (or, with `failAbort`, cannot).
   */
  function holdingStore(options: { failAbort?: boolean } = {}) {
    const files = { open: new Set<string>(), closed: [] as string[], dropped: [] as { node: string; message: string; cancelled: boolean }[] };
    const store = fakeImplementation({
      id: "destination.recorder",
      label: "Holding store",
      execute(ctx, batch) {
        files.open.add(ctx.node.id);
        const services = ctx.services as FakeServices;
        services.written.set(ctx.node.id, [...(services.written.get(ctx.node.id) ?? []), ...batch]);
        return { ports: {} };
      },
      finish(ctx) {
        if (files.open.delete(ctx.node.id)) files.closed.push(ctx.node.id);
      },
      abort(ctx, { error, cancelled }) {
        if (options.failAbort) throw new Error("the disk is gone");
        if (files.open.delete(ctx.node.id)) files.dropped.push({ node: ctx.node.id, message: error.message, cancelled });
      },
    });
    return { files, implementations: [...allFakeKinds.filter((k) => k.definition.id !== "destination.recorder"), store] };
  }

  const failingAt = (id: number) => fixture("tally", (f) => (f.nodes.find((n) => n.id === "check")!.config = { throwOnId: id }));

  it("lets the nodes that ran drop what they hold when a later node fails the run", async () => {
    const { files, implementations } = holdingStore();
    const report = await run(failingAt(25), { implementations });
    expect(report.status).toBe("failed");
    expect(files.open.size).toBe(0);
    expect(files.closed).toEqual([]);
    expect(files.dropped).toEqual([{ node: "store", message: expect.stringContaining("the price service is down"), cancelled: false }]);
  });

  it("lets them drop it when the run is cancelled", async () => {
    const { files, implementations } = holdingStore();
    const controller = new AbortController();
    const saves = checkpoints((checkpoint) => {
      if (checkpoint.batchIndex === 0) controller.abort();
    });
    const report = await run(fixture("tally"), { implementations, checkpoint: saves, signal: controller.signal });
    expect(report.status).toBe("cancelled");
    expect(files.open.size).toBe(0);
    expect(files.dropped).toEqual([{ node: "store", message: "The run was cancelled.", cancelled: true }]);
  });

  it("leaves a run that succeeds to finish, and nodes that never ran alone", async () => {
    const done = holdingStore();
    expect((await run(fixture("tally"), { implementations: done.implementations })).status).toBe("succeeded");
    expect(done.files).toEqual({ open: new Set(), closed: ["store"], dropped: [] });

    // The first batch fails before the store: it never opened anything.
    const early = holdingStore();
    expect((await run(failingAt(5), { implementations: early.implementations })).status).toBe("failed");
    expect(early.files).toEqual({ open: new Set(), closed: [], dropped: [] });
  });

  it("logs a node that cannot clean up, and still reports the failure that stopped the run", async () => {
    const { implementations } = holdingStore({ failAbort: true });
    const logs: LogEntry[] = [];
    const report = await run(failingAt(25), { implementations, log: (entry) => logs.push(entry) });
    expect(report.status).toBe("failed");
    expect(report.error).toMatchObject({ nodeId: "check", message: expect.stringContaining("the price service is down") });
    expect(logs).toContainEqual({
      level: "warn",
      nodeId: "store",
      message: "Node “Save to store” could not clean up after the run stopped: the disk is gone",
    });
  });
});

describe("runFlow: stopping early", () => {
  /** A source of endless batches of `{ sku }`, which notes when it is closed and honours the signal. */
  function endless() {
    const log = { closed: false, batches: 0 };
    const source = fakeImplementation({
      id: "source.endless",
      async *read(ctx, { batchSize }) {
        try {
          for (let i = 0; ; i++) {
            if (log.batches === 3) {
              // A read in flight when the run is cancelled: a real source aborts its request.
              await new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(new Error("request aborted"))));
            }
            log.batches += 1;
            yield { records: Array.from({ length: batchSize }, (_, j) => ({ sku: `S-${i}-${j}` })), cursor: i + 1 };
          }
        } finally {
          log.closed = true;
        }
      },
    });
    // The fixture validator does not know this kind; the engine is given it below.
    const flow = structuredClone(fixture("sync-numbers"));
    flow.nodes.find((n) => n.id === "numbers")!.kind = "source.endless";
    return { log, flow, implementations: [...allFakeKinds, source] };
  }

  it("closes the source when a dry run reaches its limit", async () => {
    const { log, flow, implementations } = endless();
    const report = await run(flow, { implementations, run: { mode: "dry-run" }, dryRunLimit: 25 });
    expect(report.recordsRead).toBe(25);
    expect(log).toEqual({ closed: true, batches: 3 });
  });

  it("a read aborted by cancelling is a cancelled run, not a failed one", async () => {
    const { log, flow, implementations } = endless();
    const controller = new AbortController();
    const saves = checkpoints((checkpoint) => {
      if (checkpoint.batchIndex === 2) setTimeout(() => controller.abort(), 5);
    });
    const report = await run(flow, { implementations, checkpoint: saves, signal: controller.signal });
    expect(report.status).toBe("cancelled");
    expect(report.error).toBeUndefined();
    expect(report.cursor).toBe(3);
    expect(report.batches).toBe(3);
    expect(log.closed).toBe(true);
  });
});

describe("runFlow: dry run", () => {
  it("reads only the first records, asks destinations what they would write, and writes and checkpoints nothing", async () => {
    const saves = checkpoints();
    const services = fakeServices([{ sku: "SKU-2", n: 3 }]);
    const flow = fixture("sync-numbers", (f) => (f.nodes.find((n) => n.id === "rejects")!.kind = "destination.blind"));
    const report = await run(flow, { services, checkpoint: saves, run: { mode: "dry-run" }, dryRunLimit: 7 });
    expect(report.status).toBe("succeeded");
    expect(report.recordsRead).toBe(7);
    expect(report.edges).toEqual({ "e-start": 0, "e-numbers": 7, "e-double": 7, "e-kept": 4, "e-discarded": 3 });
    expect(report.planned).toEqual({
      store: [
        { op: "create", key: "SKU-0", after: { sku: "SKU-0", n: 0 } },
        { op: "update", key: "SKU-2", before: { sku: "SKU-2", n: 3 }, after: { sku: "SKU-2", n: 4 } },
        { op: "create", key: "SKU-4", after: { sku: "SKU-4", n: 8 } },
        { op: "create", key: "SKU-6", after: { sku: "SKU-6", n: 12 } },
      ],
    });
    expect(report.notPreviewable).toEqual({ rejects: expect.stringContaining("“Save rejects” cannot preview") });
    expect(services.destinationCalls).toBe(0);
    expect(services.written.size).toBe(0);
    expect(saves.saved).toEqual([]);
  });

  it("cuts a batch at the limit, keeps no state, and tells finishing nodes the source was cut short", async () => {
    const state = createMemoryState();
    const report = await run(fixture("tally"), { state, run: { mode: "dry-run" }, dryRunLimit: 15 });
    expect(report.recordsRead).toBe(15);
    expect(report.batches).toBe(2);
    expect(report.planned?.["store"]?.at(-1)).toEqual({
      op: "create",
      key: "TOTAL",
      after: { sku: "TOTAL", n: -1, seen: 15, complete: false },
    });
    expect(state.committed("tally")).toEqual({});
    expect(state.pending()).toEqual({});
  });

  it("defaults to the first 100 records", async () => {
    const flow = fixture("sync-numbers", (f) => (f.nodes.find((n) => n.id === "numbers")!.config = { count: 5000 }));
    const report = await run(flow, { run: { mode: "dry-run" } });
    expect(report.recordsRead).toBe(100);
  });
});

describe("runFlow: memory", () => {
  it("pushes a million records through map and filter one batch at a time, keeping only bounded samples", async () => {
    const flow = fixture("sync-numbers", (f: FlowInput) => {
      f.nodes.find((n) => n.id === "numbers")!.config = { count: 1_000_000 };
      f.settings!.batchSize = 1000;
    });
    let largestTrace = 0;
    const report = await run(flow, { checkpoint: checkpointsBounded((c) => (largestTrace = Math.max(largestTrace, c.lineage.length))) });
    expect(report.status).toBe("succeeded");
    expect(report.recordsRead).toBe(1_000_000);
    // Lineage leaves with each checkpoint: never more than a batch's worth waits.
    expect(largestTrace).toBeLessThanOrEqual(1000);
    expect(report.batches).toBe(1000);
    expect(report.nodes["even"]!.out).toEqual({ kept: 500_000, discarded: 500_000 });
    // No node ever received more than one batch at once.
    expect(report.services.maxBatch).toBeLessThanOrEqual(1000);
    for (const byPort of Object.values(report.samples)) {
      for (const records of Object.values(byPort)) expect(records.length).toBeLessThanOrEqual(20);
    }
  });
});
