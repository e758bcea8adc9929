import { describe, expect, it } from "vitest";
import { formatPreviewValue, previewExpression } from "./expression-preview";

describe("previewExpression", () => {
  const records = [{ price: 10 }, { price: "abc" }, { price: 2.5 }, { price: 99 }];

  it("evaluates on the first three records as the engine does, each failure on its own row", async () => {
    const preview = await previewExpression("$round(price * 1.25, 2)", records);
    expect(preview.kind).toBe("results");
    if (preview.kind !== "results") return;
    expect(preview.rows).toHaveLength(3);
    expect(preview.rows[0]).toEqual({ ok: true, value: 12.5 });
    expect(preview.rows[1]).toMatchObject({ ok: false, message: expect.stringContaining("must be a number") });
    // JSONata rounds halves to even: 3.125 → 3.12, as the engine will.
    expect(preview.rows[2]).toEqual({ ok: true, value: 3.12 });
  });

  it("reports a syntax error with its position instead of results", async () => {
    expect(await previewExpression("price *", records)).toMatchObject({ kind: "syntax-error", position: 7 });
  });

  it("shows values as a person reads them", () => {
    expect(formatPreviewValue(undefined)).toBe("(nothing)");
    expect(formatPreviewValue("Desk")).toBe('"Desk"');
    expect(formatPreviewValue({ a: 1 })).toBe('{"a":1}');
  });
});
