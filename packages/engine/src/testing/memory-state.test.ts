import { describe, expect, it } from "vitest";
import { createMemoryState } from "./memory-state";

async function allKeys(pages: AsyncIterable<string[]>): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of pages) keys.push(...page);
  return keys.sort();
}

describe("MemoryState", () => {
  it("reads its own staged writes, and commits them only when told", async () => {
    const state = createMemoryState({ changes: { "SKU-1": "old" } });
    const store = state.forNode("changes");
    store.set([["SKU-2", { hash: "b" }]]);
    store.delete(["SKU-1"]);
    expect(await store.get(["SKU-1", "SKU-2"])).toEqual(new Map([["SKU-2", { hash: "b" }]]));
    expect(await allKeys(store.keys())).toEqual(["SKU-2"]);
    expect(state.pending()).toEqual({ changes: { set: [["SKU-2", { hash: "b" }]], delete: ["SKU-1"] } });
    // Serializable as it is: the runtime stores it in the checkpoint row.
    expect(JSON.parse(JSON.stringify(state.pending()))).toEqual(state.pending());
    expect(state.committed("changes")).toEqual({ "SKU-1": "old" });

    state.markCommitted();
    expect(state.committed("changes")).toEqual({ "SKU-2": { hash: "b" } });
    expect(state.pending()).toEqual({});
  });

  it("forgets staged writes on discard", async () => {
    const state = createMemoryState({ a: { k: 1 } });
    state.forNode("a").set([["k", 2]]);
    state.forNode("b").set([["x", true]]);
    state.discard();
    expect(await state.forNode("a").get(["k"])).toEqual(new Map([["k", 1]]));
    expect(state.pending()).toEqual({});
    expect(state.committed("b")).toEqual({});
  });

  it("keeps nodes apart, and pages keys", async () => {
    const state = createMemoryState();
    state.forNode("a").set(Array.from({ length: 2500 }, (_, i) => [`k${i}`, i] as const));
    state.markCommitted();
    const pages: number[] = [];
    for await (const page of state.forNode("a").keys()) pages.push(page.length);
    expect(pages).toEqual([1000, 1000, 500]);
    expect(await state.forNode("b").get(["k1"])).toEqual(new Map());
  });

  it("hands out copies, so a node changing what it read changes nothing stored", async () => {
    const state = createMemoryState({ a: { k: { n: 1 } } });
    const value = (await state.forNode("a").get(["k"])).get("k") as { n: number };
    value.n = 2;
    expect(state.committed("a")).toEqual({ k: { n: 1 } });
  });
});
