import { describe, expect, it } from "vitest";
import { fixtureFlow, fixtureRegistry } from "./testing/fixture-registry";
import { CURRENT_SCHEMA_VERSION, FlowUpgradeError, parseFlow, upgradeFlow } from "./upgrade";
import { validateFlow } from "./validate";

/** The pre-release shape: no schemaVersion, no settings, edges without ports. */
const versionZero = {
  nodes: [
    { id: "start", kind: "trigger.manual", kindVersion: 1, label: "Start", position: { x: 0, y: 0 }, config: {} },
    { id: "filter", kind: "filter.fixture", kindVersion: 1, label: "Only cheap", position: { x: 200, y: 0 }, config: { expression: "price < 10" } },
    { id: "store", kind: "destination.fixture", kindVersion: 1, label: "Store", position: { x: 400, y: 0 }, config: {} },
  ],
  edges: [
    { id: "e1", source: "start", target: "filter" },
    { id: "e2", source: "filter", sourcePort: "kept", target: "store" },
  ],
};

describe("upgradeFlow / parseFlow", () => {
  it("upgrades a version 0 document to a valid current one without changing the original", () => {
    const original = structuredClone(versionZero);
    const upgraded = upgradeFlow(versionZero);
    expect(versionZero).toEqual(original);
    expect(upgraded.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(upgraded["settings"]).toEqual({});
    expect(upgraded["edges"]).toEqual([
      { id: "e1", source: "start", sourcePort: "out", target: "filter", targetPort: "in" },
      { id: "e2", source: "filter", sourcePort: "kept", target: "store", targetPort: "in" },
    ]);

    const flow = parseFlow(versionZero);
    expect(flow.settings).toEqual({ batchSize: 1000, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "fail", missedSchedules: "once" });
    expect(validateFlow(flow, fixtureRegistry)).toMatchObject({ ok: true, problems: [] });
  });

  it("keeps the settings a version 0 document had", () => {
    expect(parseFlow({ ...versionZero, settings: { batchSize: 50 } }).settings.batchSize).toBe(50);
  });

  it("passes a current document through unchanged", () => {
    const doc = fixtureFlow();
    expect(upgradeFlow(doc)).toBe(doc);
    expect(parseFlow(doc)).toEqual(doc);
  });

  it("refuses a document from a newer Flowgate with a clear error", () => {
    const future = { ...fixtureFlow(), schemaVersion: CURRENT_SCHEMA_VERSION + 1 };
    expect(() => upgradeFlow(future)).toThrow(FlowUpgradeError);
    expect(() => parseFlow(future)).toThrow(/saved by a newer Flowgate .*version 2.*Update Flowgate/);
  });

  it("refuses what is not a flow document", () => {
    expect(() => upgradeFlow(null)).toThrow(FlowUpgradeError);
    expect(() => upgradeFlow([])).toThrow(/not a Flowgate flow/);
    expect(() => upgradeFlow({ ...versionZero, schemaVersion: "1" })).toThrow(/schema version “1”/);
    expect(() => upgradeFlow({ ...versionZero, schemaVersion: -1 })).toThrow(FlowUpgradeError);
  });

  it("parseFlow throws when the upgraded document is still malformed", () => {
    expect(() => parseFlow({ nodes: "none", edges: [] })).toThrow();
  });
});
