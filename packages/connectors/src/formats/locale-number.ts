export interface LocaleNumberOptions {
  /**
   * The decimal separator. `auto` (the default) decides per value by the rules below; `,` or `.`
   * fixes it, and the other character is then only accepted as a thousands separator.
   */
  decimal?: "auto" | "," | ".";
}

// Spaces people and Intl put between thousands: space, no-break space, narrow no-break space, thin space.
const SPACES = /[ \u00A0\u202F\u2009]/;
const MINUS = /^[-\u2212]/;

/**
 * Reads a number as people write it in a spreadsheet or a supplier's file: `12,50` → 12.5,
 * `1 234,56` → 1234.56, `1.234,56` → 1234.56, `1,234.56` → 1234.56, `-0,5` → -0.5, `12.5` → 12.5.
 * Anything that is not clearly a number (`12 PLN`, `1,2,3`, `abc`, `""`) gives `undefined`.
 *
 * Rules, in `auto` mode:
 * 1. Both `.` and `,` present: the one that comes last is the decimal separator, the other groups
 *    thousands (`1.234,56`, `1,234.56`).
 * 2. One separator present, more than once: it groups thousands (`1.234.567`, `1,234,567`).
 * 3. One separator present, once: it is the decimal separator. So `1,234` is 1.234 and `1.234`
 *    is 1.234 (Polish and German files write decimals with a comma; a lone grouped thousand
 *    without decimals is the one case read differently from US usage; set `decimal: "."` for
 *    such files).
 * 4. Spaces (also no-break and narrow no-break) and `'` or `’` only group thousands.
 * Thousands groups must have exactly three digits (`1 23,5` is refused); a leading `+` or `-` (or
 * `−`) is allowed, as is an exponent when there is no thousands grouping (`1.5e3`).
 * A finite JS number is returned as is; any other value gives `undefined`.
 */
export function parseLocaleNumber(input: unknown, options: LocaleNumberOptions = {}): number | undefined {
  if (typeof input === "number") return Number.isFinite(input) ? input : undefined;
  if (typeof input !== "string") return undefined;
  let text = input.trim();
  if (text === "" || text.length > 100) return undefined;

  let sign = "";
  if (MINUS.test(text)) {
    sign = "-";
    text = text.slice(1);
  } else if (text.startsWith("+")) text = text.slice(1);

  let exponent = "";
  const exp = /[eE][+-]?\d+$/.exec(text);
  if (exp) {
    exponent = exp[0];
    text = text.slice(0, exp.index);
  }
  if (!/^[\d.,'\u2019 \u00A0\u202F\u2009]+$/.test(text) || !/\d/.test(text)) return undefined;

  const lastDot = text.lastIndexOf(".");
  const lastComma = text.lastIndexOf(",");
  let decimal: "." | "," | undefined;
  const mode = options.decimal ?? "auto";
  if (mode !== "auto") {
    decimal = mode;
  } else if (lastDot !== -1 && lastComma !== -1) {
    decimal = lastDot > lastComma ? "." : ",";
  } else if (lastDot !== -1 || lastComma !== -1) {
    const separator = lastDot !== -1 ? "." : ",";
    decimal = text.indexOf(separator) === text.lastIndexOf(separator) ? separator : undefined;
  }

  let integer = text;
  let fraction = "";
  if (decimal !== undefined) {
    const at = text.lastIndexOf(decimal);
    if (at !== -1) {
      integer = text.slice(0, at);
      fraction = text.slice(at + 1);
      if (!/^\d*$/.test(fraction)) return undefined;
    }
  }
  if (integer === "" && fraction === "") return undefined;
  if (integer !== "" && !validGrouping(integer)) return undefined;
  const grouped = /\D/.test(integer);
  if (grouped && exponent) return undefined;

  const digits = integer.replace(/\D/g, "") || "0";
  const value = Number(`${sign}${digits}${fraction ? `.${fraction}` : ""}${exponent}`);
  return Number.isFinite(value) ? value : undefined;
}

/** `1234`, `1 234`, `1.234.567`, `1'234`: one kind of separator, groups of three after the first. */
function validGrouping(integer: string): boolean {
  if (/^\d+$/.test(integer)) return true;
  const separators = new Set(integer.replace(/\d/g, "").split("").map((c) => (SPACES.test(c) ? " " : c === "\u2019" ? "'" : c)));
  if (separators.size !== 1) return false;
  const groups = integer.split(/[.,'\u2019 \u00A0\u202F\u2009]/);
  return /^\d{1,3}$/.test(groups[0]!) && groups.slice(1).every((g) => /^\d{3}$/.test(g));
}
