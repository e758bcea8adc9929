import { describe, expect, it } from "vitest";
import { decideTarget, isSelected, moveFocus, NO_SELECTION, pageSelectionState, selectedCount, selectRows, toggleRow, type Selection } from "./selection";

const rows = [
  { id: 1, status: "pending" },
  { id: 2, status: "pending" },
  { id: 3, status: "approved" },
];

describe("selection", () => {
  it("toggles waiting rows and ignores decided ones", () => {
    const one = toggleRow(NO_SELECTION, rows[0]!, rows);
    expect(isSelected(one, rows[0]!)).toBe(true);
    expect(toggleRow(one, rows[2]!, rows)).toBe(one);
    expect(isSelected(toggleRow(one, rows[0]!, rows), rows[0]!)).toBe(false);
  });

  it("selects the waiting rows of the page, and clears them", () => {
    const page = selectRows(NO_SELECTION, rows, true);
    expect(page).toEqual({ kind: "ids", ids: new Set([1, 2]) });
    expect(pageSelectionState(page, rows)).toBe("all");
    expect(pageSelectionState(toggleRow(page, rows[0]!, rows), rows)).toBe("some");
    expect(selectRows(page, rows, false)).toEqual(NO_SELECTION);
    expect(pageSelectionState(NO_SELECTION, rows)).toBe("none");
  });

  it("turns all-matching into the other loaded ids when one row is unticked", () => {
    const all: Selection = { kind: "matching" };
    expect(isSelected(all, rows[1]!)).toBe(true);
    expect(isSelected(all, rows[2]!)).toBe(false);
    expect(toggleRow(all, rows[0]!, rows)).toEqual({ kind: "ids", ids: new Set([2]) });
  });

  it("decides by ids, or by the filter when all matching are selected", () => {
    expect(decideTarget(NO_SELECTION, { status: "pending" })).toBeNull();
    expect(decideTarget({ kind: "ids", ids: new Set([5, 2]) }, { status: "pending" })).toEqual({ ids: [2, 5] });
    expect(decideTarget({ kind: "matching" }, { status: "pending", numeric: { field: "price", minPercent: 20 } })).toEqual({
      filter: { status: "pending", numeric: { field: "price", minPercent: 20 } },
    });
    expect(selectedCount({ kind: "matching" }, 4812)).toBe(4812);
    expect(selectedCount({ kind: "ids", ids: new Set([1]) }, 4812)).toBe(1);
  });
});

describe("moveFocus", () => {
  it("starts at the top with j and at the bottom with k, and stays inside", () => {
    expect(moveFocus(null, 1, 3)).toBe(0);
    expect(moveFocus(null, -1, 3)).toBe(2);
    expect(moveFocus(2, 1, 3)).toBe(2);
    expect(moveFocus(0, -1, 3)).toBe(0);
    expect(moveFocus(1, 1, 3)).toBe(2);
    expect(moveFocus(1, 1, 0)).toBeNull();
  });
});
