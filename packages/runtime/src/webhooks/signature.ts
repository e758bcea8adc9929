import { isUtf8 } from "node:buffer";
import { randomBytes } from "node:crypto";
import { Webhook, WebhookVerificationError } from "standardwebhooks";

/** Standard Webhooks allows this much clock difference between sender and receiver. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/** A new Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

export type SignatureCheck = { ok: true } | { ok: false; status: 400 | 401; message: string };

const SIGNATURE_HEADERS = ["webhook-id", "webhook-timestamp", "webhook-signature"] as const;

/**
 * Checks a request's Standard Webhooks signature (HMAC-SHA256 of `id.timestamp.body`, compared in
 * constant time, timestamp within 5 minutes, any of several space-separated `v1,` signatures)
 * against each secret that is valid now (the current one, and the previous one during a rotation).
 */
export function verifySignature(body: Uint8Array, headers: Headers, secrets: readonly string[]): SignatureCheck {
  const values = Object.fromEntries(SIGNATURE_HEADERS.map((name) => [name, headers.get(name) ?? ""]));
  const missing = SIGNATURE_HEADERS.filter((name) => values[name] === "");
  if (missing.length > 0) {
    return {
      ok: false,
      status: 401,
      message: `This webhook only accepts signed requests, and this one has no ${missing.join(", ")} header. Sign each request with the flow's signing secret as Standard Webhooks describes (webhook-id, webhook-timestamp, webhook-signature).`,
    };
  }
  // The library signs the body as a string: only UTF-8 is read back byte for byte, so only a UTF-8
  // body's signature proves the bytes were not changed.
  if (!isUtf8(body)) {
    return {
      ok: false,
      status: 400,
      message: "Signed webhook bodies must be UTF-8 text, and this body is not valid UTF-8. Send the body as UTF-8, or turn off “Require signature” in the trigger's settings.",
    };
  }
  const payload = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let reason = "";
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(payload, values, { jsonParse: false });
      return { ok: true };
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      reason = error.message;
    }
  }
  if (/timestamp too (old|new)/i.test(reason)) {
    return {
      ok: false,
      status: 401,
      message: `The webhook-timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS / 60} minutes from the server's time, so the request is refused as a possible replay. Sign each request when you send it, and check the sender's clock.`,
    };
  }
  if (/invalid signature headers/i.test(reason)) {
    return { ok: false, status: 401, message: "The webhook-timestamp header is not a number of seconds since 1970. Send the time the request was signed, e.g. 1735689600." };
  }
  return {
    ok: false,
    status: 401,
    message: "The webhook-signature does not match this request. Sign the exact body you send, with the webhook-id and webhook-timestamp you send, using the flow's current signing secret (after a rotation the previous one works for 24 hours).",
  };
}

/**
 * The three Standard Webhooks headers a sender adds to a request (for tests, benchmarks and
 * anyone checking their setup): `webhook-id`, `webhook-timestamp` and `webhook-signature`.
 */
export function signedHeaders(secret: string, body: string | Buffer, options: { id?: string; at?: Date } = {}): Record<"webhook-id" | "webhook-timestamp" | "webhook-signature", string> {
  const id = options.id ?? `msg_${randomBytes(12).toString("base64url")}`;
  const at = options.at ?? new Date();
  return { "webhook-id": id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": new Webhook(secret).sign(id, at, body) };
}
