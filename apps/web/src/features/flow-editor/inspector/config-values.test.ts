import { validateFlow } from "@flowgate/flow";
import { kindRegistry } from "@flowgate/nodes/definitions";
import { describe, expect, it } from "vitest";
import { configPathOf, configProblemsOf, fieldProblemText, getAt, setAt } from "./config-values";

describe("setAt and getAt", () => {
  it("writes at a path without changing the value given, creating what is missing", () => {
    const config = Object.freeze({ url: "/a", pagination: Object.freeze({ mode: "page" }) });
    const next = setAt(config, ["pagination", "pageSize"], 1000);
    expect(next).toEqual({ url: "/a", pagination: { mode: "page", pageSize: 1000 } });
    expect(config).toEqual({ url: "/a", pagination: { mode: "page" } });
    expect(setAt({}, ["fields", 0, "target"], "price")).toEqual({ fields: [{ target: "price" }] });
    expect(getAt(next, ["pagination", "pageSize"])).toBe(1000);
    expect(getAt(next, ["missing", 0])).toBeUndefined();
  });

  it("removes a key set to undefined: an optional setting left empty is absent", () => {
    expect(setAt({ url: "/a", recordsPath: "data" }, ["recordsPath"], undefined)).toEqual({ url: "/a" });
  });
});

describe("problems in the form", () => {
  const node = (id: string, kind: string, config: unknown) => ({ id, kind, kindVersion: 1, label: "Supplier", position: { x: 0, y: 0 }, config });
  const problems = validateFlow(
    {
      schemaVersion: 1,
      nodes: [node("t", "trigger.manual", {}), node("h", "source.http", { url: "" }), node("p", "destination.postgres", { table: "t", keyColumns: ["sku"] })],
      edges: [],
      settings: {},
    },
    kindRegistry,
  ).problems;

  it("keeps the config problems of a node, with paths inside its config", () => {
    const http = configProblemsOf(problems.filter((p) => p.nodeId === "h"));
    expect(http.map((p) => p.path)).toEqual([["url"]]);
    expect(configPathOf(["nodes", 1, "label"])).toBeNull();
    expect(configPathOf(["url"])).toEqual(["url"]);
  });

  it("words a problem to sit under its field", () => {
    const [url] = configProblemsOf(problems.filter((p) => p.nodeId === "h"));
    expect(fieldProblemText(url!.message, "URL")).toBe(
      "URL is empty: enter a path such as /products (relative to the connection's base URL) or a full https:// address.",
    );
    const [connection] = configProblemsOf(problems.filter((p) => p.nodeId === "p"));
    expect(fieldProblemText(connection!.message, "Connection")).toBe("Connection is missing.");
    expect(fieldProblemText("Node “X”: the setting “table”: Enter a table name, such as shop.products. Open the node and correct this setting.", "Table")).toBe(
      "Enter a table name, such as shop.products.",
    );
    expect(fieldProblemText("Something else entirely.", "Table")).toBe("Something else entirely.");
  });
});
