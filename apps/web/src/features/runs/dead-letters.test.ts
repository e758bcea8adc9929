import { describe, expect, it } from "vitest";
import { deadLetterName, failedRecordsText, isSelectable, pageSelectionState, pruneSelection, toggleAllShown, toggleOne } from "./dead-letters";

const rows = [
  { id: 1, status: "open" as const },
  { id: 2, status: "retried" as const },
  { id: 3, status: "open" as const },
  { id: 4, status: "dismissed" as const },
];

describe("dead letters", () => {
  it("names a record by its key, else by where it was in the run", () => {
    expect(deadLetterName({ key: "SKU-1", index: 4, batchIndex: 0 })).toBe("SKU-1");
    expect(deadLetterName({ key: null, index: 4, batchIndex: 1 })).toBe("Record 5 of batch 2");
  });

  it("lets only failed records nobody dealt with be selected", () => {
    expect(rows.filter(isSelectable).map((r) => r.id)).toEqual([1, 3]);
  });

  it("selects every open row shown, and clears them again", () => {
    const all = toggleAllShown(new Set(), rows);
    expect([...all]).toEqual([1, 3]);
    expect(pageSelectionState(all, rows)).toBe(true);
    expect(pageSelectionState(new Set([1]), rows)).toBe("mixed");
    expect(pageSelectionState(new Set(), rows)).toBe(false);
    expect([...toggleAllShown(all, rows)]).toEqual([]);
    expect([...toggleAllShown(new Set([1]), rows)]).toEqual([1, 3]);
  });

  it("toggles one row", () => {
    expect([...toggleOne(new Set([1]), 3)]).toEqual([1, 3]);
    expect([...toggleOne(new Set([1, 3]), 1)]).toEqual([3]);
  });

  it("drops rows from the selection once they were retried or dismissed", () => {
    const selected = new Set([1, 3]);
    expect(pruneSelection(selected, rows)).toBe(selected);
    const after = pruneSelection(selected, [{ id: 1, status: "retried" }, { id: 3, status: "open" }]);
    expect([...after]).toEqual([3]);
  });

  it("counts failed records in words", () => {
    expect(failedRecordsText(1)).toBe("1 failed record");
    expect(failedRecordsText(1200)).toBe("1,200 failed records");
  });
});
