import { MAX_FLOW_FILE_BYTES } from "@flowgate/flow";
import { describe, expect, it } from "vitest";
import { checkFlowFileText, checkPickedFile, dragHasFiles, problemLocation, problemsFromMessage } from "./flow-file-check";

const validFile = JSON.stringify({
  schemaVersion: 1,
  kind: "flowgate.flow",
  name: "Prices <script>alert(1)</script>",
  document: { schemaVersion: 1, nodes: [], edges: [] },
  connections: [{ ref: "shop", kind: "postgres", name: "Shop DB" }],
});

function picked(text: string, size = new TextEncoder().encode(text).length) {
  let read = false;
  return {
    size,
    get read() {
      return read;
    },
    text: async () => {
      read = true;
      return text;
    },
  };
}

describe("checkPickedFile", () => {
  it("accepts a flow file and keeps its name as text", async () => {
    const check = await checkPickedFile(picked(validFile));
    expect(check).toMatchObject({ ok: true, name: "Prices <script>alert(1)</script>", connections: [{ ref: "shop" }] });
  });

  it("refuses a 50 MB file from its size, without reading it", async () => {
    const file = picked("", 50 * 1024 * 1024);
    const check = await checkPickedFile(file);
    expect(file.read).toBe(false);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.problems[0]!.message).toMatch(/too large \(50 MB\).*at most 5 MB/);
  });

  it("refuses 10,000 levels of nesting before parsing, saying where", async () => {
    const deep = `{"kind":"flowgate.flow","x":${"[".repeat(10_000)}${"]".repeat(10_000)}}`;
    const check = await checkPickedFile(picked(deep));
    expect(!check.ok && check.problems[0]!.message).toMatch(/more than 64 levels deep \(line 1, column/);
  });

  it("says when the file could not be read", async () => {
    const check = await checkPickedFile({ size: 10, text: () => Promise.reject(new Error("gone")) });
    expect(!check.ok && check.problems[0]!.message).toMatch(/could not be read/);
  });

  it("lists every envelope problem at once", () => {
    const check = checkFlowFileText(JSON.stringify({ schemaVersion: 1, kind: "flowgate.flow", name: "", connections: "no" }));
    expect(check.ok).toBe(false);
    expect(!check.ok && check.problems.map((p) => p.path[0])).toEqual(["name", "connections", "document"]);
  });

  it("refuses a text just over the limit", () => {
    const check = checkFlowFileText(" ".repeat(MAX_FLOW_FILE_BYTES + 1));
    expect(!check.ok && check.problems[0]!.message).toMatch(/too large/);
  });
});

describe("problem text", () => {
  it("shows where a problem is, counting list positions from 1", () => {
    expect(problemLocation(["connections", 0, "ref"])).toBe("connections › 1 › ref");
    expect(problemLocation([])).toBeNull();
  });

  it("splits the server's refusal into its problems", () => {
    const message = "The file has 2 problem(s), so nothing was imported:\n• Unknown kind “x.y”.\n• Step “A” needs a connection.";
    expect(problemsFromMessage(message).map((p) => p.message)).toEqual(["Unknown kind “x.y”.", "Step “A” needs a connection."]);
    expect(problemsFromMessage("Network down")).toEqual([{ path: [], message: "Network down" }]);
  });

  it("takes only drags that carry files", () => {
    expect(dragHasFiles(["Files"])).toBe(true);
    expect(dragHasFiles(["text/plain", "text/uri-list"])).toBe(false);
  });
});

describe("checkPickedFile for a template", () => {
  const template = {
    schemaVersion: 1,
    kind: "flowgate.template",
    title: "Supplier → shop",
    description: "",
    category: "products",
    tags: [],
    document: { schemaVersion: 1, nodes: [], edges: [] },
    connections: [],
    parameters: [],
  };
  it("accepts a template file, names a flow file given for a template, and lists every envelope problem", async () => {
    expect(await checkPickedFile(picked(JSON.stringify(template)), "template")).toMatchObject({ ok: true, name: "Supplier → shop" });
    const flow = await checkPickedFile(picked(validFile), "template");
    expect(flow).toEqual({ ok: false, problems: [{ path: ["kind"], message: expect.stringMatching(/a flow file, not a template file/) }] });
    const bad = await checkPickedFile(picked(JSON.stringify({ ...template, title: "", category: "toys" })), "template");
    expect(bad.ok ? [] : bad.problems.map((p) => p.path)).toEqual([["title"], ["category"]]);
    const huge = await checkPickedFile({ size: 6 * 1024 * 1024, text: () => Promise.reject(new Error("not read")) }, "template");
    expect(huge).toEqual({ ok: false, problems: [{ path: [], message: expect.stringMatching(/a Flowgate template file can be at most 5 MB/) }] });
  });
});
