import { describe, expect, it } from "vitest";
import { FlowSchema } from "../schema";
import { buildFlowFile } from "./build";
import { assignConnections, connectionFields } from "./connections";
import { flowFileName, serializeFlowFile, type FlowFile } from "./format";
import { fileTestRegistry as registry } from "./testing";
import { checkFlowFile } from "./validate";

const SUPPLIER = "conn_7f3a_supplier";
const SHOP = "conn_91bc_shop";
const known = new Map([
  [SUPPLIER, { kind: "http", name: "Supplier API" }],
  [SHOP, { kind: "postgres", name: "Shop database" }],
]);

const node = (id: string, kind: string, config: Record<string, unknown>, x: number) => ({ id, kind, kindVersion: 1, label: id, position: { x, y: 0 }, config });
/** start → two API sources (the same connection) → one table. */
function workspaceFlow() {
  return FlowSchema.parse({
    schemaVersion: 1,
    nodes: [
      node("start", "trigger.manual", {}, 0),
      node("products", "source.api", { connectionId: SUPPLIER, path: "/products" }, 200),
      node("stock", "source.api", { connectionId: SUPPLIER, path: "/stock" }, 200),
      node("public", "source.api", { path: "https://open.example/feed" }, 200),
      node("shop", "destination.db", { connectionId: SHOP, table: "shop.products" }, 400),
    ],
    edges: [
      { id: "e1", source: "start", target: "products" },
      { id: "e2", source: "start", target: "stock" },
      { id: "e3", source: "start", target: "public" },
      { id: "e4", source: "products", target: "shop" },
      { id: "e5", source: "stock", target: "shop" },
      { id: "e6", source: "public", target: "shop" },
    ],
    settings: {},
  });
}

const exported = (document: unknown = workspaceFlow()) =>
  buildFlowFile({ name: "Supplier → shop", description: "Hourly stock", document, registry, connections: known });
const configOf = (file: FlowFile | { document: Record<string, unknown> }, index: number) =>
  (file.document["nodes"] as { config: Record<string, unknown> }[])[index]!.config;

describe("buildFlowFile", () => {
  it("replaces each connection id by a ref, listed once with its kind and name, and leaves the document given alone", () => {
    const document = workspaceFlow();
    const before = structuredClone(document);
    const file = exported(document);
    expect(document).toEqual(before);
    expect(file).toMatchObject({ schemaVersion: 1, kind: "flowgate.flow", name: "Supplier → shop", description: "Hourly stock" });
    expect(file.connections).toEqual([
      { ref: "connection-1", kind: "http", name: "Supplier API" },
      { ref: "connection-2", kind: "postgres", name: "Shop database" },
    ]);
    expect([1, 2, 3, 4].map((i) => configOf(file, i)["connectionId"])).toEqual(["connection-1", "connection-1", undefined, "connection-2"]);
    expect(Object.keys(configOf(file, 3))).toEqual(["path"]);
    const text = serializeFlowFile(file);
    expect(text).not.toContain(SUPPLIER);
    expect(text).not.toContain(SHOP);
    expect(text.endsWith("}\n")).toBe(true);
  });

  it("drops an id it does not know (a deleted connection) and any connectionId of an unknown kind", () => {
    const document = workspaceFlow();
    document.nodes[4]!.config["connectionId"] = "conn_deleted";
    document.nodes.push(node("odd", "plugin.thing", { connectionId: "conn_elsewhere", mode: "x" }, 600));
    const file = exported(document);
    expect(file.connections.map((c) => c.ref)).toEqual(["connection-1"]);
    expect(configOf(file, 4)).toEqual({ table: "shop.products" });
    expect(configOf(file, 5)).toEqual({ mode: "x" });
    expect(serializeFlowFile(file)).not.toMatch(/conn_/);
  });
});

describe("checkFlowFile", () => {
  it("accepts what buildFlowFile wrote, and assignConnections empties every connection field for import", () => {
    const check = checkFlowFile(serializeFlowFile(exported()), registry);
    expect(check).toMatchObject({ ok: true, problems: [] });
    if (!check.ok) return;
    const { document, unassigned } = assignConnections(check.file.document, registry);
    expect(unassigned.map((f) => [f.nodeId, f.value, f.connectionKind, f.path])).toEqual([
      ["products", "connection-1", "http", ["nodes", 1, "config", "connectionId"]],
      ["stock", "connection-1", "http", ["nodes", 2, "config", "connectionId"]],
      ["shop", "connection-2", "postgres", ["nodes", 4, "config", "connectionId"]],
    ]);
    expect(connectionFields(document, registry).map((f) => f.value)).toEqual([undefined, undefined, undefined, undefined]);
    // Modulo the connection fields, the document is the one exported.
    const original = workspaceFlow();
    for (const n of original.nodes) delete n.config["connectionId"];
    expect(document).toEqual(original);
  });

  it("assigns chosen connections by ref (installing a template) and empties the rest", () => {
    const { document, unassigned } = assignConnections(exported().document, registry, new Map([["connection-2", "conn_mine"]]));
    expect(configOf({ document }, 4)["connectionId"]).toBe("conn_mine");
    expect(unassigned.map((f) => f.nodeId)).toEqual(["products", "stock"]);
  });

  it("lists every problem: unknown kinds by name, the flow's problems, and refs that do not resolve", () => {
    const file = exported();
    const nodes = file.document["nodes"] as ReturnType<typeof node>[];
    nodes.push(node("x", "foo.bar", {}, 600), { ...node("y", "vendor.sync", {}, 700), label: "Sync to ERP" });
    nodes[1]!.config["connectionId"] = "connection-9";
    nodes[2]!.config["connectionId"] = "connection-2"; // a postgres connection on an http step
    nodes[3]!.config = { path: "" };
    file.connections.push({ ref: "connection-3", kind: "http", name: "Unused" });
    const check = checkFlowFile(serializeFlowFile(file), registry);
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([
      { path: ["document", "nodes", 5, "kind"], message: expect.stringMatching(/^Unknown step kind “foo\.bar” at node “x”\. This Flowgate has no such step/) },
      { path: ["document", "nodes", 6, "kind"], message: expect.stringMatching(/^Unknown step kind “vendor\.sync” at node “Sync to ERP” \(id “y”\)\./) },
      { path: ["document", "nodes", 3, "config", "path"], message: expect.stringMatching(/^Node “public”: the setting “path” must not be empty/) },
      {
        path: ["document", "nodes", 1, "config", "connectionId"],
        message: "Step “products” uses the connection “connection-9”, which is not in the file's “connections” list. Add it there, or remove the step's connection.",
      },
      {
        path: ["document", "nodes", 2, "config", "connectionId"],
        message: "Step “stock” needs a connection of kind “http”, but “connection-2” (“Shop database”) is of kind “postgres”. Correct the file.",
      },
    ]);
  });

  it("does not count a missing connection as a problem (import leaves it for the person to pick)", () => {
    const document = workspaceFlow();
    delete document.nodes[4]!.config["connectionId"];
    expect(checkFlowFile(serializeFlowFile(exported(document)), registry)).toMatchObject({ ok: true });
  });

  it("refuses a non-string connection, and a graph the validator refuses, with paths into the file", () => {
    const file = exported();
    const nodes = file.document["nodes"] as ReturnType<typeof node>[];
    nodes[1]!.config["connectionId"] = 7;
    (file.document["edges"] as unknown[]).push({ id: "e7", source: "shop", sourcePort: "out", target: "missing", targetPort: "in" });
    const check = checkFlowFile(serializeFlowFile(file), registry);
    expect(check.problems.map((p) => p.path)).toEqual([
      ["document", "edges", 6, "target"],
      ["document", "edges", 6, "sourcePort"],
      ["document", "nodes", 1, "config", "connectionId"],
    ]);
  });
});

describe("flowFileName", () => {
  it("makes a plain file name of any flow name", () => {
    expect(flowFileName("Supplier → shop (EU)")).toBe("supplier-shop-eu.flow.json");
    expect(flowFileName("Łódź ceny, Grüße")).toBe("lodz-ceny-grusse.flow.json");
    expect(flowFileName("→ ← ✓")).toBe("flow.flow.json");
    expect(flowFileName("x".repeat(200))).toBe(`${"x".repeat(80)}.flow.json`);
  });
});
