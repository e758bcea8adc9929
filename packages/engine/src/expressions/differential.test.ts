import fc from "fast-check";
import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { compileExpression, compileMapper } from "./index";

/**
 * The fast path against JSONata itself: generated records × generated expressions of the compiled
 * subset. Both must give the same value (deep and strict: `undefined`, -0, sequence flags included)
 * or fail with the same error code at the same position.
 */

const FIELDS = ["price", "name", "stock", "status", "flag", "n", "s", "g:price", "unit price", "nested", "items", "tags"];
const SUBFIELDS = ["x", "y", "price", "tags"];

const trickyNumbers = fc.constantFrom(
  0, -0, 1, -1, 2, 0.1, 0.2, 0.3, 0.5, 1.5, 2.5, -2.5, 1.005, 123.456, 1e21, 1e-7, 1e300, 5e-324,
  Number.MAX_SAFE_INTEGER, 9007199254740993, 0.000001, 99.995,
);
const trickyStrings = fc.constantFrom(
  "", " ", " a  b ", "12", "12,5", "12.50", "-3.5", "1e3", "0x1F", "0b101", "true", "null", "active",
  "ąćęłńóśźż", "ZAŻÓŁĆ", "😀x😀", "\t\n x \r", "a\u0000b", "ß", "İ",
);
const scalar = fc.oneof(
  { weight: 3, arbitrary: trickyNumbers },
  { weight: 2, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
  { weight: 1, arbitrary: fc.double() }, // NaN, ±Infinity and -0 included: records built in code may hold them
  { weight: 3, arbitrary: trickyStrings },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }) },
  { weight: 2, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);
const subRecord = fc.record(Object.fromEntries(SUBFIELDS.map((f) => [f, scalar])), { requiredKeys: [] });
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: scalar },
  { weight: 2, arbitrary: subRecord },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(subRecord, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(fc.array(scalar, { maxLength: 2 }), { maxLength: 2 }) },
);
const record = fc.record(Object.fromEntries(FIELDS.map((f) => [f, value])), { requiredKeys: [] });
const input = fc.oneof(
  { weight: 12, arbitrary: record },
  { weight: 1, arbitrary: fc.array(record, { maxLength: 3 }) },
  { weight: 1, arbitrary: scalar },
);
const bindings = fc.record({ v: scalar, w: value }, { requiredKeys: [] });

const KEYWORDS = new Set(["and", "or", "in", "true", "false", "null", "function"]);
const printName = (name: string) =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name) ? name : `\`${name}\``;

const pathSource = fc
  .tuple(fc.constantFrom(...FIELDS), fc.array(fc.constantFrom(...SUBFIELDS), { maxLength: 2 }))
  .map(([first, rest]) => [first, ...rest].map(printName).join("."));
const numberSource = fc
  .oneof(trickyNumbers, fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 1e6, noNaN: true }))
  .map((n) => String(Math.abs(n)));
const stringSource = fc.oneof(trickyStrings, fc.string({ unit: "grapheme", maxLength: 5 })).map((s) => JSON.stringify(s));
const leaf = fc.oneof(
  { weight: 6, arbitrary: pathSource },
  { weight: 3, arbitrary: numberSource },
  { weight: 3, arbitrary: stringSource },
  { weight: 1, arbitrary: fc.constantFrom("true", "false", "null", "$v", "$w", "$missing") },
);

const ARITIES: Record<string, [number, number]> = {
  string: [1, 2], number: [1, 1], round: [1, 2], floor: [1, 1], ceil: [1, 1], abs: [1, 1],
  uppercase: [1, 1], lowercase: [1, 1], trim: [1, 1], length: [1, 1], substring: [2, 3],
  contains: [2, 2], exists: [1, 1], boolean: [1, 1], not: [1, 1],
};
const OPERATORS = ["+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "and", "or", "&"];

const { expression } = fc.letrec<{ expression: string }>((tie) => ({
  expression: fc.oneof(
    { maxDepth: 4, depthSize: "small" },
    { weight: 4, arbitrary: leaf },
    {
      weight: 4,
      arbitrary: fc
        .tuple(tie("expression"), fc.constantFrom(...OPERATORS), tie("expression"), fc.boolean())
        .map(([l, op, r, parens]) => (parens ? `(${l} ${op} ${r})` : `${l} ${op} ${r}`)),
    },
    { weight: 1, arbitrary: tie("expression").map((e) => `-(${e})`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tie("expression"), tie("expression"), fc.option(tie("expression")))
        .map(([c, t, e]) => (e === null ? `(${c} ? ${t})` : `(${c} ? ${t} : ${e})`)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tie("expression"), fc.constantFrom(";", "?:", "??"), tie("expression"))
        .map(([a, op, b]) => `(${a} ${op} ${b})`),
    },
    {
      weight: 4,
      arbitrary: fc.constantFrom(...Object.keys(ARITIES)).chain((name) => {
        const [min, max] = ARITIES[name] as [number, number];
        return fc
          .array(fc.oneof(tie("expression"), numberSource, fc.constantFrom("true", "false")), {
            minLength: min,
            maxLength: max,
          })
          .map((args) => `$${name}(${args.join(", ")})`);
      }),
    },
  ),
}));

type Outcome = { value: unknown } | { code: string | undefined; position: number | undefined };

async function outcome(run: () => unknown): Promise<Outcome> {
  try {
    return { value: await run() };
  } catch (err) {
    const e = err as { code?: string; position?: number };
    return { code: e.code, position: e.position };
  }
}

describe("fast path vs JSONata", () => {
  it("agree on generated records and expressions", async () => {
    await fc.assert(
      fc.asyncProperty(expression, input, bindings, async (source, data, vars) => {
        const compiled = compileExpression(source);
        expect(compiled.fast, source).toBe(true);
        const fast = await outcome(() => compiled.evaluateSync?.(data, vars));
        const reference = await outcome(() => jsonata(source, { timeout: 1000, stack: 200 }).evaluate(data, vars));
        expect(fast, source).toStrictEqual(reference);
      }),
      { numRuns: 4000 },
    );
  }, 30_000);

  it("agree field by field when mapped together", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(expression, { minLength: 1, maxLength: 4 }), input, bindings, async (sources, data, vars) => {
        const fields = sources.map((source, i) => ({ target: `f${i}`, source }));
        const mapped = await outcome(() => compileMapper(fields).evaluateSync?.(data, vars));
        const entries: [string, unknown][] = [];
        let reference: Outcome | undefined;
        for (const { target, source } of fields) {
          const one = await outcome(() => jsonata(source, { timeout: 1000, stack: 200 }).evaluate(data, vars));
          if (!("value" in one)) {
            reference = one;
            break;
          }
          entries.push([target, one.value]);
        }
        expect(mapped, sources.join(" | ")).toStrictEqual(reference ?? { value: Object.fromEntries(entries) });
      }),
      { numRuns: 1000 },
    );
  }, 30_000);

  it("agree on the demo expressions over generated records", async () => {
    const sources = [
      "price * 1.23",
      "$round(price * 1.23, 2)",
      'name & " (" & stock & ")"',
      "stock > 0 and price < 100",
      "$uppercase($trim(name))",
      "`g:price`",
      'status = "active" ? "yes" : "no"',
      "nested.tags",
      "items.price",
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...sources), record, async (source, data) => {
        const fast = await outcome(() => compileExpression(source).evaluateSync?.(data));
        const reference = await outcome(() => jsonata(source).evaluate(data));
        expect(fast, source).toStrictEqual(reference);
      }),
      { numRuns: 1000 },
    );
  });

  it("agree on $round, near ties included", async () => {
    const precision = fc.integer({ min: -3, max: 16 });
    const nearTie = fc
      .tuple(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: -2, max: 2 }))
      .map(([k, p, ulps]) => {
        const tie = (k + 0.5) / 10 ** p;
        return ulps === 0 ? tie : tie + ulps * Number.EPSILON * Math.abs(tie);
      });
    const value = fc.oneof(nearTie, fc.double({ noNaN: true }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), trickyNumbers);
    await fc.assert(
      fc.asyncProperty(value, precision, async (n, p) => {
        const bindings = { n, p };
        const fast = await outcome(() => compileExpression("$round($n, $p)").evaluateSync?.({}, bindings));
        const reference = await outcome(() => jsonata("$round($n, $p)").evaluate({}, bindings));
        expect(fast, `$round(${n}, ${p})`).toStrictEqual(reference);
      }),
      { numRuns: 3000 },
    );
  });
});
