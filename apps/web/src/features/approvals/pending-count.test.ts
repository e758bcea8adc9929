import { describe, expect, it } from "vitest";
import { badgeCount } from "./pending-count";

describe("badgeCount", () => {
  it("keeps the badge narrow", () => {
    expect(badgeCount(12)).toBe("12");
    expect(badgeCount(999)).toBe("999");
    expect(badgeCount(4812)).toBe("4.8K");
    expect(badgeCount(100_000)).toBe("100K");
  });
});
