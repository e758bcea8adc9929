import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createKindRegistry } from "./registry";
import type { Flow, FlowInput } from "./schema";
import { emptyFlow } from "./schema";
import { fixtureFlow, fixtureKinds, fixtureRegistry } from "./testing/fixture-registry";
import { validateFlow, type FlowProblem } from "./validate";

/** The fixture flow, changed by `change` (which may break it on purpose). */
function flowWith(change: (flow: FlowInput) => void): FlowInput {
  const flow: FlowInput = structuredClone(fixtureFlow());
  change(flow);
  return flow;
}

function problemsOf(doc: unknown): FlowProblem[] {
  return validateFlow(doc, fixtureRegistry).problems;
}

function node(id: string, kind: string, label = id, config: Record<string, unknown> = {}) {
  return { id, kind, kindVersion: 1, label, position: { x: 0, y: 0 }, config };
}

describe("validateFlow", () => {
  it("accepts a valid flow with zero problems and returns the parsed flow", () => {
    const result = validateFlow(fixtureFlow(), fixtureRegistry);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.flow).toEqual(fixtureFlow());
  });

  it("applies the schema's defaults to the returned flow", () => {
    const result = validateFlow(
      {
        schemaVersion: 1,
        nodes: [node("t", "trigger.manual"), { ...node("d", "destination.fixture"), config: undefined }],
        edges: [{ id: "e", source: "t", target: "d" }],
        settings: {},
      },
      fixtureRegistry,
    );
    expect(result.ok).toBe(true);
    expect(result.flow?.edges[0]).toEqual({ id: "e", source: "t", sourcePort: "out", target: "d", targetPort: "in" });
    expect(result.flow?.nodes[1]?.config).toEqual({});
    expect(result.flow?.settings).toEqual({ batchSize: 1000, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "fail", missedSchedules: "once" });
  });

  it("schema: reports each malformed field with its zod path, in plain words", () => {
    const problems = problemsOf(
      flowWith((f) => {
        (f.nodes[1]!.position as { x: unknown }).x = "left";
        f.settings.batchSize = 0;
      }),
    );
    expect(problems).toEqual([
      {
        code: "schema",
        message: expect.stringContaining("Node “Fetch products”: the field “position.x” should be a number."),
        nodeId: "products",
        path: ["nodes", 1, "position", "x"],
      },
      {
        code: "schema",
        message: expect.stringContaining("The flow setting “batchSize” must be at least 1."),
        path: ["settings", "batchSize"],
      },
    ]);
  });

  it("schema: rejects what is not a flow at all, and documents over the size limits", () => {
    expect(problemsOf("hello")).toEqual([expect.objectContaining({ code: "schema", path: [] })]);
    expect(problemsOf({ ...fixtureFlow(), schemaVersion: 2 })).toEqual([
      expect.objectContaining({ code: "schema", path: ["schemaVersion"] }),
    ]);
    const many = Array.from({ length: 501 }, (_, i) => node(`n${i}`, "trigger.manual"));
    expect(problemsOf({ ...fixtureFlow(), nodes: many })).toEqual([
      expect.objectContaining({ code: "schema", path: ["nodes"], message: expect.stringContaining("at most 500") }),
    ]);
    expect(problemsOf(flowWith((f) => (f.nodes[0]!.id = "x".repeat(65))))).toEqual([
      expect.objectContaining({ code: "schema", path: ["nodes", 0, "id"] }),
    ]);
    expect(problemsOf(flowWith((f) => (f.nodes[0]!.label = "x".repeat(201))))).toEqual([
      expect.objectContaining({ code: "schema", path: ["nodes", 0, "label"] }),
    ]);
    expect(problemsOf(flowWith((f) => (f.settings.timezone = "Mars/Olympus")))).toEqual([
      expect.objectContaining({ code: "schema", path: ["settings", "timezone"] }),
    ]);
    expect(problemsOf(flowWith((f) => (f.nodes[0]!.kind = "manual")))).toEqual([
      expect.objectContaining({ code: "schema", path: ["nodes", 0, "kind"], message: expect.stringContaining("dots") }),
    ]);
  });

  it("duplicate_node_id: reports the second node with that id", () => {
    const problems = problemsOf(flowWith((f) => f.nodes.push(node("store", "destination.fixture", "Save again"))));
    expect(problems).toEqual([
      {
        code: "duplicate_node_id",
        message: expect.stringContaining("Node “Save again” has the id “store”, which node “Save to store” already uses."),
        nodeId: "store",
        path: ["nodes", 4, "id"],
      },
    ]);
  });

  it("duplicate_edge_id: reports the second connection with that id", () => {
    const problems = problemsOf(flowWith((f) => f.edges.push({ id: "e1", source: "in-stock", sourcePort: "discarded", target: "store" })));
    expect(problems).toEqual([
      { code: "duplicate_edge_id", message: expect.stringContaining("“e1”"), edgeId: "e1", path: ["edges", 3, "id"] },
    ]);
  });

  it("unknown_kind: names the node and the kind and says what to do", () => {
    const problems = problemsOf(flowWith((f) => (f.nodes[1]!.kind = "source.ftp")));
    expect(problems).toEqual([
      {
        code: "unknown_kind",
        message: "Node “Fetch products” uses kind “source.ftp”, which this Flowgate does not know. Replace or delete the node.",
        nodeId: "products",
        path: ["nodes", 1, "kind"],
      },
    ]);
  });

  it("unsupported_kind_version: a node made by a newer version of its kind", () => {
    const problems = problemsOf(flowWith((f) => (f.nodes[2]!.kindVersion = 3)));
    expect(problems).toEqual([
      {
        code: "unsupported_kind_version",
        message: expect.stringContaining("version 3 of “Fixture filter”"),
        nodeId: "in-stock",
        path: ["nodes", 2, "kindVersion"],
      },
    ]);
  });

  it("invalid_config: one problem per issue of the kind's config schema, with the field path", () => {
    const registry = createKindRegistry([
      ...fixtureKinds.filter((k) => k.id !== "source.fixture"),
      {
        ...fixtureKinds[1],
        configSchema: z.object({
          rows: z.number(),
          url: z.string().min(1, "Enter the address of the supplier's API"),
          headers: z.object({ accept: z.string() }),
        }),
      },
    ]);
    const doc = flowWith((f) => (f.nodes[1]!.config = { rows: "many", url: "", headers: {} }));
    const result = validateFlow(doc, registry);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      {
        code: "invalid_config",
        message: "Node “Fetch products”: the setting “rows” should be a number. Open the node and correct this setting.",
        nodeId: "products",
        path: ["nodes", 1, "config", "rows"],
      },
      {
        code: "invalid_config",
        // The kind author's own message wins over the generic wording.
        message: "Node “Fetch products”: the setting “url”: Enter the address of the supplier's API. Open the node and correct this setting.",
        nodeId: "products",
        path: ["nodes", 1, "config", "url"],
      },
      {
        code: "invalid_config",
        message: "Node “Fetch products”: the setting “headers.accept” is missing. Open the node and correct this setting.",
        nodeId: "products",
        path: ["nodes", 1, "config", "headers", "accept"],
      },
    ]);
  });

  it("invalid_config: disabled nodes are still checked", () => {
    const problems = problemsOf(
      flowWith((f) => {
        f.nodes[2]!.disabled = true;
        f.nodes[2]!.config = { expression: "" };
      }),
    );
    expect(problems).toEqual([
      expect.objectContaining({ code: "invalid_config", nodeId: "in-stock", path: ["nodes", 2, "config", "expression"] }),
    ]);
    expect(problems[0]?.message).toContain("must not be empty");
  });

  it("dangling_edge: a connection to or from a node that is not there", () => {
    const problems = problemsOf(
      flowWith((f) => {
        f.edges.push({ id: "to-nowhere", source: "products", target: "ghost" });
        f.edges.push({ id: "from-nowhere", source: "phantom", target: "store" });
      }),
    );
    expect(problems).toEqual([
      {
        code: "dangling_edge",
        message:
          "The connection from “Fetch products” to a node that is not in this flow (id “ghost”) is broken: its end is missing. Delete the connection.",
        edgeId: "to-nowhere",
        path: ["edges", 3, "target"],
      },
      {
        code: "dangling_edge",
        message: expect.stringContaining("from a node that is not in this flow (id “phantom”) to “Save to store” is broken: its start"),
        edgeId: "from-nowhere",
        path: ["edges", 4, "source"],
      },
    ]);
  });

  it("unknown_port: an output the source kind lacks, an input the target kind lacks", () => {
    const problems = problemsOf(
      flowWith((f) => {
        f.edges[1]!.sourcePort = "rows";
        f.edges[2]!.targetPort = "side";
      }),
    );
    expect(problems).toEqual([
      {
        code: "unknown_port",
        message: expect.stringContaining("output “rows”, but “Fetch products” only has the output “out”."),
        edgeId: "e2",
        nodeId: "products",
        path: ["edges", 1, "sourcePort"],
      },
      {
        code: "unknown_port",
        message: expect.stringContaining("input “side”, but “Save to store” only has the input “in”."),
        edgeId: "e3",
        nodeId: "store",
        path: ["edges", 2, "targetPort"],
      },
    ]);
  });

  it("unknown_port: a connection out of a destination, which has no outputs", () => {
    const problems = problemsOf(flowWith((f) => f.nodes.push(node("end", "destination.fixture")) && f.edges.push({ id: "e9", source: "store", target: "end" })));
    expect(problems).toEqual([
      expect.objectContaining({ code: "unknown_port", edgeId: "e9", nodeId: "store", path: ["edges", 3, "sourcePort"] }),
    ]);
    expect(problems[0]?.message).toContain("has no outputs");
  });

  it("unknown_port: a kind whose outputs come from its config (outputsFor) is checked against them", () => {
    const router = {
      id: "filter.router",
      version: 1,
      label: "Router",
      category: "filter",
      configSchema: z.object({ routes: z.array(z.string().min(1)).min(1) }),
      inputs: ["in"],
      outputs: ["else"],
      outputsFor: (config: { routes: string[] }) => [...config.routes, "else"],
    } as const;
    const registry = createKindRegistry([...fixtureKinds, router]);
    const doc = (routes: unknown, port: string) =>
      flowWith((f) => {
        f.nodes.push(node("route", "filter.router", "By stock", { routes }));
        f.edges.push({ id: "e-in", source: "products", target: "route" });
        f.edges.push({ id: "e-out", source: "route", sourcePort: port, target: "store" });
      });
    expect(validateFlow(doc(["cheap", "dear"], "dear"), registry).problems).toEqual([]);
    expect(validateFlow(doc(["cheap", "dear"], "else"), registry).problems).toEqual([]);
    expect(validateFlow(doc(["cheap"], "dear"), registry).problems).toEqual([
      expect.objectContaining({
        code: "unknown_port",
        edgeId: "e-out",
        nodeId: "route",
        message: expect.stringContaining("only has the outputs “cheap”, “else”"),
      }),
    ]);
    // A config that does not parse is reported on the node, not again on each of its connections.
    expect(validateFlow(doc([], "dear"), registry).problems.map((p) => p.code)).toEqual(["invalid_config"]);
  });

  it("error port: any node with inputs has the implicit “error” output, and a node may choose its own error policy", () => {
    const result = validateFlow(
      flowWith((f) => {
        f.nodes[2]!.onError = "route";
        f.nodes.push(node("failed", "destination.fixture", "Failed rows"));
        f.edges.push({ id: "e-err", source: "in-stock", sourcePort: "error", target: "failed" });
        f.edges.push({ id: "e-src-err", source: "products", sourcePort: "error", target: "failed" });
      }),
      fixtureRegistry,
    );
    expect(result.problems).toEqual([]);
    expect(result.flow?.nodes[2]?.onError).toBe("route");
    expect(problemsOf(flowWith((f) => ((f.nodes[2] as { onError?: unknown }).onError = "ignore")))).toEqual([
      expect.objectContaining({ code: "schema", nodeId: "in-stock", path: ["nodes", 2, "onError"] }),
    ]);
  });

  it("error port: a trigger receives no records, so a connection from its “error” output is refused", () => {
    const problems = problemsOf(
      flowWith((f) => {
        f.nodes.push(node("failed", "destination.fixture", "Failed rows"));
        f.edges.push({ id: "e-err", source: "start", sourcePort: "error", target: "failed" });
      }),
    );
    expect(problems).toEqual([
      {
        code: "unknown_port",
        message: expect.stringContaining("“Start” receives no records, so it has no error output. Connect it from “out” instead."),
        edgeId: "e-err",
        nodeId: "start",
        path: ["edges", 3, "sourcePort"],
      },
    ]);
  });

  it("trigger_has_input: a connection into a trigger (and no port problem on top)", () => {
    const problems = problemsOf(flowWith((f) => f.edges.push({ id: "back", source: "in-stock", sourcePort: "discarded", target: "start" })));
    expect(problems).toEqual([
      {
        code: "trigger_has_input",
        message: expect.stringContaining("“Start” is a trigger"),
        edgeId: "back",
        nodeId: "start",
        path: ["edges", 3, "target"],
      },
      // The edge back into the trigger also closes a loop.
      expect.objectContaining({ code: "cycle" }),
    ]);
  });

  it("cycle: names the nodes of the loop in order and points at the edge that closes it", () => {
    const problems = problemsOf(flowWith((f) => f.edges.push({ id: "loop", source: "in-stock", sourcePort: "discarded", target: "products" })));
    expect(problems).toEqual([
      {
        code: "cycle",
        message: expect.stringContaining("“Fetch products” → “In stock” → back to “Fetch products”"),
        nodeId: "products",
        nodeIds: ["products", "in-stock"],
        edgeId: "loop",
        path: ["edges", 3],
      },
    ]);
  });

  it("cycle: a node connected to itself, and two separate loops give two problems", () => {
    const problems = problemsOf(
      flowWith((f) => {
        f.nodes.push(node("a", "source.fixture"), node("b", "source.fixture"));
        f.edges.push(
          { id: "self", source: "products", target: "products" },
          { id: "ab", source: "a", target: "b" },
          { id: "ba", source: "b", target: "a" },
        );
      }),
    );
    expect(problems.map((p) => [p.code, p.nodeIds, p.edgeId])).toEqual([
      ["cycle", ["products"], "self"],
      ["cycle", ["a", "b"], "ba"],
    ]);
    expect(problems[0]?.message).toContain("connected to itself");
  });

  it("no_trigger: a flow without a trigger, or whose triggers are all disabled", () => {
    expect(problemsOf(emptyFlow())).toEqual([
      { code: "no_trigger", message: expect.stringContaining("no trigger"), path: ["nodes"] },
    ]);
    const disabled = problemsOf(flowWith((f) => (f.nodes[0]!.disabled = true)));
    expect(disabled).toEqual([{ code: "no_trigger", message: expect.stringContaining("“Start” is disabled"), path: ["nodes"] }]);
    expect(problemsOf(flowWith((f) => f.nodes.push({ ...node("t2", "trigger.manual"), disabled: true })))).toEqual([]);
  });

  it("returns every problem of a document with several, not only the first", () => {
    const doc = flowWith((f) => {
      f.nodes[0]!.kind = "trigger.cron"; // unknown kind, so no trigger either
      f.nodes[2]!.config = {}; // missing expression
      f.nodes.push(node("products", "source.fixture", "Copy")); // duplicate id
      f.edges.push({ id: "e2", source: "store", sourcePort: "out", target: "nowhere" }); // duplicate id, dangling, port
      f.edges.push({ id: "loop", source: "in-stock", sourcePort: "kept", target: "products" }); // cycle
    });
    const codes = problemsOf(doc).map((p) => p.code);
    expect(codes).toEqual([
      "unknown_kind",
      "invalid_config",
      "duplicate_node_id",
      "duplicate_edge_id",
      "dangling_edge",
      "unknown_port",
      "cycle",
      "no_trigger",
    ]);
  });

  it("does not change the document it is given", () => {
    const doc: Flow = fixtureFlow();
    const before = structuredClone(doc);
    validateFlow(doc, fixtureRegistry);
    expect(doc).toEqual(before);
  });

  it("reports a cycle exactly when the graph has one, and each reported cycle is a real loop", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 20 }),
        (count, pairs) => {
          const nodes = [node("t", "trigger.manual"), ...Array.from({ length: count }, (_, i) => node(`s${i}`, "source.fixture"))];
          const edges = pairs.map(([a, b], i) => ({ id: `e${i}`, source: `s${a % count}`, target: `s${b % count}` }));
          const flow = { schemaVersion: 1, nodes, edges, settings: {} };
          const cycles = problemsOf(flow).filter((p) => p.code === "cycle");

          // Oracle: a node is on a loop if following edges from it leads back to it.
          const next = (id: string) => edges.filter((e) => e.source === id).map((e) => e.target);
          const onLoop = (start: string) => {
            const seen = new Set<string>();
            const stack = next(start);
            while (stack.length > 0) {
              const at = stack.pop()!;
              if (at === start) return true;
              if (!seen.has(at)) (seen.add(at), stack.push(...next(at)));
            }
            return false;
          };
          expect(cycles.length > 0).toBe(nodes.some((n) => onLoop(n.id)));
          for (const cycle of cycles) {
            const ids = cycle.nodeIds!;
            ids.forEach((id, i) => {
              const to = ids[(i + 1) % ids.length];
              expect(edges.some((e) => e.source === id && e.target === to)).toBe(true);
            });
            const closing = edges.find((e) => e.id === cycle.edgeId)!;
            expect([closing.source, closing.target]).toEqual([ids[ids.length - 1], ids[0]]);
            expect(new Set(ids).size).toBe(ids.length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
