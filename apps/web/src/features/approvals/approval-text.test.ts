import { describe, expect, it } from "vitest";
import {
  approverText,
  changesText,
  decidingText,
  decisionToast,
  fieldDiffs,
  fieldDiffText,
  formatNumber,
  formatNumericChange,
  formatPercent,
  formatValue,
  itemDecidedByText,
  itemName,
  numericChange,
  opCountsText,
} from "./approval-text";

describe("numericChange and formatNumericChange", () => {
  it("reads a price rise with its percent, keeping the decimals as written", () => {
    const change = numericChange("12.00", "15.00");
    expect(change).toMatchObject({ before: 12, after: 15, delta: 3, percent: 25, decimals: 2 });
    expect(formatNumericChange(change!)).toBe("12.00 → 15.00 (+25.0 %)");
  });

  it("pads to two decimals once either side has any", () => {
    expect(formatNumericChange(numericChange(12.5, 10)!)).toBe("12.50 → 10.00 (−20.0 %)");
  });

  it("keeps whole numbers whole", () => {
    expect(formatNumericChange(numericChange(40, 41)!)).toBe("40 → 41 (+2.5 %)");
  });

  it("has no percent from 0 and shows the signed difference instead", () => {
    expect(numericChange(0, 5)?.percent).toBeNull();
    expect(formatNumericChange(numericChange(0, 5)!)).toBe("0 → 5 (+5)");
  });

  it("measures the percent against the size of a negative base", () => {
    expect(numericChange(-10, -5)?.percent).toBe(50);
  });

  it("is null when a side is not a number", () => {
    expect(numericChange("abc", 3)).toBeNull();
    expect(numericChange(undefined, 3)).toBeNull();
    expect(numericChange(null, 3)).toBeNull();
    expect(numericChange("", "")).toBeNull();
  });
});

describe("formatNumber and formatPercent", () => {
  it("groups thousands and uses a real minus sign", () => {
    expect(formatNumber(-1234.5, 2)).toBe("−1,234.50");
  });

  it("never shows a negative zero", () => {
    expect(formatNumber(-0.001, 2)).toBe("0.00");
    expect(formatPercent(-0.01)).toBe("0.0 %");
  });

  it("signs percents", () => {
    expect(formatPercent(25)).toBe("+25.0 %");
    expect(formatPercent(-12.345)).toBe("−12.3 %");
  });
});

describe("formatValue", () => {
  it("says empty for nothing", () => {
    expect(formatValue(undefined)).toBe("empty");
    expect(formatValue(null)).toBe("empty");
    expect(formatValue("")).toBe("empty");
  });

  it("shows nested values as JSON and shortens long text", () => {
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
    expect(formatValue("x".repeat(100))).toHaveLength(80);
  });
});

describe("fieldDiffs", () => {
  it("lists an update's changed fields with the numeric change where both sides are numbers", () => {
    const diffs = fieldDiffs({
      op: "update",
      before: { sku: "A1", name: "Mug", price: 12, stock: 3 },
      after: { sku: "A1", name: "Blue mug", price: 15, stock: 3 },
      changedFields: ["name", "price"],
    });
    expect(diffs.map(fieldDiffText)).toEqual(["name Mug → Blue mug", "price 12 → 15 (+25.0 %)"]);
  });

  it("works the changed fields out when change detection named none", () => {
    const diffs = fieldDiffs({ op: "update", before: { a: 1, b: 2 }, after: { a: 1, b: 3, c: "new" }, changedFields: [] });
    expect(diffs.map((d) => d.field)).toEqual(["b", "c"]);
  });

  it("shows a create's new values and a delete's last ones, without a percent", () => {
    expect(fieldDiffs({ op: "create", before: null, after: { sku: "B", price: 4 }, changedFields: [] }).map(fieldDiffText)).toEqual([
      "sku empty → B",
      "price empty → 4",
    ]);
    expect(fieldDiffs({ op: "delete", before: { sku: "C" }, after: null, changedFields: [] }).map(fieldDiffText)).toEqual(["sku C → empty"]);
  });
});

describe("texts", () => {
  it("counts changes", () => {
    expect(changesText(1)).toBe("1 change");
    expect(changesText(4812)).toBe("4,812 changes");
  });

  it("sums operations, leaving out zeros", () => {
    expect(opCountsText({ create: 12, update: 88, delete: 0 })).toBe("12 creates, 88 updates");
    expect(opCountsText({ create: 0, update: 1, delete: 0 })).toBe("1 update");
    expect(opCountsText({ create: 0, update: 0, delete: 0 })).toBe("nothing");
  });

  it("names who decides", () => {
    expect(approverText({ approverRole: "admin", approvalsRequired: 1 })).toBe("Admins and owners decide");
    expect(approverText({ approverRole: "editor", approvalsRequired: 2 })).toBe("Editors, admins and owners decide, 2 approvals each");
  });

  it("takes the record's name from after, else before", () => {
    expect(itemName({ before: { name: "Old" }, after: { name: "New" } })).toBe("New");
    expect(itemName({ before: { name: "Gone" }, after: null })).toBe("Gone");
    expect(itemName({ before: null, after: { name: 3 } })).toBeNull();
  });

  it("says who decided an item", () => {
    const item = { approvals: 0, decidedByName: "Dana", decisionSource: "person" };
    expect(itemDecidedByText({ ...item, status: "approved" }, 1)).toBe("by Dana");
    expect(itemDecidedByText({ ...item, status: "rejected", decisionSource: "auto-reject" }, 1)).toBe("by a rule");
    expect(itemDecidedByText({ ...item, status: "approved", decisionSource: "timeout" }, 1)).toBe("at the deadline");
    expect(itemDecidedByText({ ...item, status: "expired", decisionSource: "timeout" }, 1)).toBe("at the deadline");
    expect(itemDecidedByText({ ...item, status: "expired", decisionSource: "run-ended" }, 1)).toBe("the run ended");
    expect(itemDecidedByText({ ...item, status: "pending", approvals: 1 }, 2)).toBe("1 of 2 approvals");
    expect(itemDecidedByText({ ...item, status: "pending" }, 1)).toBeNull();
  });

  it("says what is being applied", () => {
    expect(decidingText("approve", 4812)).toBe("Approving 4,812 changes…");
    expect(decidingText("reject", 1)).toBe("Rejecting 1 change…");
  });
});

describe("decisionToast", () => {
  it("reports what was decided", () => {
    expect(decisionToast("approve", { decided: 88, recorded: 0, alreadyDecided: [] })).toEqual({ tone: "success", title: "Approved 88 changes" });
  });

  it("says who had decided the rest first, the biggest group first", () => {
    const already = [...Array.from({ length: 12 }, (_, id) => ({ id, byName: "Dana" })), { id: 99, byName: "Sam" }];
    expect(decisionToast("reject", { decided: 3, recorded: 0, alreadyDecided: already })).toEqual({
      tone: "success",
      title: "Rejected 3 changes",
      description: "12 were already decided by Dana, 1 by Sam.",
    });
  });

  it("names a rule or the deadline when no person decided first", () => {
    expect(decisionToast("approve", { decided: 0, recorded: 0, alreadyDecided: [{ byName: null }] })).toEqual({
      tone: "info",
      title: "Nothing was decided",
      description: "1 was already decided by a rule or the deadline.",
    });
  });

  it("tells approvals that wait for more people apart from decided items", () => {
    expect(decisionToast("approve", { decided: 0, recorded: 5, alreadyDecided: [] })).toEqual({
      tone: "success",
      title: "Your approval is recorded on 5 changes",
      description: "They wait for other approvers.",
    });
    expect(decisionToast("approve", { decided: 2, recorded: 1, alreadyDecided: [{ byName: "Dana" }] }).description).toBe(
      "Your approval is recorded on 1 more change; it waits for other approvers. 1 was already decided by Dana.",
    );
  });
});
