import { describe, expect, it } from "vitest";
import { fakeKindRegistry, fixture } from "./fixtures";
import { allFakeKinds, numbersSource, recorderDestination } from "./fixtures/kinds";
import { planFlow, PlanError } from "./plan";
import { createImplementationRegistry } from "./registry";
import { fakeImplementation } from "./testing";

const implementations = createImplementationRegistry(allFakeKinds);

function planError(run: () => unknown): PlanError {
  try {
    run();
  } catch (error) {
    if (error instanceof PlanError) return error;
    throw error;
  }
  throw new Error("expected a PlanError");
}

describe("planFlow", () => {
  it("orders the nodes so each runs after everything that feeds it, document order among equals", () => {
    const plan = planFlow(fixture("sync-numbers"), implementations);
    // The document lists the store first and the source in the middle; the plan follows the edges.
    expect(plan.order.map((node) => node.id)).toEqual(["start", "numbers", "double", "even", "store", "rejects"]);
    expect(plan.producer.id).toBe("numbers");
    expect(plan.producerPort).toBe("out");
    expect(plan.destinations.map((node) => node.id)).toEqual(["store", "rejects"]);
    expect(plan.skipped).toEqual([]);
  });

  it("wires each output port to the nodes behind it", () => {
    const plan = planFlow(fixture("sync-numbers"), implementations);
    const even = plan.nodes.get("even")!;
    expect(even.outputs).toEqual({
      kept: [{ id: "e-kept", source: "even", sourcePort: "kept", target: "store", targetPort: "in" }],
      discarded: [{ id: "e-discarded", source: "even", sourcePort: "discarded", target: "rejects", targetPort: "in" }],
    });
    expect(even.inputs.map((edge) => edge.source)).toEqual(["double"]);
    expect(plan.downstreamOf("double")).toEqual(["even", "store", "rejects"]);
    expect(plan.downstreamOf("even")).toEqual(["store", "rejects"]);
    expect(plan.downstreamOf("store")).toEqual([]);
  });

  it("wires the implicit error port and takes each node's error policy, or the flow's", () => {
    const plan = planFlow(
      fixture("check-prices", (f) => {
        f.nodes[2]!.onError = "route";
        f.settings!.errorPolicy = "skip";
      }),
      implementations,
    );
    expect(Object.keys(plan.nodes.get("check")!.outputs)).toEqual(["out", "error"]);
    expect(plan.nodes.get("check")!.errorPolicy).toBe("route");
    expect(plan.nodes.get("store")!.errorPolicy).toBe("skip");
  });

  it("a disabled node and everything reachable only through it do not run", () => {
    const plan = planFlow(
      fixture("sync-numbers", (f) => {
        f.nodes.find((n) => n.id === "even")!.disabled = true;
        // An island nobody connects to.
        f.nodes.push({ id: "island", kind: "transform.double", kindVersion: 1, label: "Island", position: { x: 0, y: 0 } });
      }),
      implementations,
    );
    expect(plan.order.map((node) => node.id)).toEqual(["start", "numbers", "double"]);
    expect(plan.skipped).toEqual([
      { nodeId: "store", reason: "behind_disabled" },
      { nodeId: "rejects", reason: "behind_disabled" },
      { nodeId: "even", reason: "disabled" },
      { nodeId: "island", reason: "not_connected" },
    ]);
  });

  it("a node still reachable another way runs even when one way in is disabled", () => {
    const plan = planFlow(
      fixture("sync-numbers", (f) => {
        f.nodes.find((n) => n.id === "double")!.disabled = true;
        f.edges.push({ id: "e-direct", source: "numbers", target: "even" });
      }),
      implementations,
    );
    expect(plan.order.map((node) => node.id)).toEqual(["start", "numbers", "even", "store", "rejects"]);
  });

  it("refuses a kind this Flowgate cannot run, naming the node", () => {
    const withoutDouble = createImplementationRegistry(allFakeKinds.filter((kind) => kind.definition.id !== "transform.double"));
    const error = planError(() => planFlow(fixture("sync-numbers"), withoutDouble));
    expect(error.message).toBe(
      "Node “Double” uses kind “transform.double”, which this Flowgate cannot run. Replace the node, or disable it to run the flow without it.",
    );
    expect(error.nodeId).toBe("double");
    // Disabled, it is no obstacle.
    expect(() =>
      planFlow(
        fixture("sync-numbers", (f) => (f.nodes.find((n) => n.id === "double")!.disabled = true)),
        withoutDouble,
      ),
    ).not.toThrow();
  });

  it("refuses a kind whose implementation cannot process records", () => {
    const definitionOnly = fakeImplementation({ id: "destination.recorder", label: "Recorder" });
    const registry = createImplementationRegistry([...allFakeKinds.filter((k) => k !== recorderDestination), definitionOnly]);
    const error = planError(() => planFlow(fixture("sync-numbers"), registry));
    expect(error.message).toContain("Node “Save to store” (kind “destination.recorder”) receives records, but this Flowgate has no way to run that kind");
    expect(error.nodeIds).toEqual(["store"]);
  });

  it("refuses more than one record-producing node, naming them", () => {
    const flow = fixture("sync-numbers", (f) => {
      f.nodes.push({ id: "more", kind: "source.numbers", kindVersion: 1, label: "More numbers", position: { x: 0, y: 0 }, config: { count: 1 } });
      f.edges.push({ id: "e-more", source: "start", target: "more" }, { id: "e-more-out", source: "more", target: "double" });
    });
    const error = planError(() => planFlow(flow, implementations));
    expect(error.message).toContain("This flow takes records from more than one place: “Fetch numbers”, “More numbers”.");
    expect(error.nodeIds).toEqual(["numbers", "more"]);
  });

  it("uses a trigger that reads as the record-producing node", () => {
    const flow = fixture("sync-numbers", (f) => {
      f.nodes.push({ id: "hook", kind: "trigger.records", kindVersion: 1, label: "Webhook", position: { x: 0, y: 0 } });
      f.edges.push({ id: "e-hook", source: "hook", target: "double" });
      f.nodes.find((n) => n.id === "start")!.disabled = true;
    });
    const plan = planFlow(flow, implementations);
    expect(plan.producer.id).toBe("hook");
    expect(plan.order.map((node) => node.id)).toEqual(["hook", "double", "even", "store", "rejects"]);
  });

  it("starts from the trigger that fired when asked", () => {
    const flow = fixture("sync-numbers", (f) => {
      f.nodes.push({ id: "hourly", kind: "trigger.manual", kindVersion: 1, label: "Hourly", position: { x: 0, y: 0 } });
      f.nodes.push({ id: "other", kind: "source.numbers", kindVersion: 1, label: "Other", position: { x: 0, y: 0 }, config: { count: 1 } });
      f.edges.push({ id: "e-h", source: "hourly", target: "other" }, { id: "e-o", source: "other", target: "double" });
    });
    expect(() => planFlow(flow, implementations)).toThrow(PlanError);
    expect(planFlow(flow, implementations, { triggerNodeId: "hourly" }).producer.id).toBe("other");
    expect(planFlow(flow, implementations, { triggerNodeId: "start" }).producer.id).toBe("numbers");
  });

  it("refuses a flow where nothing brings records, and a loop", () => {
    const noSource = fixture("sync-numbers", (f) => (f.nodes.find((n) => n.id === "numbers")!.disabled = true));
    expect(planError(() => planFlow(noSource, implementations)).message).toContain("Nothing in this flow brings records");

    // validateFlow refuses loops; the planner must not hang on one either.
    const looped = structuredClone(fixture("sync-numbers"));
    looped.edges.push({ id: "back", source: "even", sourcePort: "discarded", target: "double", targetPort: "in" });
    const error = planError(() => planFlow(looped, implementations));
    expect(error.message).toContain("loop");
    expect(error.nodeIds).toEqual(expect.arrayContaining(["double", "even"]));
  });

  it("checks its fixtures' kinds against the same definitions the engine runs", () => {
    expect(fakeKindRegistry.get(numbersSource.definition.id)).toBe(numbersSource.definition);
  });
});

describe("ports that follow the config", () => {
  it("accepts an edge from a port the kind derives from its config, and refuses one it does not", async () => {
    const { z } = await import("zod");
    const { fakeTrigger } = await import("./testing/index");
    const router = fakeImplementation({
      id: "filter.router",
      category: "filter",
      outputs: ["else"],
      configSchema: z.object({ routes: z.array(z.string()) }),
      execute: async (_ctx, batch) => ({ ports: { else: batch } }),
    });
    (router.definition as { outputsFor?: (config: unknown) => readonly string[] }).outputsFor = (config) => [...(config as { routes: string[] }).routes, "else"];
    const source = fakeImplementation({ id: "source.gen", category: "source", read: async function* () {} });
    const sink = fakeImplementation({ id: "destination.sink", category: "destination", execute: async () => ({ ports: {} }) });
    const registry = createImplementationRegistry([fakeTrigger, source, router, sink]);
    const flow = (port: string) =>
      ({
        schemaVersion: 1,
        nodes: [
          { id: "t", kind: fakeTrigger.definition.id, kindVersion: 1, label: "Start", position: { x: 0, y: 0 }, config: {} },
          { id: "s", kind: "source.gen", kindVersion: 1, label: "Read", position: { x: 0, y: 0 }, config: {} },
          { id: "r", kind: "filter.router", kindVersion: 1, label: "Route", position: { x: 0, y: 0 }, config: { routes: ["cheap", "dear"] } },
          { id: "d", kind: "destination.sink", kindVersion: 1, label: "Write", position: { x: 0, y: 0 }, config: {} },
        ],
        edges: [
          { id: "e1", source: "t", sourcePort: "out", target: "s", targetPort: "in" },
          { id: "e2", source: "s", sourcePort: "out", target: "r", targetPort: "in" },
          { id: "e3", source: "r", sourcePort: port, target: "d", targetPort: "in" },
        ],
        settings: { batchSize: 10, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "fail" },
      }) as Parameters<typeof planFlow>[0];
    expect(planFlow(flow("cheap"), registry).nodes.get("r")?.outputs.cheap).toHaveLength(1);
    expect(() => planFlow(flow("pricey"), registry)).toThrow(/output “pricey”/);
  });
});
