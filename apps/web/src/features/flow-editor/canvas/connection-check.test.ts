import { describe, expect, it } from "vitest";
import { connectionProblem } from "./connection-check";
import { sampleFlow } from "./test-flows";

describe("connectionProblem", () => {
  const flow = sampleFlow();

  it("accepts an output joined to another node's input", () => {
    expect(connectionProblem(flow, { source: "f", sourceHandle: "discarded", target: "d", targetHandle: "in" })).toBeNull();
    expect(connectionProblem(flow, { source: "s", sourceHandle: "error", target: "d", targetHandle: "in" })).toBeNull();
  });

  it("refuses a trigger as target, a loop, a node joined to itself and a second identical connection, saying why", () => {
    expect(connectionProblem(flow, { source: "s", sourceHandle: "out", target: "t", targetHandle: "in" })).toMatch(/“Start” is a trigger/);
    expect(connectionProblem(flow, { source: "f", sourceHandle: "kept", target: "s", targetHandle: "in" })).toMatch(/would make a loop/);
    expect(connectionProblem(flow, { source: "f", sourceHandle: "kept", target: "f", targetHandle: "in" })).toMatch(/connected to itself/);
    expect(connectionProblem(flow, { source: "f", sourceHandle: "kept", target: "d", targetHandle: "in" })).toMatch(/already connected/);
  });

  it("refuses ports the nodes do not have", () => {
    expect(connectionProblem(flow, { source: "f", sourceHandle: "gone", target: "d", targetHandle: "in" })).toMatch(/no output “gone”/);
    expect(connectionProblem(flow, { source: "f", sourceHandle: "kept", target: "d", targetHandle: "side" })).toMatch(/no input “side”/);
    expect(connectionProblem(flow, { source: "t", sourceHandle: "error", target: "d", targetHandle: "in" })).toMatch(/no output “error”/);
  });
});
