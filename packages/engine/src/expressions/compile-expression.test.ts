import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ExpressionError, checkExpression, compileExpression, compileMapper, expressionSchema } from "./index";

const product = {
  sku: "W-1",
  name: "  Widget \t Pro ",
  price: 100,
  stock: 3,
  status: "active",
  "g:price": "9.99 PLN",
  dims: { size: { w: 2 } },
  tags: ["new", "sale"],
  variants: [{ price: 1 }, { price: 2 }],
};

/** Evaluates on both entry points and checks they agree; returns the value. */
async function run(source: string, input: unknown = product, bindings?: Record<string, unknown>) {
  const compiled = compileExpression(source);
  const value = await compiled.evaluate(input, bindings);
  if (compiled.evaluateSync) expect(compiled.evaluateSync(input, bindings)).toStrictEqual(value);
  return value;
}

async function failure(source: string, input: unknown = product): Promise<ExpressionError> {
  const compiled = compileExpression(source);
  const error = await compiled.evaluate(input).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ExpressionError);
  if (compiled.evaluateSync) expect(() => compiled.evaluateSync?.(input)).toThrow(ExpressionError);
  return error as ExpressionError;
}

describe("fast path coverage", () => {
  it.each([
    "price * 1.23",
    "$round(price * 1.23, 2)",
    'name & " (" & sku & ")"',
    "stock > 0 and price < 100",
    "$uppercase($trim(name))",
    "`g:price`",
    'status = "active" ? "yes" : "no"',
    "dims.size.w",
    "-price % 7",
    "$not(stock = 0) or $exists(sku)",
    "$now()",
    "($v)",
    "price ?: 0", // the parser desugars these into conditions
    "price ?? 0",
  ])("compiles %s", (source) => {
    const compiled = compileExpression(source);
    expect(compiled.fast).toBe(true);
    expect(compiled.evaluateSync).toBeTypeOf("function");
  });

  it.each([
    "variants[0].price",
    "variants[price > 1]",
    "$sum(variants.price)",
    "*.price",
    "**.w",
    "sku in ['W-1']",
    "[1..3]",
    "{ 'a': price }",
    "$f := function($x) { $x }",
    "$match(sku, /W/)",
    "$",
    "$$.price",
    "$string()",
    "$now('[Y]')",
    "$lookup(dims, 'size')",
    "variants^(price)",
  ])("leaves %s to JSONata, with the same results", async (source) => {
    const compiled = compileExpression(source);
    expect(compiled.fast).toBe(false);
    expect(compiled.evaluateSync).toBeUndefined();
    await expect(compiled.evaluate(product)).resolves.not.toBeInstanceOf(Error);
  });
});

describe("constructs", () => {
  it("reads fields, nested fields and names in backticks", async () => {
    expect(await run("sku")).toBe("W-1");
    expect(await run("dims.size.w")).toBe(2);
    expect(await run("`g:price`")).toBe("9.99 PLN");
    expect(await run("missing")).toBeUndefined();
    expect(await run("dims.missing.w")).toBeUndefined();
    expect(await run("sku.length")).toBeUndefined();
  });

  it("maps paths over arrays the way JSONata does", async () => {
    expect(await run("tags")).toStrictEqual(["new", "sale"]);
    expect(await run("variants.price")).toStrictEqual(Object.assign([1, 2], { sequence: true }));
    expect(await run("variants.price", { variants: [{ price: 5 }] })).toBe(5);
    expect(await run("a.b", { a: [{ b: [1, 2] }, { b: [3] }] })).toStrictEqual(
      Object.assign([1, 2, 3], { sequence: true }),
    );
    expect(await run("sku", [{ sku: "a" }, { sku: "b" }])).toStrictEqual(Object.assign(["a", "b"], { sequence: true }));
  });

  it("evaluates literals, arithmetic and unary minus", async () => {
    expect(await run('"text"')).toBe("text");
    expect(await run("null")).toBeNull();
    expect(await run("true")).toBe(true);
    expect(await run("price * 1.23")).toBeCloseTo(123);
    expect(await run("(price - 1) / 3 % 2")).toBe(1);
    expect(await run("-price")).toBe(-100);
    expect(await run("0.1 + 0.2")).toBe(0.30000000000000004);
  });

  it("propagates a missing value as JSONata does", async () => {
    expect(await run("missing + 1")).toBeUndefined();
    expect(await run('"a" & missing')).toBe("a");
    expect(await run("missing = 1")).toBe(false);
    expect(await run("missing != 1")).toBe(false);
    // An ordering comparison with a missing side is itself missing (not false) in JSONata.
    expect(await run("missing < 1")).toBeUndefined();
    expect(await run("missing and true")).toBe(false);
    expect(await run("-missing")).toBeUndefined();
    expect(await run("missing ? 1 : 2")).toBe(2);
    expect(await run("missing ? 1")).toBeUndefined();
  });

  it("compares, combines and chooses", async () => {
    expect(await run("stock > 0 and price < 100")).toBe(false);
    expect(await run("stock >= 3 or price < 100")).toBe(true);
    expect(await run('status != "active"')).toBe(false);
    expect(await run("tags = ['new', 'sale']")).toBe(true); // falls back (array constructor), same answer
    expect(await run('"abc" < "abd"')).toBe(true);
    expect(await run('status = "active" ? "yes" : "no"')).toBe("yes");
    expect(await run('name & " (" & sku & ")"')).toBe("  Widget \t Pro  (W-1)");
    expect(await run('price & ""')).toBe("100");
    expect(await run('tags & ""')).toBe('["new","sale"]');
    expect(await run("(1; price)")).toBe(100);
    expect(await run("$not(stock)")).toBe(false);
  });

  it("throws JSONata's type errors with their positions", async () => {
    const plus = await failure('"a" + 1');
    expect(plus.code).toBe("T2001");
    expect(plus.position).toBe(5);
    expect(plus.message).toMatch(/^Expression error at position 5: the left side of “\+” must be a number/);
    expect((await failure("price + sku")).code).toBe("T2002");
    expect((await failure("price < sku")).code).toBe("T2009");
    expect((await failure("tags < 1")).code).toBe("T2010");
    expect((await failure("-sku")).code).toBe("D1002");
    expect((await failure("$uppercase(price)")).code).toBe("T0410");
  });
});

describe("functions", () => {
  it("$string formats numbers as JSONata does", async () => {
    expect(await run("$string(1e21)")).toBe("1e+21");
    expect(await run("$string(0.1 + 0.2)")).toBe("0.3");
    expect(await run("$string(-0)")).toBe("0");
    expect(await run("$string(1/3)")).toBe("0.333333333333333");
    expect(await run("$string(dims)")).toBe('{"size":{"w":2}}');
    expect(await run("$string(dims, true)")).toBe('{\n  "size": {\n    "w": 2\n  }\n}');
    expect((await failure("$string(1/0)")).code).toBe("D3001");
  });

  it("$number reads numbers, and refuses a decimal comma", async () => {
    expect(await run('$number("12.5")')).toBe(12.5);
    expect(await run('$number("0x1F")')).toBe(31);
    expect(await run("$number(true)")).toBe(1);
    const comma = await failure('$number("12,5")');
    expect(comma.code).toBe("D3030");
    expect(comma.message).toContain('"12,5"');
    expect((await failure("$number(null)")).code).toBe("T0410");
  });

  it("$round rounds half to even, $floor, $ceil and $abs", async () => {
    expect(await run("$round(2.5)")).toBe(2);
    expect(await run("$round(3.5)")).toBe(4);
    expect(await run("$round(-2.5)")).toBe(-2);
    expect(await run("$round(1.005, 2)")).toBe(1);
    expect(await run("$round(2.675, 2)")).toBe(2.68);
    expect(await run("$round(1250, -2)")).toBe(1200);
    expect(await run("$round(-0.4)")).toBe(0);
    expect(await run("$floor(-1.5)")).toBe(-2);
    expect(await run("$ceil(1.2)")).toBe(2);
    expect(await run("$abs(-3)")).toBe(3);
  });

  it("string functions count characters, not UTF-16 units", async () => {
    expect(await run("$uppercase($trim(name))")).toBe("WIDGET PRO");
    expect(await run('$lowercase("ZAŻÓŁĆ")')).toBe("zażółć");
    expect(await run('$length("😀ab")')).toBe(3);
    expect(await run('$substring("hello", -3, 2)')).toBe("ll");
    expect(await run('$substring("😀hello", 1, 2)')).toBe("he");
    expect(await run('$substring("hello", 1, -1)')).toBe("");
    expect(await run('$contains(sku, "-")')).toBe(true);
    expect(await run("$contains(missing, 'x')")).toBeUndefined();
    expect((await failure("$substring(5, 1)")).code).toBe("T0411");
  });

  it("$exists and $boolean follow JSONata's rules", async () => {
    expect(await run("$exists(missing)")).toBe(false);
    expect(await run("$exists(null)")).toBe(true);
    expect(await run('$boolean("")')).toBe(false);
    expect(await run('$boolean("0")')).toBe(true);
    expect(await run("$boolean(0)")).toBe(false);
    expect(await run("$boolean(dims)")).toBe(true);
    expect(await run("$boolean(empty)", { empty: {} })).toBe(false);
    expect(await run("$boolean(list)", { list: [0, ""] })).toBe(false);
    expect(await run("$boolean(list)", { list: [0, 1] })).toBe(true);
    expect(await run("$boolean(missing)")).toBeUndefined();
  });

  it("$now is one ISO timestamp per evaluation", async () => {
    const compiled = compileExpression("[$now(), $now()]");
    expect(compiled.fast).toBe(false);
    const same = compileExpression("$now() = $now()");
    expect(same.fast).toBe(true);
    expect(same.evaluateSync?.({})).toBe(true);
    const now = compileExpression("$now()").evaluateSync?.({}) as string;
    expect(now).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Math.abs(Date.parse(now) - Date.now())).toBeLessThan(5_000);
  });
});

describe("bindings", () => {
  it("reads $variables from bindings on the fast path", async () => {
    expect(await run("$rate * price", product, { rate: 2 })).toBe(200);
    expect(await run("$rate", product)).toBeUndefined();
  });

  it("leaves function-valued or shadowing bindings to JSONata", async () => {
    const compiled = compileExpression("$uppercase(sku)");
    const bindings = { uppercase: (s: string) => `<${s}>` };
    expect(await compiled.evaluate(product, bindings)).toBe("<W-1>");
    expect(() => compiled.evaluateSync?.(product, bindings)).toThrow(/F0001|shadows/);
  });
});

describe("syntax errors", () => {
  it("names the position and what is wrong", () => {
    let error: unknown;
    try {
      compileExpression("price + ");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error).toMatchObject({ code: "S0207", position: 8 });
    expect((error as Error).message).toBe("Expression error at position 8: expected a value after “+”");
  });

  it("checkExpression reports validity, position and the fast path", () => {
    expect(checkExpression("price * 2")).toEqual({ ok: true, fast: true });
    expect(checkExpression("$sum(items.price)")).toEqual({ ok: true, fast: false });
    expect(checkExpression('"abc')).toMatchObject({ ok: false, position: 4 });
    expect(checkExpression("")).toMatchObject({ ok: false, message: expect.stringContaining("empty") });
  });

  it("expressionSchema rejects a broken expression at save time", () => {
    const schema = z.object({ value: expressionSchema({ description: "A JSONata expression" }) });
    expect(schema.safeParse({ value: "price * 2" }).success).toBe(true);
    const result = schema.safeParse({ value: "$round(price," });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ["value"],
      message: "Expression error at position 13: expected “)” before the end of the expression",
    });
  });
});

describe("runaway expressions", () => {
  async function timed(source: string, options: { timeoutMs?: number; maxDepth?: number }) {
    const started = performance.now();
    const error = await compileExpression(source, options)
      .evaluate({})
      .then(() => undefined, (err: unknown) => err as ExpressionError);
    return { error, ms: performance.now() - started };
  }

  it("stops endless (tail) recursion at its time bound", async () => {
    const { error, ms } = await timed("($f := function($n){ $f($n + 1) }; $f(0))", { timeoutMs: 200 });
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error?.code).toBe("D1012");
    expect(error?.message).toContain("took longer than 200 ms; simplify it or split it into steps");
    expect(ms).toBeGreaterThanOrEqual(190);
    expect(ms).toBeLessThan(2_000);
  });

  it("stops deep recursion at its depth bound", async () => {
    const { error } = await timed("($f := function($n){ 1 + $f($n + 1) }; $f(0))", {});
    expect(error?.code).toBe("D1011");
    expect(error?.message).toContain("nested deeper than 200 levels");
  });

  it("stops a huge loop at its time bound, and the next evaluation works", async () => {
    const { error, ms } = await timed("$count($map([1..10000000], function($v){ $v * 2 }))", { timeoutMs: 200 });
    expect(error?.code).toBe("D1012");
    expect(ms).toBeLessThan(2_000);
    expect(await run("price * 2")).toBe(200);
  });
});

describe("compileMapper", () => {
  const fields = [
    { target: "gross", source: "price * 1.23" },
    { target: "rounded", source: "$round(price * 1.23, 2)" },
    { target: "label", source: 'name & " (" & sku & ")"' },
    { target: "upper", source: "$uppercase($trim(name))" },
    { target: "cheap", source: "stock > 0 and price < 100" },
    { target: "missing", source: "nothing.here" },
  ];

  it("computes every field as its own expression would", async () => {
    const mapper = compileMapper(fields);
    expect(mapper.fast).toBe(true);
    const expected = Object.fromEntries(fields.map((f) => [f.target, compileExpression(f.source).evaluateSync?.(product)]));
    expect(mapper.evaluateSync?.(product)).toStrictEqual(expected);
    expect(await mapper.evaluate(product)).toStrictEqual(expected);
    expect(Object.keys(expected)).toContain("missing");
    expect(expected).toMatchObject({ rounded: 123, label: "  Widget \t Pro  (W-1)", upper: "WIDGET PRO", cheap: false });
  });

  it("takes an odd target name as a plain field", () => {
    const mapper = compileMapper([{ target: "__proto__", source: "sku" }, { target: "a b", source: "price" }]);
    const out = mapper.evaluateSync?.(product) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toBe("W-1");
    expect(out["a b"]).toBe(100);
  });

  it("names the failing field, with the expression's own error", async () => {
    const mapper = compileMapper([{ target: "ok", source: "price" }, { target: "bad", source: '"a" + 1' }]);
    const error = (() => {
      try {
        mapper.evaluateSync?.(product);
      } catch (err) {
        return err as ExpressionError;
      }
    })();
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error).toMatchObject({ code: "T2001", position: 5, target: "bad" });
    expect(error?.message).toBe((await failure('"a" + 1')).message);
    await expect(mapper.evaluate(product)).rejects.toMatchObject({ code: "T2001", target: "bad" });
    expect(() => compileMapper([{ target: "broken", source: "price +" }])).toThrow(
      expect.objectContaining({ code: "S0207", target: "broken" }),
    );
  });

  it("falls back to JSONata for fields off the fast path, and for function bindings", async () => {
    const mixed = compileMapper([{ target: "a", source: "price" }, { target: "b", source: "$sum(variants.price)" }]);
    expect(mixed.fast).toBe(false);
    expect(mixed.evaluateSync).toBeUndefined();
    expect(await mixed.evaluate(product)).toStrictEqual({ a: 100, b: 3 });

    const shadowed = compileMapper([{ target: "a", source: "price" }, { target: "b", source: "$uppercase(sku)" }]);
    const bindings = { uppercase: (s: string) => `<${s}>` };
    expect(await shadowed.evaluate(product, bindings)).toStrictEqual({ a: 100, b: "<W-1>" });
    expect(() => shadowed.evaluateSync?.(product, bindings)).toThrow(expect.objectContaining({ code: "F0001", target: "b" }));
  });

  it("maps arrays and odd inputs as JSONata does", () => {
    const mapper = compileMapper([{ target: "s", source: "sku" }, { target: "p", source: "price + 1" }]);
    for (const input of [[{ sku: "a", price: 1 }, { sku: "b" }], "text", null, undefined, { sku: ["x", "y"], price: 2 }, { sku: [["x"]] }]) {
      const expected = { s: compileExpression("sku").evaluateSync?.(input), p: compileExpression("price + 1").evaluateSync?.(input) };
      expect(mapper.evaluateSync?.(input)).toStrictEqual(expected);
    }
  });
});
