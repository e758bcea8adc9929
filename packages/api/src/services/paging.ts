import { TRPCError } from "@trpc/server";

/**
 * A position in a list shown newest first: the last row shown, by its exact created_at (as
 * PostgreSQL prints it, to the microsecond) and id. Opaque to the client.
 */
export interface TimeCursor {
  at: string;
  id: string;
}

export function encodeTimeCursor(cursor: TimeCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString("base64url");
}

/** `list` names what to reload when the cursor is not one of ours, e.g. "the run list". */
export function decodeTimeCursor(cursor: string, list: string): TimeCursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (typeof at === "string" && (typeof id === "string" || typeof id === "number") && !Number.isNaN(Date.parse(at))) return { at, id: String(id) };
  } catch {
    // fall through
  }
  throw new TRPCError({ code: "BAD_REQUEST", message: `This page is no longer valid. Reload ${list}.` });
}
