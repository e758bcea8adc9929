import { describe, expect, it } from "vitest";
import { fixtureFlow } from "../testing/fixture-registry";
import { FLOW_FILE_KIND, serializeFlowFile, type FlowFile } from "./format";
import { findExcessDepth, MAX_FLOW_FILE_BYTES, MAX_FLOW_FILE_DEPTH, utf8Size } from "./limits";
import { parseFlowFile } from "./parse";

const file = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  schemaVersion: 1,
  kind: FLOW_FILE_KIND,
  name: "Prices",
  description: "Supplier prices into the shop",
  document: fixtureFlow(),
  connections: [],
  ...overrides,
});
const text = (value: unknown) => JSON.stringify(value);
const problemsOf = (source: string) => {
  const parsed = parseFlowFile(source);
  return parsed.ok ? [] : parsed.problems;
};

/** A file whose node config nests `levels` arrays, as valid JSON. */
function nestedFile(levels: number): string {
  const document = fixtureFlow();
  document.nodes[1]!.config = { rows: 5, deep: "__DEEP__" };
  return text(file({ document })).replace('"__DEEP__"', "[".repeat(levels) + "]".repeat(levels));
}

describe("parseFlowFile", () => {
  it("reads a file with its envelope, and upgrades an old document inside it", () => {
    const old = fixtureFlow() as unknown as Record<string, unknown>;
    delete old["schemaVersion"];
    delete old["settings"];
    const parsed = parseFlowFile(serializeFlowFile(file({ document: old }) as unknown as FlowFile));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.file).toMatchObject({ schemaVersion: 1, kind: FLOW_FILE_KIND, name: "Prices", description: "Supplier prices into the shop", connections: [] });
    expect(parsed.file.document["schemaVersion"]).toBe(1);
    expect(parsed.file.document["settings"]).toEqual({});
  });

  it("refuses text that is not JSON, not an object, or not a flow file, saying which", () => {
    expect(problemsOf('{"kind": "flowgate.flow",')[0]!.message).toMatch(/^The file is not valid JSON \(.+\)\. Check that you chose a flow file/);
    expect(problemsOf("[1, 2]")[0]!.message).toMatch(/should hold one JSON object with “kind”: “flowgate.flow”/);
    expect(problemsOf(text(file({ kind: "flowgate.workspace" })))).toEqual([
      { path: ["kind"], message: expect.stringMatching(/is of kind "flowgate.workspace", so it is not a Flowgate flow file/) },
    ]);
    expect(problemsOf(text(file({ kind: "flowgate.template" })))[0]!.message).toMatch(/a template file, not a flow file: import it in the template gallery/);
    expect(problemsOf(text(fixtureFlow()))[0]!.message).toMatch(/bare flow document, not a flow file/);
  });

  it("refuses a file from a newer Flowgate, and a version Flowgate never wrote", () => {
    expect(problemsOf(text(file({ schemaVersion: 2 })))[0]).toEqual({
      path: ["schemaVersion"],
      message: expect.stringMatching(/newer Flowgate \(file format version 2; this Flowgate reads up to version 1\)\. Update Flowgate/),
    });
    expect(problemsOf(text(file({ schemaVersion: "1" })))[0]!.message).toMatch(/“schemaVersion” is "1", which Flowgate never writes/);
    expect(problemsOf(text(file({ document: { ...fixtureFlow(), schemaVersion: 9 } })))[0]).toEqual({
      path: ["document"],
      message: expect.stringMatching(/saved by a newer Flowgate \(flow format version 9/),
    });
  });

  it("lists every problem of the envelope at once", () => {
    const problems = problemsOf(
      text(
        file({
          name: "  ",
          description: 42,
          document: undefined,
          connections: [{ ref: "connection-1", kind: "http", name: "Supplier" }, { ref: "connection-1", kind: "http", name: "Again" }, { ref: "", kind: "http" }, "x"],
        }),
      ),
    );
    expect(problems.map((p) => p.path)).toEqual([["name"], ["description"], ["connections", 1, "ref"], ["connections", 2, "ref"], ["connections", 2, "name"], ["connections", 3], ["document"]]);
    expect(problems[2]!.message).toMatch(/reuses the ref “connection-1”/);
  });

  it("refuses more than 5 MB before reading it, with its size", () => {
    const huge = `{"kind":"flowgate.flow","x":"${"a".repeat(50 * 1024 * 1024)}"`; // not even valid JSON: never parsed
    const started = performance.now();
    expect(problemsOf(huge)).toEqual([{ path: [], message: expect.stringMatching(/^The file is too large \(50 MB\): a Flowgate flow file can be at most 5 MB\. Check that you chose a flow file exported from Flowgate/) }]);
    // Refused on its length alone: no scan of 50 million characters (a generous bound, not a benchmark).
    expect(performance.now() - started).toBeLessThan(1000);

    // The limit is in UTF-8 bytes: 3 MB of “€” (3 bytes each) is 9 MB.
    expect(problemsOf(`"${"€".repeat(3 * 1024 * 1024)}"`)[0]!.message).toMatch(/too large \(9 MB\)/);
    // Exactly 5 MB is read; one byte more is not.
    const padded = (bytes: number) => {
      const body = text(file({ document: { ...fixtureFlow(), padding: "" } }));
      return body.replace('"padding":""', `"padding":"${"x".repeat(bytes - body.length)}"`);
    };
    expect(padded(MAX_FLOW_FILE_BYTES).length).toBe(MAX_FLOW_FILE_BYTES);
    expect(parseFlowFile(padded(MAX_FLOW_FILE_BYTES)).ok).toBe(true);
    expect(problemsOf(padded(MAX_FLOW_FILE_BYTES + 1))[0]!.message).toMatch(/^The file is too large \(5 MB\)/);
  });

  it("refuses 10,000 levels of nesting without a stack overflow, and accepts 64", () => {
    expect(problemsOf(nestedFile(10_000))).toEqual([
      { path: [], message: expect.stringMatching(/nests lists and groups more than 64 levels deep \(line 1, column \d+\)/) },
    ]);
    // Brackets alone, not even JSON: the scan never needs a parser.
    expect(problemsOf("[".repeat(1_000_000))[0]!.message).toMatch(/more than 64 levels deep \(line 1, column 65\)/);
    // The file's own levels (file → document → nodes → node → config) count: 59 more fit.
    expect(parseFlowFile(nestedFile(MAX_FLOW_FILE_DEPTH - 5)).ok).toBe(true);
    expect(parseFlowFile(nestedFile(MAX_FLOW_FILE_DEPTH - 4)).ok).toBe(false);
  });
});

describe("findExcessDepth", () => {
  it("ignores brackets in strings, escaped quotes included, and reports the line and column", () => {
    expect(findExcessDepth(`{"a": "[[[[[[", "b": "\\"[[[["}`, 1)).toBeUndefined();
    expect(findExcessDepth(`{"a": "\\\\", "b": [1]}`, 1)).toEqual({ line: 1, column: 18 });
    expect(findExcessDepth('{\n  "a": [\n    [1]\n  ]\n}', 2)).toEqual({ line: 3, column: 5 });
    expect(findExcessDepth("[[]][[]]", 2)).toBeUndefined();
  });
});

describe("utf8Size", () => {
  it("counts UTF-8 bytes", () => {
    expect(utf8Size("aé€😀")).toBe(1 + 2 + 3 + 4);
  });
});
