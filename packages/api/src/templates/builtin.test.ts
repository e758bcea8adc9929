import { FLOW_FILE_KIND, FLOW_FILE_VERSION, validateFlowFile, type FlowFile } from "@flowgate/flow";
import { kindRegistry } from "@flowgate/nodes/definitions";
import { describe, expect, it } from "vitest";
import { applyParameters, resolveParameters } from "../services/templates";
import { BUILTIN_TEMPLATES } from "./index";

const SAMPLE: Record<string, string> = { url: "https://supplier.example/list.csv", feedUrl: "https://shop.example/feed.xml" };

describe.each(BUILTIN_TEMPLATES.map((t) => [t.id, t] as const))("built-in template %s", (_id, template) => {
  const fileOf = (document: Record<string, unknown>): FlowFile => ({
    schemaVersion: FLOW_FILE_VERSION,
    kind: FLOW_FILE_KIND,
    name: template.title,
    description: template.description,
    document,
    connections: template.connections,
  });

  it("is a valid flow whose connection refs are all listed, of the right kind, with each parameter aimed at a node", () => {
    expect(validateFlowFile(fileOf(template.document), kindRegistry)).toEqual([]);
    const nodeIds = (template.document["nodes"] as { id: string }[]).map((n) => n.id);
    for (const parameter of template.parameters) {
      expect(parameter.targets.length, parameter.key).toBeGreaterThan(0);
      for (const target of parameter.targets) expect(nodeIds, parameter.key).toContain(target.nodeId);
    }
    const used = (template.document["nodes"] as { config: { connectionId?: string } }[]).flatMap((n) => n.config.connectionId ?? []);
    expect(new Set(used)).toEqual(new Set(template.connections.map((c) => c.ref)));
    expect(template.title.length).toBeLessThanOrEqual(120);
    expect(template.description.length).toBeGreaterThan(80);
  });

  it("stays valid with its parameters filled in", () => {
    const given = Object.fromEntries(template.parameters.filter((p) => p.default === null).map((p) => [p.key, SAMPLE[p.key] ?? "x"]));
    const document = applyParameters(template.document, template.parameters, resolveParameters(template.parameters, given));
    expect(validateFlowFile(fileOf(document), kindRegistry)).toEqual([]);
  });
});

describe("the built-in templates", () => {
  it("are six, with distinct ids, in the categories the gallery knows", () => {
    expect(BUILTIN_TEMPLATES).toHaveLength(6);
    expect(new Set(BUILTIN_TEMPLATES.map((t) => t.id)).size).toBe(6);
    for (const t of BUILTIN_TEMPLATES) expect(["products", "orders", "files", "databases", "other"]).toContain(t.category);
  });
});
