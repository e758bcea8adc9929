import { describe, expect, it } from "vitest";
import { FlowSchema } from "../schema";
import { templateFileName } from "./format";
import { buildTemplateFile, checkTemplateFile, parseTemplateFile, serializeTemplateFile, type TemplateFile } from "./template";
import { fileTestRegistry as registry } from "./testing";

const node = (id: string, kind: string, config: Record<string, unknown>, x: number) => ({ id, kind, kindVersion: 1, label: id, position: { x, y: 0 }, config });

/** start → API source (connection “supplier”) → table (connection “shop”), refs in the connection fields. */
function templateDocument() {
  return FlowSchema.parse({
    schemaVersion: 1,
    nodes: [
      node("start", "trigger.manual", {}, 0),
      node("products", "source.api", { connectionId: "supplier", path: "/products" }, 200),
      node("shop", "destination.db", { connectionId: "shop", table: "shop.products" }, 400),
    ],
    edges: [
      { id: "e1", source: "start", target: "products" },
      { id: "e2", source: "products", target: "shop" },
    ],
    settings: {},
  }) as unknown as Record<string, unknown>;
}

function template(overrides: Partial<TemplateFile> = {}): Omit<TemplateFile, "schemaVersion" | "kind"> {
  return {
    title: "Supplier → shop",
    description: "Copies products.",
    category: "products",
    tags: ["supplier"],
    document: templateDocument(),
    connections: [
      { ref: "supplier", kind: "http", name: "Supplier API", description: "Your supplier's API." },
      { ref: "shop", kind: "postgres", name: "Shop database", description: "The shop's database." },
    ],
    parameters: [
      { key: "table", label: "Table", description: "The table.", type: "text", required: true, default: "shop.products", targets: [{ nodeId: "shop", path: ["table"] }] },
      {
        key: "mode",
        label: "Mode",
        description: "",
        type: "select",
        required: false,
        default: "a",
        options: [{ value: "a", label: "A" }],
        targets: [{ nodeId: "products", path: ["path"], text: "/{{value}}" }],
      },
    ],
    ...overrides,
  };
}

const text = (value: unknown) => JSON.stringify(value);
const fileValue = (overrides: Record<string, unknown> = {}) => ({ ...buildTemplateFile(template(), registry), ...overrides });
const problemsOf = (value: unknown) => {
  const check = checkTemplateFile(typeof value === "string" ? value : text(value), registry);
  return check.ok ? [] : check.problems;
};

describe("template files", () => {
  it("round-trip: build → serialize → check gives back the same template", () => {
    const file = buildTemplateFile(template(), registry);
    expect(file).toMatchObject({ schemaVersion: 1, kind: "flowgate.template" });
    const check = checkTemplateFile(serializeTemplateFile(file), registry);
    expect(check).toEqual({ ok: true, file, problems: [] });
    expect(templateFileName("Supplier → shop (EU)")).toBe("supplier-shop-eu.template.json");
  });

  it("build copies only the known fields and empties a connection field that is not one of the refs", () => {
    const document = templateDocument();
    (document["nodes"] as { config: Record<string, unknown> }[])[2]!.config["connectionId"] = "conn_real_id_123";
    const leaky = template({ document, connections: [{ ref: "supplier", kind: "http", name: "Supplier API", description: "", settings: { password: "p" } } as never] });
    const serialized = serializeTemplateFile(buildTemplateFile(leaky, registry));
    expect(serialized).not.toContain("conn_real_id_123");
    expect(serialized).not.toContain("password");
  });

  it("parses with the flow file's limits: too large, too deep, not JSON, wrong kind (a flow file is pointed to Flows)", () => {
    expect(problemsOf(" ".repeat(6 * 1024 * 1024))[0]!.message).toMatch(/too large \(6 MB\): a Flowgate template file can be at most 5 MB/);
    expect(problemsOf(`{"a": ${"[".repeat(100)}${"]".repeat(100)}}`)[0]!.message).toMatch(/more than 64 levels deep .* a Flowgate template file never does/);
    expect(problemsOf("{")[0]!.message).toMatch(/not valid JSON/);
    expect(problemsOf(fileValue({ kind: "flowgate.flow" }))).toEqual([{ path: ["kind"], message: expect.stringMatching(/a flow file, not a template file: import it on the Flows page/) }]);
    expect(problemsOf(fileValue({ schemaVersion: 2 }))[0]!.message).toMatch(/newer Flowgate/);
  });

  it("lists every problem of the envelope and the parameters at once", () => {
    const bad = fileValue({
      title: "",
      category: "toys",
      tags: ["ok", 5],
      parameters: [
        { key: "table", label: "Table", type: "text", targets: [{ nodeId: "shop", path: ["__proto__", "x"] }] },
        { key: "table", label: "", type: "colour", targets: [] },
        { key: "mode", label: "Mode", type: "select", default: "z", options: [{ value: "a", label: "A" }], targets: [{ nodeId: "shop", path: ["table"] }] },
      ],
    });
    expect(problemsOf(bad).map((p) => p.path)).toEqual([
      ["title"],
      ["category"],
      ["tags", 1],
      ["parameters", 0, "targets", 0, "path"],
      ["parameters", 1, "key"],
      ["parameters", 1, "label"],
      ["parameters", 1, "type"],
      ["parameters", 1, "targets"],
      ["parameters", 2, "default"],
    ]);
    expect(problemsOf(bad)[1]!.message).toMatch(/“category” is "toys"; it should be one of “products”/);
  });

  it("validates the flow: unknown kinds by name, refs not listed, parameters aimed at missing steps", () => {
    const document = templateDocument();
    const nodes = document["nodes"] as Record<string, unknown>[];
    nodes[1]!["kind"] = "source.teleport";
    nodes[1]!["label"] = "Beam me";
    (nodes[2]!["config"] as Record<string, unknown>)["connectionId"] = "nowhere";
    const bad = fileValue({ document, parameters: [{ key: "x", label: "X", type: "text", targets: [{ nodeId: "ghost", path: ["a"] }] }] });
    const problems = problemsOf(bad);
    expect(problems.map((p) => p.message).join("\n")).toMatch(/Unknown step kind “source.teleport” at node “Beam me”/);
    expect(problems).toContainEqual({ path: ["document", "nodes", 2, "config", "connectionId"], message: expect.stringMatching(/“nowhere”, which is not in the file's “connections”/) });
    expect(problems).toContainEqual({ path: ["parameters", 0, "targets", 0, "nodeId"], message: expect.stringMatching(/the step “ghost”, which the template's flow does not have/) });
  });

  it("keeps the connections' descriptions and checks them", () => {
    const parsed = parseTemplateFile(text(fileValue()));
    expect(parsed.ok && parsed.file.connections[0]!.description).toBe("Your supplier's API.");
    const bad = fileValue({ connections: [{ ref: "supplier", kind: "http", name: "S", description: 5 }] });
    expect(problemsOf(bad)).toContainEqual({ path: ["connections", 0, "description"], message: expect.stringMatching(/should be text/) });
  });
});
