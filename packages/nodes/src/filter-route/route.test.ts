import { validateFlow, type FlowInput } from "@flowgate/flow";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { fixtureFlow, fixtureKinds, nodeContext, runFixture } from "../testing/fixtures";
import { RouteFilterConfigSchema, routeFilterDefinition, routePorts, type RouteFilterConfig } from "./definition";
import { routeFilter } from "./execute";
import stockLevels from "./fixtures/stock-levels.json";

type Config = z.input<typeof RouteFilterConfigSchema>;

async function route(config: Config, batch: Record<string, unknown>[]) {
  return routeFilter.execute!(nodeContext(routeFilterDefinition, config as RouteFilterConfig), batch);
}

const skus = (records: Record<string, unknown>[] | undefined) => (records ?? []).map((record) => record["sku"]);

const byPrice: Config = {
  routes: [
    { name: "cheap", condition: { mode: "rules", rules: [{ field: "price", operator: "less", value: 10 }] } },
    { name: "mid-range", condition: { mode: "expression", expression: "price < 100" } },
  ],
};

describe("filter.route", () => {
  it("sends each record down the first route it meets, and the rest down “else”", async () => {
    const output = await route(byPrice, [
      { sku: "A", price: 5 },
      { sku: "B", price: 50 },
      { sku: "C", price: 500 },
      { sku: "D", price: "7,50" },
    ]);
    expect(Object.keys(output.ports)).toEqual(["else", "cheap", "mid-range"]);
    expect(skus(output.ports["cheap"])).toEqual(["A", "D"]);
    expect(skus(output.ports["mid-range"])).toEqual(["B"]);
    expect(skus(output.ports["else"])).toEqual(["C"]);
  });

  it("sends a record down every route it meets when firstMatchOnly is off", async () => {
    const output = await route({ ...byPrice, firstMatchOnly: false }, [
      { sku: "A", price: 5 },
      { sku: "B", price: 50 },
      { sku: "C", price: 500 },
    ]);
    expect(skus(output.ports["cheap"])).toEqual(["A"]);
    expect(skus(output.ports["mid-range"])).toEqual(["A", "B"]);
    expect(skus(output.ports["else"])).toEqual(["C"]);
  });

  it("routes with conditions only JSONata's evaluator runs", async () => {
    const output = await route(
      { routes: [{ name: "new", condition: { mode: "expression", expression: "'new' in tags" } }] },
      [
        { sku: "A", tags: ["new"] },
        { sku: "B", tags: ["old"] },
      ],
    );
    expect(skus(output.ports["new"])).toEqual(["A"]);
    expect(skus(output.ports["else"])).toEqual(["B"]);
  });

  it("reports a record whose route cannot be decided by its index, naming the route, and sends it nowhere", async () => {
    const output = await route({ ...byPrice, firstMatchOnly: false }, [
      { sku: "A", price: 5 },
      { sku: "B", price: "5" },
    ]);
    expect(output.errors).toEqual([
      { index: 1, message: expect.stringMatching(/^The route “mid-range”: the condition “price < 100” could not be evaluated on this record: Expression error at position 7: “<” compares the text "5" with the number 100/) },
    ]);
    // "B" met "cheap" (rules read "5" as a number) before its second route failed: it is in no output at all.
    expect(skus(output.ports["cheap"])).toEqual(["A"]);
    expect(skus(output.ports["mid-range"])).toEqual(["A"]);
    expect(skus(output.ports["else"])).toEqual([]);
  });

  it("names its outputs after its routes, in order, then “else”", () => {
    expect(routePorts(RouteFilterConfigSchema.parse(byPrice))).toEqual(["cheap", "mid-range", "else"]);
    expect(routeFilterDefinition.outputs).toEqual(["else"]);
  });

  it("refuses route names that cannot name an output, and the same name twice, at save time", () => {
    const rule = { mode: "rules", rules: [{ field: "x", operator: "is_empty" }] } as const;
    const issues = (names: string[]) =>
      RouteFilterConfigSchema.safeParse({ routes: names.map((name) => ({ name, condition: rule })) }).error?.issues.map((i) => [
        i.path.join("."),
        i.message,
      ]);
    expect(issues(["low-stock", "a1"])).toBeUndefined();
    expect(issues(["Low stock"])).toEqual([["routes.0.name", expect.stringContaining("may only hold lowercase letters, digits and single dashes")]]);
    expect(issues(["low--stock"])?.[0]?.[0]).toBe("routes.0.name");
    expect(issues(["-low"])?.[0]?.[0]).toBe("routes.0.name");
    expect(issues(["else"])).toEqual([["routes.0.name", expect.stringContaining("a name Flowgate uses itself")]]);
    expect(issues(["error"])?.[0]?.[0]).toBe("routes.0.name");
    expect(issues(["low", "high", "low"])).toEqual([["routes.2.name", expect.stringContaining("“low” is the name of an earlier route too")]]);
    expect(issues([])).toEqual([["routes", "Add at least one route"]]);
    const syntax = RouteFilterConfigSchema.safeParse({ routes: [{ name: "a", condition: { mode: "expression", expression: "price <" } }] });
    expect(syntax.error!.issues[0]).toMatchObject({ path: ["routes", 0, "condition", "expression"], message: expect.stringMatching(/^Expression error at position 7/) });
  });

  it("the validator accepts connections from the outputs its routes define, and refuses others", () => {
    expect(validateFlow(stockLevels, fixtureKinds).problems).toEqual([]);
    const typo = structuredClone(stockLevels) as FlowInput;
    typo.edges.find((edge) => edge.id === "e-low")!.sourcePort = "lo";
    expect(validateFlow(typo, fixtureKinds).problems).toEqual([
      expect.objectContaining({
        code: "unknown_port",
        edgeId: "e-low",
        nodeId: "by-stock",
        message: expect.stringContaining("only has the outputs “sold-out”, “low”, “plenty”, “else”"),
      }),
    ]);
  });

  it("fixture: products routed by stock level through the engine", async () => {
    const report = await runFixture(fixtureFlow(stockLevels));
    expect(report.status).toBe("succeeded");
    expect(skus(report.written.get("hide"))).toEqual(["A-1"]);
    expect(skus(report.written.get("reorder"))).toEqual(["A-2"]);
    expect(skus(report.written.get("promote"))).toEqual(["A-3"]);
    expect(skus(report.written.get("other"))).toEqual(["A-4", "A-5"]);
    expect(report.nodes["by-stock"]!.out).toEqual({ "sold-out": 1, low: 1, plenty: 1, else: 2 });
  });
});
