/** A PostgreSQL source or destination that cannot do what the flow asks; the message says why and what to do. */
export class PostgresConnectorError extends Error {
  override readonly name = "PostgresConnectorError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** PostgreSQL's own words for a failed statement, with the column and detail when it gives them. */
export function describePgError(error: unknown): string {
  const e = error as { message?: string; detail?: string; column?: string; hint?: string; code?: string };
  let text = e.message ?? String(error);
  if (e.column && !text.includes(e.column)) text += ` (column “${e.column}”)`;
  if (e.detail) text += `. ${e.detail}`;
  if (e.hint) text += ` Hint: ${e.hint}`;
  return text;
}
