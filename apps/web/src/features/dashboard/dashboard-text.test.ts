import { describe, expect, it } from "vitest";
import {
  bucketLabel,
  bucketTitle,
  failuresText,
  formatRate,
  formatTileNumber,
  isQuiet,
  parseRange,
  pendingApprovalsText,
  rangeHref,
  successRate,
} from "./dashboard-text";

describe("parseRange and rangeHref", () => {
  it("reads the range from the address, 24 hours unless it names 7 days", () => {
    expect(parseRange(null)).toBe("24h");
    expect(parseRange("7d")).toBe("7d");
    expect(parseRange("24h")).toBe("24h");
    expect(parseRange("30d")).toBe("24h");
    expect(parseRange("")).toBe("24h");
  });

  it("keeps the default range's address bare", () => {
    expect(rangeHref("24h")).toBe("/dashboard");
    expect(rangeHref("7d")).toBe("/dashboard?range=7d");
    expect(parseRange(new URL(rangeHref("7d"), "http://x").searchParams.get("range"))).toBe("7d");
  });
});

describe("bucket labels", () => {
  it("names an hour by its start and a day by its weekday and date, in the given time zone", () => {
    expect(bucketLabel("2025-05-12T14:00:00.000Z", "24h", "UTC")).toBe("14:00");
    expect(bucketLabel("2025-05-12T00:00:00.000Z", "24h", "UTC")).toBe("00:00");
    expect(bucketLabel("2025-05-12T14:00:00.000Z", "24h", "Europe/Berlin")).toBe("16:00");
    expect(bucketLabel("2025-05-12T00:00:00.000Z", "7d", "UTC")).toBe("Mon 12");
  });

  it("titles an hour with its span and a day in full", () => {
    expect(bucketTitle("2025-05-12T14:00:00.000Z", "24h", "UTC")).toBe("May 12, 14:00–15:00");
    expect(bucketTitle("2025-05-12T23:00:00.000Z", "24h", "UTC")).toBe("May 12, 23:00–00:00");
    expect(bucketTitle("2025-05-12T00:00:00.000Z", "7d", "UTC")).toBe("Monday, May 12");
  });
});

describe("successRate and formatRate", () => {
  it("is the share of succeeded among succeeded and failed runs, and no rate without them", () => {
    expect(successRate({ succeeded: 3, failed: 1 })).toBe(0.75);
    expect(successRate({ succeeded: 0, failed: 0 })).toBeNull();
    expect(formatRate(null)).toBe("—");
    expect(formatRate(0.75)).toBe("75 %");
    expect(formatRate(1)).toBe("100 %");
    expect(formatRate(0)).toBe("0 %");
  });

  it("rounds down, so one failure never reads 100 %", () => {
    expect(formatRate(successRate({ succeeded: 999, failed: 1 }))).toBe("99.9 %");
    expect(formatRate(successRate({ succeeded: 9_999, failed: 1 }))).toBe("99.9 %");
    expect(formatRate(2 / 3)).toBe("66.6 %");
  });
});

describe("tile numbers and texts", () => {
  it("keeps numbers exact until they no longer fit a tile", () => {
    expect(formatTileNumber(0)).toBe("0");
    expect(formatTileNumber(12_345)).toBe("12,345");
    expect(formatTileNumber(1_234_567)).toBe("1.2M");
  });

  it("says how often a flow failed in a row", () => {
    expect(failuresText(1)).toBe("Failed once");
    expect(failuresText(3)).toBe("Failed 3 times in a row");
  });

  it("says what waits for approval, or nothing", () => {
    expect(pendingApprovalsText({ changeSets: 0, items: 0 })).toBeNull();
    expect(pendingApprovalsText({ changeSets: 1, items: 1 })).toBe("1 change in 1 change set waits for approval");
    expect(pendingApprovalsText({ changeSets: 2, items: 1200 })).toBe("1,200 changes in 2 change sets wait for approval");
  });

  it("knows a chart of zeros", () => {
    expect(isQuiet([])).toBe(true);
    expect(isQuiet([{ succeeded: 0, failed: 0, other: 0 }])).toBe(true);
    expect(isQuiet([{ succeeded: 0, failed: 0, other: 0 }, { succeeded: 0, failed: 1, other: 0 }])).toBe(false);
  });
});
