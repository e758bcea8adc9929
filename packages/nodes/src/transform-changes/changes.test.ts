import type { Checkpoint, FlowRecord, StateStore } from "@flowgate/engine";
import { MemoryState } from "@flowgate/engine/testing";
import type { FlowInput } from "@flowgate/flow";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { fixtureFlow, nodeContext, runFixture, sourceRecords } from "../testing/fixtures";
import { ChangesTransformConfigSchema, changesTransformDefinition, type ChangesTransformConfig } from "./definition";
import { canonicalJson, changesTransform, recordKey, type Change, type ChangeState } from "./execute";
import fullPriceList from "./fixtures/full-price-list.json";
import incrementalProducts from "./fixtures/incremental-products.json";

type Config = z.input<typeof ChangesTransformConfigSchema>;

const changeOf = (record: FlowRecord) => record["_change"] as Change;
const skus = (records: FlowRecord[] | undefined) => (records ?? []).map((record) => record["sku"]);

/** The fixture with its supplier's records changed. */
function withRecords(doc: unknown, change: (records: FlowRecord[]) => FlowRecord[] | void) {
  return fixtureFlow(doc, (flow: FlowInput) => {
    const records = sourceRecords(flow);
    const replaced = change(records);
    if (replaced) flow.nodes.find((node) => node.kind === "source.records")!.config = { records: replaced };
  });
}

function changes(config: Config, state = new MemoryState(), runId = "run-1") {
  const ctx = nodeContext(changesTransformDefinition, config as ChangesTransformConfig, { state, nodeId: "changes", run: { id: runId } });
  return { ctx, run: (batch: FlowRecord[]) => changesTransform.execute!(ctx, batch), state };
}

describe("transform.changes", () => {
  it("fixture: the first run lets every product through as new, the second with the same data none", async () => {
    const state = new MemoryState();
    const first = await runFixture(fixtureFlow(incrementalProducts), { state });
    expect(first.status).toBe("succeeded");
    const written = first.written.get("shop")!;
    expect(written).toHaveLength(10);
    expect(written[0]).toEqual({
      sku: "P-01",
      name: "Product 1",
      price: 11.5,
      stock: 3,
      fetched_at: "2024-03-01T06:00:00Z",
      _change: { op: "create", before: null, changedFields: ["sku", "name", "price", "stock"] },
    });
    expect(Object.keys(state.committed("changes"))).toHaveLength(10);
    expect(state.committed("changes")["P-01"]).toEqual({
      h: expect.stringMatching(/^[\w-]{27}$/),
      s: { sku: "P-01", name: "Product 1", price: 11.5, stock: 3, fetched_at: "2024-03-01T06:00:00Z" },
    });

    // Same products, fetched an hour later: the ignored field changed, nothing else.
    const again = withRecords(incrementalProducts, (records) => records.map((r) => ({ ...r, fetched_at: "2024-03-01T07:00:00Z" })));
    const second = await runFixture(again, { state, run: { id: "run-2" } });
    expect(second.status).toBe("succeeded");
    expect(second.written.get("shop")).toBeUndefined();
    expect(second.nodes["changes"]).toMatchObject({ in: 10, out: { out: 0 } });
  });

  it("fixture: one changed product of ten comes through as exactly one update, with before and the changed fields", async () => {
    const state = new MemoryState();
    await runFixture(fixtureFlow(incrementalProducts), { state });
    const changed = withRecords(incrementalProducts, (records) => {
      records[6]!["price"] = 19.99;
    });
    const report = await runFixture(changed, { state, run: { id: "run-2" } });
    expect(report.written.get("shop")).toEqual([
      {
        sku: "P-07",
        name: "Product 7",
        price: 19.99,
        stock: 21,
        fetched_at: "2024-03-01T06:00:00Z",
        _change: {
          op: "update",
          before: { sku: "P-07", name: "Product 7", price: 20.5, stock: 21, fetched_at: "2024-03-01T06:00:00Z" },
          changedFields: ["price"],
        },
      },
    ]);
    expect((state.committed("changes")["P-07"] as unknown as ChangeState).s["price"]).toBe(19.99);
  });

  it("keeps its state staged, not committed, when the run fails behind it, so the change comes again next run", async () => {
    const state = new MemoryState();
    await runFixture(fixtureFlow(incrementalProducts), { state });
    const before = state.committed("changes");
    const change = (records: FlowRecord[]) => {
      records[2]!["stock"] = 0;
    };
    const failing = withRecords(incrementalProducts, change);
    failing.nodes.find((node) => node.id === "shop")!.config = { fail: true };
    const failed = await runFixture(failing, { state, run: { id: "run-2" } });
    expect(failed.status).toBe("failed");
    expect(failed.error?.message).toMatch(/Shop.*the shop is not answering/);
    expect(state.committed("changes")).toEqual(before);
    expect(state.pending()).toEqual({});

    const retried = await runFixture(withRecords(incrementalProducts, change), { state, run: { id: "run-3" } });
    expect(retried.written.get("shop")!.map((r) => [r["sku"], changeOf(r).op, changeOf(r).changedFields])).toEqual([["P-03", "update", ["stock"]]]);
  });

  it("fixture, full snapshot: products missing from a complete run come through as deleted, and are forgotten", async () => {
    const state = new MemoryState();
    const first = await runFixture(fixtureFlow(fullPriceList), { state });
    expect(first.written.get("shop")).toHaveLength(10);
    expect(state.committed("changes")["P-01"]).toMatchObject({ r: "run-1" });

    const shorter = withRecords(fullPriceList, (records) => records.filter((r) => r["sku"] !== "P-04" && r["sku"] !== "P-09"));
    const second = await runFixture(shorter, { state, run: { id: "run-2" } });
    expect(second.status).toBe("succeeded");
    expect(second.written.get("shop")).toEqual([
      {
        sku: "P-04",
        name: "Product 4",
        price: 16,
        stock: 12,
        fetched_at: "2024-03-01T06:00:00Z",
        _change: {
          op: "delete",
          before: { sku: "P-04", name: "Product 4", price: 16, stock: 12, fetched_at: "2024-03-01T06:00:00Z" },
          changedFields: [],
        },
      },
      expect.objectContaining({ sku: "P-09", _change: expect.objectContaining({ op: "delete" }) }),
    ]);
    expect(Object.keys(state.committed("changes")).sort()).toEqual(["P-01", "P-02", "P-03", "P-05", "P-06", "P-07", "P-08", "P-10"]);
    expect(state.committed("changes")["P-01"]).toMatchObject({ r: "run-2" });

    // Nothing more is gone: the next run deletes nothing.
    const third = await runFixture(shorter, { state, run: { id: "run-3" } });
    expect(third.written.get("shop")).toBeUndefined();
  });

  it("full snapshot: sends the deletions in batches of the flow's batch size, each forgotten with its own checkpoint", async () => {
    const state = new MemoryState();
    await runFixture(fixtureFlow(fullPriceList), { state });
    const onlyFirst = withRecords(fullPriceList, (records) => records.filter((r) => r["sku"] === "P-01"));
    const saved: Checkpoint[] = [];
    const second = await runFixture(onlyFirst, { state, run: { id: "run-2" }, checkpoint: { save: async (c) => void saved.push(structuredClone(c)) } });
    expect(second.status).toBe("succeeded");
    // The fixture's batch size is 4: nine deletions come as 4, 4 and 1.
    expect(second.receivedBatches.map((batch) => batch.length)).toEqual([4, 4, 1]);
    expect(second.records.every((record) => changeOf(record).op === "delete")).toBe(true);
    const deletedPerCheckpoint = saved.map((c) => c.state["changes"]?.delete ?? []);
    expect(deletedPerCheckpoint).toEqual([[], second.receivedBatches[0]!.map((r) => r["sku"]), second.receivedBatches[1]!.map((r) => r["sku"]), second.receivedBatches[2]!.map((r) => r["sku"]), []]);
    expect(Object.keys(state.committed("changes"))).toEqual(["P-01"]);
  });

  it("full snapshot: a run stopped during its deletions keeps the ones not yet delivered for the next run", async () => {
    const state = new MemoryState();
    await runFixture(fixtureFlow(fullPriceList), { state });
    const onlyFirst = withRecords(fullPriceList, (records) => records.filter((r) => r["sku"] === "P-01"));
    const controller = new AbortController();
    const stopped = await runFixture(onlyFirst, {
      state,
      run: { id: "run-2" },
      signal: controller.signal,
      // Cancelled once the first batch of deletions went through.
      checkpoint: { save: async (c) => void (c.state["changes"]?.delete.length && controller.abort()) },
    });
    expect(stopped.status).toBe("cancelled");
    expect(stopped.records).toHaveLength(4);
    expect(Object.keys(state.committed("changes"))).toHaveLength(6);

    const next = await runFixture(onlyFirst, { state, run: { id: "run-3" } });
    expect(skus(next.records).sort()).toEqual(["P-02", "P-03", "P-04", "P-05", "P-06", "P-07", "P-08", "P-09", "P-10"].filter((sku) => !skus(stopped.records).includes(sku)));
    expect(Object.keys(state.committed("changes"))).toEqual(["P-01"]);
  });

  it("full snapshot: a run cut short (a dry run's record limit) deletes nothing", async () => {
    const state = new MemoryState();
    await runFixture(fixtureFlow(fullPriceList), { state });
    const dry = await runFixture(fixtureFlow(fullPriceList), { state, run: { id: "dry-1", mode: "dry-run" }, dryRunLimit: 4 });
    expect(dry.status).toBe("succeeded");
    expect(dry.nodes["changes"]).toMatchObject({ in: 4, out: { out: 0 } });
    expect(Object.keys(state.committed("changes"))).toHaveLength(10);

    const { ctx } = changes({ keyFields: ["sku"], fullSnapshot: true }, state, "run-9");
    expect(await changesTransform.finish!(ctx, { complete: false, batchSize: 4 })).toBeUndefined();
    expect(state.pending()).toEqual({});
  });

  it("reports a record missing a key field by its index, naming the field, and lets the others through", async () => {
    const { run, state } = changes({ keyFields: ["warehouse", "sku"] });
    const output = await run([
      { warehouse: "WAW", sku: "A", stock: 1 },
      { warehouse: "WAW", stock: 2 },
      { warehouse: " ", sku: "C", stock: 3 },
      { warehouse: "WAW", sku: { id: 1 }, stock: 4 },
    ]);
    expect(skus(output.ports["out"])).toEqual(["A"]);
    expect(output.errors).toEqual([
      { index: 1, message: expect.stringMatching(/^The record has no value in the key field “sku”, so it cannot be matched/) },
      { index: 2, message: expect.stringContaining("no value in the key field “warehouse”") },
      { index: 3, message: expect.stringContaining("The key field “sku” holds an object, not a text or a number") },
    ]);
    expect(state.pending()["changes"]!.set.map(([key]) => key)).toEqual(['["WAW","A"]']);
  });

  it("lets the last record with a key win within a batch, and compares a later batch with what an earlier one staged", async () => {
    const { run } = changes({ keyFields: ["sku"] });
    const first = await run([
      { sku: "A", price: 1 },
      { sku: "B", price: 1 },
      { sku: "A", price: 2 },
    ]);
    expect(first.ports["out"]!.map((r) => [r["sku"], r["price"], changeOf(r).op])).toEqual([
      ["B", 1, "create"],
      ["A", 2, "create"],
    ]);
    const second = await run([
      { sku: "A", price: 2 },
      { sku: "B", price: 3 },
    ]);
    expect(second.ports["out"]!.map((r) => [r["sku"], changeOf(r).op, changeOf(r).before])).toEqual([["B", "update", { sku: "B", price: 1 }]]);
  });

  it("compares only the chosen fields, and ignores the ignored ones", async () => {
    const { run } = changes({ keyFields: ["sku"], compare: ["price", "stock"], ignoreFields: ["stock"] });
    await run([{ sku: "A", price: 1, stock: 1, name: "a" }]);
    const output = await run([
      { sku: "A", price: 1, stock: 5, name: "renamed" },
    ]);
    expect(output.ports["out"]).toEqual([]);
    const changed = await run([{ sku: "A", price: 2, stock: 5, name: "renamed" }]);
    expect(changed.ports["out"]!.map((r) => changeOf(r).changedFields)).toEqual([["price"]]);
  });

  it("sees nested changes and removed fields, whatever the order of keys", async () => {
    const { run } = changes({ keyFields: ["sku"] });
    await run([{ sku: "A", price: { net: 1, gross: 1.23 }, ean: "590", tags: ["a", "b"] }]);
    expect((await run([{ tags: ["a", "b"], price: { gross: 1.23, net: 1 }, ean: "590", sku: "A" }])).ports["out"]).toEqual([]);
    const output = await run([{ sku: "A", price: { gross: 1.23, net: 1 }, tags: ["b", "a"] }]);
    expect(changeOf(output.ports["out"]![0]!).changedFields).toEqual(["tags", "ean"]);
  });

  it("reads the state of a batch's keys once, and stages writes only for what it let through", async () => {
    const state = new MemoryState();
    const reads: number[] = [];
    const counting = (store: StateStore): StateStore => ({
      ...store,
      get: (keys) => {
        reads.push(keys.length);
        return store.get(keys);
      },
    });
    const { ctx } = changes({ keyFields: ["sku"] }, state);
    const counted = { ...ctx, state: counting(ctx.state) };
    await changesTransform.execute!(counted, [{ sku: "A" }, { sku: "B" }, { sku: "A" }]);
    state.markCommitted();
    await changesTransform.execute!(counted, [{ sku: "A" }, { sku: "B", n: 1 }]);
    expect(reads).toEqual([2, 2]);
    expect(state.pending()["changes"]!.set.map(([key]) => key)).toEqual(["B"]);
  });

  it("makes keys from texts and numbers alike, and several key fields unambiguous", () => {
    expect(recordKey({ sku: 12 }, ["sku"])).toEqual({ value: "12" });
    expect(recordKey({ sku: "12" }, ["sku"])).toEqual({ value: "12" });
    const a = recordKey({ a: "x,y", b: "z" }, ["a", "b"]);
    const b = recordKey({ a: "x", b: "y,z" }, ["a", "b"]);
    expect(a).not.toEqual(b);
    expect(canonicalJson({ b: [1, { d: 2, c: null }], a: "x" })).toBe('{"a":"x","b":[1,{"c":null,"d":2}]}');
  });

  it("refuses settings without a key field at save time", () => {
    const result = ChangesTransformConfigSchema.safeParse({ keyFields: [] });
    expect(result.error!.issues).toEqual([expect.objectContaining({ path: ["keyFields"], message: "Choose the field that identifies a record, e.g. “sku”" })]);
    expect(ChangesTransformConfigSchema.parse({ keyFields: ["sku"] })).toEqual({ keyFields: ["sku"], compare: "all", fullSnapshot: false, ignoreFields: [] });
    expect(ChangesTransformConfigSchema.safeParse({ keyFields: ["sku"], compare: [] }).success).toBe(false);
  });
});
