import type { Checkpoint, FlowRecord } from "@flowgate/engine";
import { MemoryState } from "@flowgate/engine/testing";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { fixtureFlow, nodeContext, runFixture, sourceRecords } from "../testing/fixtures";
import { ApprovalReviewConfigSchema, approvalReviewDefinition, type ApprovalReviewConfig } from "./definition";
import { approvalReview } from "./execute";
import priceReview from "./fixtures/price-review.json";

type Config = z.input<typeof ApprovalReviewConfigSchema>;

function review(config: Config, batch: FlowRecord[]) {
  return approvalReview.execute!(nodeContext(approvalReviewDefinition, config as ApprovalReviewConfig, { nodeId: "review" }), batch);
}

const PRICE_RULE = 'op = "update" and $abs(after.price - before.price) / before.price < 0.1';
const update = (sku: string, from: number, to: number): FlowRecord => ({
  sku,
  price: to,
  _change: { op: "update", before: { sku, price: from }, changedFields: ["price"] },
});
const skus = (records: FlowRecord[] | undefined) => (records ?? []).map((r) => r["sku"]);

describe("approval.review", () => {
  it("holds each change with its key, operation, before, after and changed fields", async () => {
    const output = await review({ keyField: "sku" }, [
      update("A-1", 10, 12),
      { sku: "A-2", price: 5, _change: { op: "create", before: null, changedFields: ["sku", "price"] } },
      { sku: "A-3", price: 7, _change: { op: "delete", before: { sku: "A-3", price: 7 }, changedFields: [] } },
    ]);
    expect(output.ports).toEqual({ approved: [], rejected: [] });
    expect(output.errors).toBeUndefined();
    expect(output.held).toEqual([
      { index: 0, key: "A-1", op: "update", before: { sku: "A-1", price: 10 }, after: { sku: "A-1", price: 12 }, changedFields: ["price"] },
      { index: 1, key: "A-2", op: "create", after: { sku: "A-2", price: 5 }, changedFields: ["sku", "price"] },
      { index: 2, key: "A-3", op: "delete", before: { sku: "A-3", price: 7 }, changedFields: [] },
    ]);
  });

  it("rules decide at once: auto-reject first, then auto-approve; both are reported with the rule", async () => {
    const batch = [update("A-1", 100, 105), update("A-2", 100, 150), update("A-3", 100, 0), update("A-4", 100, 95)];
    const output = await review({ keyField: "sku", autoApprove: PRICE_RULE, autoReject: "after.price <= 0" }, batch);
    expect(skus(output.ports["approved"])).toEqual(["A-1", "A-4"]);
    expect(skus(output.ports["rejected"])).toEqual(["A-3"]);
    // The records go on as they came (with their _change), not copies without it.
    expect(output.ports["approved"]![0]).toBe(batch[0]);
    expect(output.held!.map((h) => [h.key, h.decisionSource])).toEqual([
      ["A-1", "auto-approve"],
      ["A-2", undefined],
      ["A-3", "auto-reject"],
      ["A-4", "auto-approve"],
    ]);
  });

  it("sends a decided record (sent back by the resume task) to its port as it is, and never holds it again", async () => {
    const approved = { ...update("A-1", 100, 150), _approval: { decision: "approved", by: "u1", at: "2026-01-01T00:00:00Z" } };
    const rejected = { ...update("A-2", 100, 150), _approval: { decision: "rejected", by: null } };
    const output = await review({ keyField: "sku", autoReject: "true" }, [approved, rejected]);
    expect(output.ports["approved"]).toEqual([approved]);
    expect(output.ports["rejected"]).toEqual([rejected]);
    expect(output.held).toEqual([]);
  });

  it("takes the key from _change.key without a key field; without either, each record fails naming the node and the setting", async () => {
    const keyed = await review({}, [{ price: 1, _change: { op: "create", before: null, changedFields: ["price"], key: "K-9" } }]);
    expect(keyed.held!.map((h) => h.key)).toEqual(["K-9"]);

    const unkeyed = await review({}, [update("A-1", 1, 2)]);
    expect(unkeyed.held).toEqual([]);
    expect(unkeyed.errors).toEqual([{ index: 0, message: expect.stringMatching(/^Node “Approval” cannot tell which record this is: set “Key field”/) }]);
    const blank = await review({ keyField: "ean" }, [update("A-1", 1, 2)]);
    expect(blank.errors![0]!.message).toMatch(/no value in the key field “ean”/);
  });

  it("a record without change detection's _change is an update of all its fields", async () => {
    const output = await review({ keyField: "sku" }, [{ sku: "A-1", price: 3 }]);
    expect(output.held).toEqual([{ index: 0, key: "A-1", op: "update", after: { sku: "A-1", price: 3 }, changedFields: ["sku", "price"] }]);
  });

  it("a rule that fails on a record is that record's error; the others go on", async () => {
    const output = await review({ keyField: "sku", autoApprove: "$number(after.label) > 1" }, [
      { sku: "A-1", label: "x" },
      { sku: "A-2", label: "5" },
    ]);
    expect(output.errors).toEqual([{ index: 0, key: "A-1", message: expect.stringMatching(/^The approval rule could not be evaluated on this record/) }]);
    expect(skus(output.ports["approved"])).toEqual(["A-2"]);
  });

  it("fixture: change detection → review → shop; creates wait, small price moves pass, big ones wait, a zero price is refused", async () => {
    const state = new MemoryState();
    const saved: Checkpoint[] = [];
    const checkpoint = { save: async (c: Checkpoint) => void saved.push(structuredClone(c)) };
    const first = await runFixture(fixtureFlow(priceReview), { state, checkpoint });
    expect(first.status).toBe("succeeded");
    expect(first.written.get("shop")).toBeUndefined();
    expect(first.nodes["review"]).toMatchObject({ in: 4, held: 4 });
    expect(saved.flatMap((c) => c.held ?? []).map((h) => [h.key, h.op, h.decisionSource])).toEqual([
      ["A-1", "create", undefined],
      ["A-2", "create", undefined],
      ["A-3", "create", undefined],
      ["A-4", "create", undefined],
    ]);

    saved.length = 0;
    const second = await runFixture(
      fixtureFlow(priceReview, (flow) => {
        const records = sourceRecords(flow);
        records[0]!["price"] = 105; // +5 %: approved by the rule
        records[1]!["price"] = 300; // +50 %: waits
        records[2]!["price"] = 0; // refused by the rule
      }),
      { state, checkpoint },
    );
    expect(second.status).toBe("succeeded");
    expect(skus(second.written.get("shop"))).toEqual(["A-1"]);
    expect(skus(second.written.get("refused"))).toEqual(["A-3"]);
    const held = saved.flatMap((c) => c.held ?? []);
    expect(held.map((h) => [h.key, h.decisionSource])).toEqual([
      ["A-1", "auto-approve"],
      ["A-2", undefined],
      ["A-3", "auto-reject"],
    ]);
    expect(held[1]).toMatchObject({ nodeId: "review", op: "update", before: { sku: "A-2", name: "Table", price: 200 }, after: { sku: "A-2", name: "Table", price: 300 }, changedFields: ["price"] });
    expect(held[1]!.record).toMatchObject({ sku: "A-2", price: 300, _change: { op: "update" } });
    expect(second.nodes["review"]).toMatchObject({ in: 3, out: { approved: 1, rejected: 1 }, held: 1 });
  });
});
