import type { Checkpoint } from "@flowgate/engine";
import { describe, expect, it } from "vitest";
import { configure, createRecorder, fixtureFlow, runFixture, type FixtureRunOptions } from "../testing/fixtures";
import { WebhookTriggerConfigSchema } from "./definition";
import { chooseFormat } from "./execute";
import orderWebhook from "./fixtures/order-webhook.json";

function flow(config: Record<string, unknown> = {}) {
  return fixtureFlow(orderWebhook, (doc) => configure(doc, "hook", config));
}

async function deliver(body: string | Uint8Array, contentType: string | undefined, config: Record<string, unknown> = {}, extra: FixtureRunOptions = {}) {
  const sink = createRecorder();
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const logs: string[] = [];
  const report = await runFixture(flow(config), {
    recorder: sink,
    run: { trigger: { kind: "webhook", body: bytes, ...(contentType !== undefined && { contentType }) } },
    log: (entry) => logs.push(entry.message),
    ...extra,
  });
  return { report, sink, logs };
}

const orders = [
  { id: "A-1", total: 12.5 },
  { id: "A-2", total: 3 },
  { id: "A-3", total: 7.25 },
];

describe("trigger.webhook", () => {
  it("a JSON array becomes records, in the flow's batches", async () => {
    const { report, sink } = await deliver(JSON.stringify(orders), "application/json");
    expect(report.status).toBe("succeeded");
    expect(sink.records).toEqual(orders);
    expect(sink.receivedBatches.map((b) => b.length)).toEqual([2, 1]);
  });

  it("a JSON object is one record", async () => {
    const { sink } = await deliver(JSON.stringify({ id: "A-9", total: 1 }), "application/json; charset=utf-8");
    expect(sink.records).toEqual([{ id: "A-9", total: 1 }]);
  });

  it("a wrapped payload is read at the records path", async () => {
    const { sink } = await deliver(JSON.stringify({ event: "orders.created", data: { items: orders } }), "application/json", { recordsPath: "data.items" });
    expect(sink.records).toEqual(orders);
  });

  it("NDJSON, CSV and XML bodies", async () => {
    const ndjson = orders.map((o) => JSON.stringify(o)).join("\n");
    expect((await deliver(ndjson, "application/x-ndjson")).sink.records).toEqual(orders);
    // No Content-Type: one object per line is recognised as NDJSON.
    expect((await deliver(ndjson, undefined)).sink.records).toEqual(orders);

    const csv = "id;total\nA-1;12,50\nA-2;3\n";
    expect((await deliver(csv, "text/csv")).sink.records).toEqual([
      { id: "A-1", total: "12,50" },
      { id: "A-2", total: "3" },
    ]);
    // "Żółta łódź" as Excel in Poland saves it (windows-1250).
    const polish = Buffer.concat([Buffer.from("sku;nazwa\nP-1;"), Buffer.from([0xaf, 0xf3, 0xb3, 0x74, 0x61, 0x20, 0xb3, 0xf3, 0x64, 0x9f]), Buffer.from("\n")]);
    expect((await deliver(polish, "text/csv", { csv: { encoding: "windows-1250" } })).sink.records).toEqual([{ sku: "P-1", nazwa: "Żółta łódź" }]);

    const xml = `<?xml version="1.0"?><orders>${orders.map((o) => `<order id="${o.id}"><total>${o.total}</total></order>`).join("")}</orders>`;
    const fromXml = await deliver(xml, "application/xml", { recordsPath: "orders.order" });
    expect(fromXml.sink.records).toEqual(orders.map((o) => ({ "@id": o.id, total: String(o.total) })));
    // The configured format wins over a wrong Content-Type.
    expect((await deliver(xml, "text/plain", { format: "xml", recordsPath: "orders.order" })).sink.records).toHaveLength(3);
  });

  it("a malformed body fails the run, naming where", async () => {
    const { report } = await deliver('[{"id": "A-1"},\n {"id": "A-2" "total": 3}]', "application/json");
    expect(report.status).toBe("failed");
    expect(report.error!.nodeId).toBe("hook");
    expect(report.error!.message).toMatch(/webhook's body could not be read as JSON: The JSON is malformed at line 2, column \d+/);

    const xml = await deliver("<orders><order>1</orders>", "application/xml");
    expect(xml.report.error!.message).toMatch(/as XML: The XML is not well-formed at line 1/);

    const csv = await deliver('id,total\nA-1,"12\nA-2,3\n', "text/csv");
    expect(csv.report.error!.message).toMatch(/as CSV: Line 2 opens a quoted value that is never closed/);
  });

  it("an unknown body without a format says what to do", async () => {
    const { report } = await deliver("hello=world", "application/x-www-form-urlencoded");
    expect(report.status).toBe("failed");
    expect(report.error!.message).toMatch(/could not tell the format.*choose the format/);
  });

  it("a run not started by a webhook brings no records and says why", async () => {
    const report = await runFixture(flow());
    expect(report.status).toBe("succeeded");
    expect(report.recordsRead).toBe(0);
    expect(report.logs.map((entry) => entry.message).join("\n")).toMatch(/started by hand, not by a webhook/);
    const empty = await deliver("  \n", "application/json");
    expect(empty.report.recordsRead).toBe(0);
    expect(empty.logs.join("\n")).toMatch(/empty body/);
  });

  it("resumes after the records already brought, and honours the dry run's limit", async () => {
    const controller = new AbortController();
    let saved: Checkpoint | undefined;
    const first = await deliver(JSON.stringify(orders), "application/json", {}, {
      signal: controller.signal,
      checkpoint: {
        async save(checkpoint) {
          saved = structuredClone(checkpoint);
          controller.abort();
        },
      },
    });
    expect(first.sink.records).toEqual(orders.slice(0, 2));
    expect(saved!.cursor).toEqual({ records: 2 });
    const resumed = await deliver(JSON.stringify(orders), "application/json", {}, { resumeFrom: { cursor: saved!.cursor, batchIndex: saved!.batchIndex, counts: saved!.counts } });
    expect(resumed.sink.records).toEqual(orders.slice(2));

    const dry = await deliver(JSON.stringify(orders), "application/json", {}, { run: { mode: "dry-run", trigger: { kind: "webhook", body: new TextEncoder().encode(JSON.stringify(orders)), contentType: "application/json" } }, dryRunLimit: 1 });
    expect(dry.report.recordsRead).toBe(1);
  });

  it("recognises formats by Content-Type and by the body's start", () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    expect(chooseFormat("auto", "application/vnd.api+json", bytes("{}"))).toBe("json");
    expect(chooseFormat("auto", "application/jsonl", bytes("{}"))).toBe("ndjson");
    expect(chooseFormat("auto", "text/xml; charset=iso-8859-2", bytes("<a/>"))).toBe("xml");
    expect(chooseFormat("auto", undefined, bytes('{\n  "a": 1\n}'))).toBe("json");
    expect(chooseFormat("auto", "application/octet-stream", bytes("  <feed/>"))).toBe("xml");
    expect(chooseFormat("csv", "application/json", bytes("{}"))).toBe("csv");
    expect(WebhookTriggerConfigSchema.safeParse({ format: "yaml" }).success).toBe(false);
  });

  it("asks for no signature unless the person turns it on", () => {
    expect(WebhookTriggerConfigSchema.parse({}).requireSignature).toBe(false);
    expect(WebhookTriggerConfigSchema.parse({ requireSignature: true }).requireSignature).toBe(true);
    expect(WebhookTriggerConfigSchema.safeParse({ requireSignature: "yes" }).success).toBe(false);
  });
});
