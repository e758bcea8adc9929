import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addNode,
  connect,
  copySelection,
  disconnect,
  duplicateSelection,
  FlowEditError,
  FlowFragmentSchema,
  moveNodes,
  pasteFragment,
  randomId,
  removeNodes,
  renameNode,
  setNodeDisabled,
  setNodeErrorPolicy,
  updateNodeConfig,
  updateSettings,
  type FlowEditErrorCode,
  type NewId,
} from "./edit";
import { FlowSchema, type Flow, type FlowNode } from "./schema";
import { deepFreeze } from "./testing/deep-freeze";
import { fixtureFlow, fixtureKinds, fixtureRegistry } from "./testing/fixture-registry";
import { validateFlow } from "./validate";

function counterIds(): NewId {
  let next = 0;
  return (what) => `${what}-${++next}`;
}

/** A frozen fixture flow: an operation that writes to its input fails the test by throwing. */
function frozenFlow(): Flow {
  return deepFreeze(fixtureFlow());
}

function expectEditError(run: () => unknown, code: FlowEditErrorCode, message?: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(FlowEditError);
  expect((caught as FlowEditError).code).toBe(code);
  if (message) expect((caught as FlowEditError).message).toMatch(message);
}

function expectValid(flow: Flow): void {
  expect(validateFlow(flow, fixtureRegistry).problems).toEqual([]);
}

const newSource = { kind: "source.fixture", kindVersion: 1, label: "More products", position: { x: 5, y: 6 } };

describe("addNode", () => {
  it("appends the node with a fresh id and the schema's defaults", () => {
    const flow = frozenFlow();
    const next = addNode(flow, newSource, { newId: () => "fresh" });
    expect(next.nodes).toHaveLength(5);
    expect(next.nodes[4]).toEqual({ ...newSource, id: "fresh", config: {} });
    expect(flow.nodes).toHaveLength(4);
    expectValid(next);
  });

  it("keeps a given id, and refuses one already in use", () => {
    expect(addNode(frozenFlow(), { ...newSource, id: "mine" }).nodes[4]?.id).toBe("mine");
    expectEditError(() => addNode(frozenFlow(), { ...newSource, id: "store" }), "id_taken", /“store”/);
  });

  it("retries the id generator until it gives an id that is free", () => {
    const ids = ["store", "products", "free"];
    const next = addNode(frozenFlow(), newSource, { newId: () => ids.shift() ?? "never" });
    expect(next.nodes[4]?.id).toBe("free");
  });

  it("refuses a malformed node and a node beyond the limit", () => {
    expectEditError(() => addNode(frozenFlow(), { ...newSource, label: "" }), "invalid_input", /label/);
    let flow = fixtureFlow();
    for (let i = flow.nodes.length; i < 500; i++) flow = addNode(flow, newSource);
    expectEditError(() => addNode(flow, newSource), "too_many", /at most 500 nodes/);
  });
});

describe("removeNodes", () => {
  it("removes the nodes and every connection touching them, ignoring unknown ids", () => {
    const next = removeNodes(frozenFlow(), ["in-stock", "not-there"]);
    expect(next.nodes.map((n) => n.id)).toEqual(["start", "products", "store"]);
    expect(next.edges.map((e) => e.id)).toEqual(["e1"]);
    expectValid(next);
  });
});

describe("connect", () => {
  it("adds a connection with the default ports", () => {
    const next = connect(frozenFlow(), { source: "products", target: "store" }, { newId: () => "new-edge" });
    expect(next.edges[3]).toEqual({ id: "new-edge", source: "products", sourcePort: "out", target: "store", targetPort: "in" });
    expectValid(next);
  });

  it("refuses a node connected to itself", () => {
    expectEditError(() => connect(frozenFlow(), { source: "products", target: "products" }), "self_loop", /“Fetch products”/);
  });

  it("refuses a second identical connection, but allows another port", () => {
    expectEditError(
      () => connect(frozenFlow(), { source: "in-stock", sourcePort: "kept", target: "store" }),
      "duplicate_edge",
      /“In stock” is already connected to “Save to store”/,
    );
    const next = connect(frozenFlow(), { source: "in-stock", sourcePort: "discarded", target: "store" });
    expectValid(next);
  });

  it("refuses a connection that would make a loop", () => {
    expectEditError(
      () => connect(frozenFlow(), { source: "in-stock", sourcePort: "discarded", target: "products" }),
      "cycle",
      /would make a loop/,
    );
  });

  it("refuses unknown nodes and ids in use", () => {
    expectEditError(() => connect(frozenFlow(), { source: "ghost", target: "store" }), "unknown_node", /“ghost”/);
    expectEditError(() => connect(frozenFlow(), { id: "e1", source: "products", target: "store" }), "id_taken");
  });
});

describe("disconnect", () => {
  it("removes the given connections only", () => {
    const next = disconnect(frozenFlow(), ["e3", "nope"]);
    expect(next.edges.map((e) => e.id)).toEqual(["e1", "e2"]);
    expect(next.nodes).toHaveLength(4);
  });
});

describe("moveNodes", () => {
  it("moves the given nodes and leaves the others where they are", () => {
    const flow = frozenFlow();
    const next = moveNodes(flow, { products: { x: -10, y: 20.5 }, gone: { x: 1, y: 1 } });
    expect(next.nodes[1]?.position).toEqual({ x: -10, y: 20.5 });
    expect(next.nodes[0]).toBe(flow.nodes[0]);
  });

  it("refuses positions that are not numbers", () => {
    expectEditError(() => moveNodes(frozenFlow(), { products: { x: Number.NaN, y: 0 } }), "invalid_input");
  });
});

describe("updateNodeConfig", () => {
  it("replaces the node's config", () => {
    const next = updateNodeConfig(frozenFlow(), "products", { rows: 99 });
    expect(next.nodes[1]?.config).toEqual({ rows: 99 });
    expectValid(next);
  });

  it("refuses an unknown node", () => {
    expectEditError(() => updateNodeConfig(frozenFlow(), "ghost", {}), "unknown_node");
  });
});

describe("setNodeDisabled", () => {
  it("disables a node and enables it again without leaving the field behind", () => {
    const before = frozenFlow();
    const disabled = setNodeDisabled(before, "store", true);
    expect(disabled.nodes.find((n) => n.id === "store")?.disabled).toBe(true);
    const enabled = setNodeDisabled(disabled, "store", false);
    expect(enabled.nodes.find((n) => n.id === "store")).toEqual(before.nodes.find((n) => n.id === "store"));
    expect(FlowSchema.parse(enabled)).toEqual(enabled);
  });

  it("returns the same document when nothing changes, and refuses an unknown node", () => {
    const flow = frozenFlow();
    expect(setNodeDisabled(flow, "store", false)).toBe(flow);
    expectEditError(() => setNodeDisabled(flow, "ghost", true), "unknown_node");
  });
});

describe("setNodeErrorPolicy", () => {
  it("sets a node's own error handling and hands it back to the flow's setting", () => {
    const before = frozenFlow();
    const skipping = setNodeErrorPolicy(before, "store", "skip");
    expect(skipping.nodes.find((n) => n.id === "store")?.onError).toBe("skip");
    const back = setNodeErrorPolicy(skipping, "store", undefined);
    expect(back.nodes.find((n) => n.id === "store")).toEqual(before.nodes.find((n) => n.id === "store"));
    expect(setNodeErrorPolicy(back, "store", undefined)).toBe(back);
  });

  it("refuses an unknown policy and an unknown node", () => {
    expectEditError(() => setNodeErrorPolicy(frozenFlow(), "store", "retry" as never), "invalid_input");
    expectEditError(() => setNodeErrorPolicy(frozenFlow(), "ghost", "skip"), "unknown_node");
  });
});

describe("renameNode", () => {
  it("renames, dropping surrounding spaces", () => {
    expect(renameNode(frozenFlow(), "store", "  Shopify  ").nodes[3]?.label).toBe("Shopify");
  });

  it("refuses an empty or over-long name and an unknown node", () => {
    expectEditError(() => renameNode(frozenFlow(), "store", "   "), "invalid_input");
    expectEditError(() => renameNode(frozenFlow(), "store", "x".repeat(201)), "invalid_input");
    expectEditError(() => renameNode(frozenFlow(), "ghost", "Name"), "unknown_node");
  });
});

describe("updateSettings", () => {
  it("changes the given settings and keeps the others", () => {
    const next = updateSettings(frozenFlow(), { batchSize: 50, timezone: "Europe/Paris" });
    expect(next.settings).toEqual({ batchSize: 50, maxConcurrentRuns: 1, timezone: "Europe/Paris", errorPolicy: "fail", missedSchedules: "once" });
  });

  it("refuses settings out of range", () => {
    expectEditError(() => updateSettings(frozenFlow(), { batchSize: 0 }), "invalid_input", /batchSize/);
    expectEditError(() => updateSettings(frozenFlow(), { timezone: "Nowhere/Land" }), "invalid_input");
  });
});

describe("copySelection / pasteFragment / duplicateSelection", () => {
  it("copies the selected nodes and only the connections between them", () => {
    const fragment = copySelection(frozenFlow(), ["products", "in-stock"]);
    expect(fragment.flowgate).toBe("fragment");
    expect(fragment.nodes.map((n) => n.id)).toEqual(["products", "in-stock"]);
    expect(fragment.edges.map((e) => e.id)).toEqual(["e2"]);
    expect(FlowFragmentSchema.parse(JSON.parse(JSON.stringify(fragment)))).toEqual(fragment);
  });

  it("pastes with fresh ids, remapped connections and an offset", () => {
    const fragment = JSON.parse(JSON.stringify(copySelection(fixtureFlow(), ["products", "in-stock"])));
    const flow = frozenFlow();
    const { flow: next, newNodeIds } = pasteFragment(flow, fragment, { offset: { x: 10, y: 20 }, newId: counterIds() });
    expect(newNodeIds).toEqual(["node-1", "node-2"]);
    expect(next.nodes.slice(4).map((n) => [n.id, n.label, n.position])).toEqual([
      ["node-1", "Fetch products", { x: 210, y: 20 }],
      ["node-2", "In stock", { x: 410, y: 20 }],
    ]);
    expect(next.edges.slice(3)).toEqual([{ id: "edge-3", source: "node-1", sourcePort: "out", target: "node-2", targetPort: "in" }]);
    expect(next.nodes.slice(0, 4)).toEqual(flow.nodes);
  });

  it("refuses clipboard content that is not a well-formed fragment", () => {
    const fragment = copySelection(fixtureFlow(), ["products", "in-stock"]);
    const outside = { ...fragment, edges: [...fragment.edges, { ...fragment.edges[0]!, id: "x", target: "store" }] };
    expectEditError(() => pasteFragment(frozenFlow(), outside), "invalid_input", /not a Flowgate selection/);
    const looped = { ...fragment, edges: [...fragment.edges, { id: "x", source: "in-stock", sourcePort: "kept", target: "products", targetPort: "in" }] };
    expectEditError(() => pasteFragment(frozenFlow(), looped), "cycle");
  });

  it("duplicates the selection 40 right and down by default, with the connections among it", () => {
    const flow = frozenFlow();
    const { flow: next, newNodeIds } = duplicateSelection(flow, ["in-stock", "store"]);
    expect(newNodeIds).toHaveLength(2);
    expect(new Set([...flow.nodes.map((n) => n.id), ...newNodeIds]).size).toBe(6);
    const [filterCopy, storeCopy] = newNodeIds.map((id) => next.nodes.find((n) => n.id === id)!);
    expect(filterCopy?.position).toEqual({ x: 440, y: 40 });
    expect(storeCopy?.config).toEqual({});
    expect(next.edges).toHaveLength(4);
    expect(next.edges[3]).toMatchObject({ source: filterCopy?.id, sourcePort: "kept", target: storeCopy?.id });
    expectValid(next);
  });
});

describe("randomId", () => {
  it("makes short prefixed ids that differ", () => {
    const ids = Array.from({ length: 1000 }, () => randomId("node"));
    expect(new Set(ids).size).toBe(1000);
    expect(ids[0]).toMatch(/^n_[0-9a-f]{12}$/);
    expect(randomId("edge")).toMatch(/^e_/);
  });
});

// ---- Property tests ----------------------------------------------------------------------------

type KindId = (typeof fixtureKinds)[number]["id"];
const kindIds = fixtureKinds.map((k) => k.id);
const kindOf = (node: FlowNode) => fixtureRegistry.get(node.kind)!;

/** Valid configs for every kind at once; the one matching the node's kind is used. */
const configsArb = fc.record({
  "source.fixture": fc.oneof(fc.constant({}), fc.record({ rows: fc.integer({ min: -1e6, max: 1e6 }) })),
  "filter.fixture": fc.record({ expression: fc.string({ minLength: 1, maxLength: 40 }) }),
});
type Configs = typeof configsArb extends fc.Arbitrary<infer C> ? C : never;
const configFor = (kind: string, configs: Configs): Record<string, unknown> =>
  kind in configs ? configs[kind as keyof Configs] : {};

const labelArb = fc.string({ minLength: 1, maxLength: 200 }).filter((s) => s.trim() !== "");
const coordinateArb = fc.integer({ min: -100_000, max: 100_000 });
const positionArb = fc.record({ x: coordinateArb, y: coordinateArb });
const picksArb = fc.array(fc.nat(), { maxLength: 4 });

const nodeSpecArb = fc.record({
  kind: fc.constantFrom<KindId>(...kindIds),
  label: labelArb,
  position: positionArb,
  configs: configsArb,
  disabled: fc.option(fc.boolean(), { nil: undefined }),
});

const wireArb = fc.record({ from: fc.nat(), to: fc.nat(), port: fc.nat() });

/**
 * A valid flow over the fixture registry: an enabled trigger first, then any fixture nodes (more
 * triggers, some disabled). Wires only go from an earlier node to a later one, between ports the
 * kinds have, so the graph is acyclic by construction.
 */
const validFlowArb = fc
  .record({
    trigger: fc.record({ label: labelArb, position: positionArb }),
    others: fc.array(nodeSpecArb, { maxLength: 8 }),
    wires: fc.array(wireArb, { maxLength: 16 }),
  })
  .map(({ trigger, others, wires }) => {
    const nodes = [
      { id: "t0", kind: "trigger.manual", kindVersion: 1, ...trigger, config: {} },
      ...others.map((spec, i) => ({
        id: `n${i + 1}`,
        kind: spec.kind,
        kindVersion: 1,
        label: spec.label,
        position: spec.position,
        config: configFor(spec.kind, spec.configs),
        ...(spec.disabled !== undefined && { disabled: spec.disabled }),
      })),
    ];
    const edges: { id: string; source: string; sourcePort: string; target: string; targetPort: string }[] = [];
    for (const wire of wires) {
      const a = Math.min(wire.from % nodes.length, wire.to % nodes.length);
      const b = Math.max(wire.from % nodes.length, wire.to % nodes.length);
      const source = nodes[a]!;
      const target = nodes[b]!;
      const outputs = fixtureRegistry.get(source.kind)!.outputs;
      const inputs = fixtureRegistry.get(target.kind)!.inputs;
      if (a === b || outputs.length === 0 || inputs.length === 0) continue;
      const edge = { id: `w${edges.length}`, source: source.id, sourcePort: outputs[wire.port % outputs.length]!, target: target.id, targetPort: inputs[0]! };
      const duplicate = edges.some(
        (e) => e.source === edge.source && e.sourcePort === edge.sourcePort && e.target === edge.target && e.targetPort === edge.targetPort,
      );
      if (!duplicate) edges.push(edge);
    }
    return FlowSchema.parse({ schemaVersion: 1, nodes, edges, settings: {} });
  });

const operationArb = fc.oneof(
  fc.record({ op: fc.constant("add" as const), node: nodeSpecArb }),
  fc.record({ op: fc.constant("remove" as const), picks: picksArb }),
  fc.record({ op: fc.constant("connect" as const), from: fc.nat(), to: fc.nat(), port: fc.nat() }),
  fc.record({ op: fc.constant("disconnect" as const), picks: picksArb }),
  fc.record({ op: fc.constant("move" as const), picks: picksArb, position: positionArb }),
  fc.record({ op: fc.constant("rename" as const), pick: fc.nat(), label: labelArb }),
  fc.record({ op: fc.constant("config" as const), pick: fc.nat(), configs: configsArb }),
  fc.record({ op: fc.constant("duplicate" as const), picks: picksArb, offset: positionArb }),
  fc.record({ op: fc.constant("paste" as const), picks: picksArb, offset: fc.option(positionArb, { nil: undefined }) }),
);
type Operation = typeof operationArb extends fc.Arbitrary<infer O> ? O : never;

const pickNodes = (flow: Flow, picks: number[]) =>
  flow.nodes.length === 0 ? [] : picks.map((p) => flow.nodes[p % flow.nodes.length]!.id);
const pickEdges = (flow: Flow, picks: number[]) =>
  flow.edges.length === 0 ? [] : picks.map((p) => flow.edges[p % flow.edges.length]!.id);

/** Independent of the package's graph code on purpose: a plain depth-first search. */
function hasPath(flow: Flow, from: string, to: string): boolean {
  const stack = [from];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const at = stack.pop()!;
    if (at === to) return true;
    if (seen.has(at)) continue;
    seen.add(at);
    for (const e of flow.edges) if (e.source === at) stack.push(e.target);
  }
  return false;
}

function apply(flow: Flow, operation: Operation, newId: NewId): Flow {
  const pick = (n: number) => flow.nodes[n % Math.max(flow.nodes.length, 1)];
  switch (operation.op) {
    case "add": {
      const { kind, label, position, configs, disabled } = operation.node;
      const config = configFor(kind, configs);
      return addNode(flow, { kind, kindVersion: 1, label, position, config, ...(disabled !== undefined && { disabled }) }, { newId });
    }
    case "remove":
      return removeNodes(flow, pickNodes(flow, operation.picks));
    case "connect": {
      const source = pick(operation.from);
      const target = pick(operation.to);
      if (!source || !target) return flow;
      const outputs = kindOf(source).outputs;
      const inputs = kindOf(target).inputs;
      // Only ports the kinds have: port checks are validateFlow's job, not connect's.
      if (outputs.length === 0 || inputs.length === 0) return flow;
      const wire = { source: source.id, sourcePort: outputs[operation.port % outputs.length]!, target: target.id, targetPort: inputs[0]! };
      const shouldRefuse =
        source.id === target.id ||
        flow.edges.some(
          (e) => e.source === wire.source && e.sourcePort === wire.sourcePort && e.target === wire.target && e.targetPort === wire.targetPort,
        ) ||
        hasPath(flow, target.id, source.id);
      try {
        const next = connect(flow, wire, { newId });
        expect(shouldRefuse).toBe(false);
        return next;
      } catch (error) {
        if (!(error instanceof FlowEditError)) throw error;
        expect(shouldRefuse).toBe(true);
        return flow;
      }
    }
    case "disconnect":
      return disconnect(flow, pickEdges(flow, operation.picks));
    case "move":
      return moveNodes(flow, Object.fromEntries(pickNodes(flow, operation.picks).map((id) => [id, operation.position])));
    case "rename": {
      const node = pick(operation.pick);
      return node ? renameNode(flow, node.id, operation.label) : flow;
    }
    case "config": {
      const node = pick(operation.pick);
      return node ? updateNodeConfig(flow, node.id, configFor(node.kind, operation.configs)) : flow;
    }
    case "duplicate":
      return duplicateSelection(flow, pickNodes(flow, operation.picks), { offset: operation.offset, newId }).flow;
    case "paste": {
      // Through JSON, as the clipboard would carry it.
      const clipboard: unknown = JSON.parse(JSON.stringify(copySelection(flow, pickNodes(flow, operation.picks))));
      return pasteFragment(flow, FlowFragmentSchema.parse(clipboard), { offset: operation.offset, newId }).flow;
    }
  }
}

describe("edit operations (properties)", () => {
  it("the generator makes valid flows", () => {
    fc.assert(
      fc.property(validFlowArb, (flow) => {
        expectValid(flow);
      }),
    );
  });

  it("keep a valid flow valid and never change their input", () => {
    fc.assert(
      fc.property(validFlowArb, fc.array(operationArb, { maxLength: 25 }), (start, operations) => {
        const newId = counterIds();
        let flow = start;
        for (const operation of operations) {
          const before = structuredClone(flow);
          const next = apply(deepFreeze(flow), operation, newId);
          expect(flow).toEqual(before);
          flow = next;

          // Removing nodes may remove every enabled trigger; `no_trigger` is then the right answer,
          // not a broken edit. So it is expected exactly when no enabled trigger is left, and every
          // other problem is a failure.
          const hasEnabledTrigger = flow.nodes.some((n) => kindOf(n).category === "trigger" && !n.disabled);
          const problems = validateFlow(flow, fixtureRegistry).problems;
          expect(problems.filter((p) => p.code !== "no_trigger")).toEqual([]);
          expect(problems.some((p) => p.code === "no_trigger")).toBe(!hasEnabledTrigger);
        }
      }),
      { numRuns: 200 },
    );
  });
});
