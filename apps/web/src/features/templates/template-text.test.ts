import { describe, expect, it } from "vitest";
import { connectionChoices, initialParameterValues, kindChain, parseTags, readParameter, readParameters, usesText, type TemplateParameter } from "./template-text";

const param = (over: Partial<TemplateParameter>): TemplateParameter => ({ key: "k", label: "Threshold", description: "", type: "text", required: true, default: null, ...over });

describe("kindChain", () => {
  const labels: Record<string, string> = { "trigger.schedule": "Schedule", "source.http": "HTTP API", "transform.map": "Map", "dest.pg": "PostgreSQL" };
  it("names each step by its label, once per run of the same kind", () => {
    expect(kindChain(["trigger.schedule", "source.http", "transform.map", "transform.map", "dest.pg"], (k) => labels[k])).toEqual(["Schedule", "HTTP API", "Map", "PostgreSQL"]);
  });
  it("keeps an unknown kind's id and shortens long chains", () => {
    expect(kindChain(["a", "b", "c", "d", "e", "f", "g"], () => undefined)).toEqual(["a", "b", "c", "d", "+3 more"]);
  });
});

describe("parameters", () => {
  it("reads numbers with a dot and refuses anything else", () => {
    expect(readParameter(param({ type: "number" }), " 10.5 ")).toEqual({ value: 10.5 });
    expect(readParameter(param({ type: "number" }), "10,5")).toHaveProperty("error");
    expect(readParameter(param({ type: "number" }), "1e999")).toHaveProperty("error");
  });
  it("takes only http and https addresses", () => {
    expect(readParameter(param({ type: "url" }), "https://example.com/feed.xml")).toEqual({ value: "https://example.com/feed.xml" });
    expect(readParameter(param({ type: "url" }), "javascript:alert(1)")).toEqual({ error: "Threshold should start with https:// or http://." });
    expect(readParameter(param({ type: "url" }), "example.com")).toHaveProperty("error");
  });
  it("takes a select's own options only", () => {
    const select = param({ type: "select", options: [{ value: "daily", label: "Daily" }] });
    expect(readParameter(select, "daily")).toEqual({ value: "daily" });
    expect(readParameter(select, "hourly")).toHaveProperty("error");
  });
  it("asks for required values and leaves optional empty ones out", () => {
    const result = readParameters([param({ key: "a" }), param({ key: "b", required: false }), param({ key: "c", type: "number" })], { a: "", b: "", c: "3" });
    expect(result).toEqual({ ok: false, errors: { a: "Fill in Threshold." } });
    expect(readParameters([param({ key: "b", required: false })], { b: " " })).toEqual({ ok: true, values: {} });
  });
  it("starts from the defaults", () => {
    expect(initialParameterValues([param({ key: "a", default: 10 }), param({ key: "b" })])).toEqual({ a: "10", b: "" });
  });
});

describe("tags, uses and connections", () => {
  it("splits tags by comma without repeats", () => {
    expect(parseTags("stock, prices ,Stock,,")).toEqual({ tags: ["stock", "prices"] });
    expect(parseTags(Array.from({ length: 11 }, (_, i) => `t${i}`).join(","))).toHaveProperty("error");
    expect(parseTags("x".repeat(41))).toHaveProperty("error");
  });
  it("says how often a template was used", () => {
    expect([0, 1, 1200].map(usesText)).toEqual(["Not used yet", "Used once", "Used 1,200 times"]);
  });
  it("offers connections of the needed kind and picks the only one", () => {
    const available = [
      { id: "1", kind: "postgres", name: "Shop" },
      { id: "2", kind: "http", name: "Supplier" },
      { id: "3", kind: "http", name: "Other" },
    ];
    const choices = connectionChoices([{ ref: "db", kind: "postgres" }, { ref: "api", kind: "http" }, { ref: "x", kind: "ftp" }], available);
    expect(choices["db"]).toEqual({ options: [available[0]], initial: "1" });
    expect(choices["api"]!.initial).toBe("");
    expect(choices["x"]).toEqual({ options: [], initial: "" });
  });
});
