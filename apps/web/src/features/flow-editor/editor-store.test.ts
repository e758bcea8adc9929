import { addNode, connect, emptyFlow, updateNodeConfig } from "@flowgate/flow";
import { describe, expect, it } from "vitest";
import { EditorStore } from "./editor-store";

const trigger = { kind: "trigger.manual", kindVersion: 1, label: "Start", position: { x: 0, y: 0 }, config: {} };
const map = { kind: "transform.map", kindVersion: 1, label: "Map", position: { x: 200, y: 0 }, config: { fields: [] } };

describe("EditorStore", () => {
  it("undoes and redoes every edit in order", () => {
    const store = new EditorStore(emptyFlow());
    store.apply((doc) => addNode(doc, { ...trigger, id: "a" }));
    store.apply((doc) => addNode(doc, { ...map, id: "b" }));
    store.apply((doc) => connect(doc, { source: "a", target: "b" }));
    expect(store.getSnapshot().doc.edges).toHaveLength(1);
    store.undo();
    expect(store.getSnapshot().doc.edges).toHaveLength(0);
    store.undo();
    expect(store.getSnapshot().doc.nodes.map((n) => n.id)).toEqual(["a"]);
    store.redo();
    store.redo();
    expect(store.getSnapshot().doc.edges).toHaveLength(1);
    expect(store.getSnapshot().canRedo).toBe(false);
  });

  it("merges typing in one field into one undo step, and a new edit clears redo", () => {
    const store = new EditorStore(emptyFlow());
    store.apply((doc) => addNode(doc, { ...map, id: "b" }));
    for (const key of ["s", "sk", "sku"]) store.apply((doc) => updateNodeConfig(doc, "b", { fields: [], keyField: key }), { coalesceKey: "b.keyField" });
    expect(store.getSnapshot().doc.nodes[0]!.config).toMatchObject({ keyField: "sku" });
    store.undo();
    expect(store.getSnapshot().doc.nodes[0]!.config).toEqual({ fields: [] });
    store.redo();
    store.undo();
    store.apply((doc) => updateNodeConfig(doc, "b", { fields: [], keyField: "id" }));
    expect(store.getSnapshot().canRedo).toBe(false);
  });

  it("drops a failed edit without touching the document or the history", () => {
    const store = new EditorStore(emptyFlow());
    store.apply((doc) => addNode(doc, { ...trigger, id: "a" }));
    const before = store.getSnapshot().doc;
    expect(() => store.apply((doc) => connect(doc, { source: "a", target: "a" }))).toThrow();
    expect(store.getSnapshot().doc).toBe(before);
    store.undo();
    expect(store.getSnapshot().doc.nodes).toHaveLength(0);
  });

  it("validates every version of the document and keeps the selection to what exists", () => {
    const store = new EditorStore(emptyFlow());
    expect(store.getSnapshot().problems.some((p) => p.code === "no_trigger")).toBe(true);
    store.apply((doc) => addNode(doc, { ...trigger, id: "a" }));
    store.select({ nodes: ["a"] });
    expect(store.getSnapshot().problems.some((p) => p.code === "no_trigger")).toBe(false);
    store.undo();
    expect(store.getSnapshot().selection.nodes).toEqual([]);
  });

  it("changes nothing while read-only", () => {
    const store = new EditorStore(emptyFlow(), { readOnly: true });
    store.apply((doc) => addNode(doc, { ...trigger, id: "a" }));
    expect(store.getSnapshot().doc.nodes).toHaveLength(0);
  });
});
