import type { FlowRecord, NodeDefinition } from "@flowgate/engine";
import { fakeImplementation } from "@flowgate/engine/testing";
import { createKindRegistry, validateFlow, type Flow, type FlowInput } from "@flowgate/flow";
import { readFileSync } from "node:fs";

/**
 * Test support shared by the HTTP kinds' tests (source.http, destination.http, trigger.webhook):
 * a destination that keeps what reaches it, and fixture flows checked by the one validator.
 */
export function collector() {
  const batches: FlowRecord[][] = [];
  const implementation = fakeImplementation({
    id: "destination.collect",
    label: "Collect",
    execute: (_ctx, batch) => {
      batches.push(batch);
      return { ports: {} };
    },
  });
  return {
    implementation,
    batches,
    get records(): FlowRecord[] {
      return batches.flat();
    },
  };
}

/** A fixture flow (JSON beside the test), optionally changed, validated against the kinds it uses. */
export function loadFixture(url: URL, kinds: readonly NodeDefinition[], change?: (flow: FlowInput) => void): Flow {
  const doc = JSON.parse(readFileSync(url, "utf8")) as FlowInput;
  change?.(doc);
  const result = validateFlow(doc, createKindRegistry(kinds));
  if (!result.ok) throw new Error(`Fixture ${url.pathname} is not valid: ${result.problems.map((p) => p.message).join(" | ")}`);
  return result.flow;
}
