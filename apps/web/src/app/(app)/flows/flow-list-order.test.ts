import { describe, expect, it } from "vitest";
import { matchesSearch, orderFlows } from "./flow-list-order";

const flows = [
  { name: "Flow 10", updatedAt: "2025-01-03T00:00:00.000Z", lastRun: null },
  { name: "Supplier prices → shop", updatedAt: "2025-01-01T00:00:00.000Z", lastRun: { createdAt: "2025-01-05T00:00:00.000Z" } },
  { name: "Flow 2", updatedAt: "2025-01-02T00:00:00.000Z", lastRun: { createdAt: "2025-01-04T00:00:00.000Z" } },
];

describe("orderFlows", () => {
  it("sorts names with numbers in order", () => {
    expect(orderFlows(flows, "", "name").map((f) => f.name)).toEqual(["Flow 2", "Flow 10", "Supplier prices → shop"]);
  });

  it("puts the most recently updated first", () => {
    expect(orderFlows(flows, "", "updated").map((f) => f.name)).toEqual(["Flow 10", "Flow 2", "Supplier prices → shop"]);
  });

  it("puts the latest run first and flows that never ran last", () => {
    expect(orderFlows(flows, "", "lastRun").map((f) => f.name)).toEqual(["Supplier prices → shop", "Flow 2", "Flow 10"]);
  });

  it("keeps only flows matching the search", () => {
    expect(orderFlows(flows, "flow", "name").map((f) => f.name)).toEqual(["Flow 2", "Flow 10"]);
  });
});

describe("matchesSearch", () => {
  it("matches every word in any order, ignoring case and accents", () => {
    expect(matchesSearch("Supplier prices → shop", "SHOP price")).toBe(true);
    expect(matchesSearch("Zamówienia do sklepu", "zamowienia")).toBe(true);
    expect(matchesSearch("Supplier prices", "orders")).toBe(false);
    expect(matchesSearch("Anything", "  ")).toBe(true);
  });
});
