import { compileExpression, ExpressionError } from "@flowgate/engine/expressions";

/*
 * Evaluates an expression on the first sample records, as the engine would (same compiler, fast path
 * and all), with a short time bound: the preview runs on every keystroke, in the browser.
 */

export const PREVIEW_RECORDS = 3;
const PREVIEW_TIMEOUT_MS = 200;

export type PreviewRow = { ok: true; value: unknown } | { ok: false; message: string };

export type Preview =
  | { kind: "syntax-error"; message: string; position: number | undefined }
  | { kind: "results"; rows: PreviewRow[] };

export async function previewExpression(source: string, records: readonly Record<string, unknown>[]): Promise<Preview> {
  let compiled;
  try {
    compiled = compileExpression(source, { timeoutMs: PREVIEW_TIMEOUT_MS });
  } catch (error) {
    const expressionError = error instanceof ExpressionError ? error : undefined;
    return {
      kind: "syntax-error",
      message: error instanceof Error ? error.message : String(error),
      position: expressionError?.position,
    };
  }
  const rows: PreviewRow[] = [];
  for (const record of records.slice(0, PREVIEW_RECORDS)) {
    try {
      rows.push({ ok: true, value: await compiled.evaluate(record) });
    } catch (error) {
      rows.push({ ok: false, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { kind: "results", rows };
}

/** A result as a person reads it: texts in quotes, nothing as "(nothing)", objects as compact JSON. */
export function formatPreviewValue(value: unknown): string {
  if (value === undefined) return "(nothing)";
  if (typeof value === "string") return JSON.stringify(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 120)}…` : text;
  } catch {
    return String(value);
  }
}
