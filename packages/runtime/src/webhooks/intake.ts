import { flows, flowVersions, flowWebhooks, newId, webhookDeliveries, type Database } from "@flowgate/db";
import type { SecretBox } from "@flowgate/db/crypto";
import { and, eq } from "drizzle-orm";
import { RateLimiterMemory, type RateLimiterRes } from "rate-limiter-flexible";
import { enqueueRun } from "../enqueue";
import { silentLog, type RuntimeLog } from "../log";
import { DEFAULT_MAX_BODY_BYTES, readLimitedBody } from "./body";
import { verifySignature } from "./signature";
import { webhookTriggerOf, type WebhookTrigger } from "./trigger";

/** Requests per second one flow accepts unless the intake is given another limiter. */
export const DEFAULT_RATE_LIMIT_PER_SECOND = 100;
/** The longest `webhook-id` kept for de-duplication (Standard Webhooks ids are short, e.g. msg_2Lh9…). */
const MAX_WEBHOOK_ID_LENGTH = 256;
/** Published versions are immutable, so their webhook trigger is remembered (up to this many). */
const TRIGGER_CACHE_SIZE = 1_000;

export interface WebhookIntakeOptions {
  db: Database;
  /** Decrypts the flows' signing secrets (FLOWGATE_SECRET). */
  secrets: SecretBox;
  /** Larger bodies are answered 413 (default 10 MB). */
  maxBodyBytes?: number;
  /** Per flow (keyed by flow id); default: 100 requests per second, in this process's memory. */
  rateLimiter?: Pick<RateLimiterMemory, "consume" | "points" | "duration">;
  log?: RuntimeLog;
}

export interface WebhookIntake {
  /** Answers one request to /api/hooks/<token>. Never throws: an unexpected failure is a 500 that starts nothing. */
  handle(request: Request, token: string): Promise<Response>;
}

export interface WebhookAccepted {
  runId: string;
  /** A repeated webhook-id: the run the first delivery started; nothing new was started. */
  duplicate: boolean;
}

const NOT_LISTENING =
  "No webhook is listening at this address. Check the address in the flow's trigger settings (it changes when it is rotated), and that the flow is published with a “When a webhook arrives” trigger and enabled.";

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers } });
}

function refuse(status: number, message: string, headers: Record<string, string> = {}): Response {
  return json(status, { error: message }, headers);
}

/**
 * The webhook intake behind POST /api/hooks/<token>: finds the flow by its token, applies the
 * flow's rate limit, reads the body up to the limit, checks the signature when the trigger asks for
 * one, and stores the delivery, its run and the run's job in one transaction. A repeated
 * `webhook-id` is answered with the first delivery's run. Web-standard Request in, Response out,
 * so the Next.js route and the tests' HTTP server are thin wrappers around it.
 */
export function createWebhookIntake(options: WebhookIntakeOptions): WebhookIntake {
  const { db, secrets } = options;
  const log = options.log ?? silentLog;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const limiter = options.rateLimiter ?? new RateLimiterMemory({ keyPrefix: "webhook", points: DEFAULT_RATE_LIMIT_PER_SECOND, duration: 1 });
  const triggers = new Map<string, WebhookTrigger | null>();

  async function triggerOfVersion(versionId: string): Promise<WebhookTrigger | null> {
    const cached = triggers.get(versionId);
    if (cached !== undefined) return cached;
    const [version] = await db.select({ document: flowVersions.document }).from(flowVersions).where(eq(flowVersions.id, versionId)).limit(1);
    const trigger = version ? webhookTriggerOf(version.document) : null;
    if (triggers.size >= TRIGGER_CACHE_SIZE) triggers.delete(triggers.keys().next().value!);
    triggers.set(versionId, trigger);
    return trigger;
  }

  async function handle(request: Request, token: string): Promise<Response> {
    if (request.method !== "POST") {
      return refuse(405, `Webhooks are sent with POST; this was a ${request.method}. Send the data as the body of a POST request.`, { allow: "POST" });
    }
    const [hook] = token
      ? await db
          .select({
            flowId: flowWebhooks.flowId,
            workspaceId: flowWebhooks.workspaceId,
            secretCiphertext: flowWebhooks.secretCiphertext,
            previousSecretCiphertext: flowWebhooks.previousSecretCiphertext,
            previousSecretExpiresAt: flowWebhooks.previousSecretExpiresAt,
            enabled: flows.enabled,
            versionId: flows.activeVersionId,
          })
          .from(flowWebhooks)
          .innerJoin(flows, eq(flows.id, flowWebhooks.flowId))
          .where(eq(flowWebhooks.token, token))
          .limit(1)
      : [];
    // Unknown, disabled, unpublished or not a webhook flow: one answer, so tokens cannot be probed.
    if (!hook || !hook.enabled || !hook.versionId) return refuse(404, NOT_LISTENING);
    const trigger = await triggerOfVersion(hook.versionId);
    if (!trigger) return refuse(404, NOT_LISTENING);

    try {
      await limiter.consume(hook.flowId);
    } catch (error) {
      // Over the limit, the limiter rejects with its result (not an Error); anything else is a fault.
      if (error instanceof Error || typeof (error as RateLimiterRes | undefined)?.msBeforeNext !== "number") throw error;
      const seconds = Math.max(1, Math.ceil((error as RateLimiterRes).msBeforeNext / 1000));
      return refuse(
        429,
        `This flow accepts at most ${limiter.points} webhook requests per ${limiter.duration === 1 ? "second" : `${limiter.duration} seconds`}. Send this one again in ${seconds} s (Retry-After), or send more records per request.`,
        { "retry-after": String(seconds) },
      );
    }

    const body = await readLimitedBody(request, maxBodyBytes);
    if (!body) {
      return refuse(413, `The request body is larger than this webhook's limit of ${formatBytes(maxBodyBytes)}. Send the records in smaller requests.`, { connection: "close" });
    }

    if (trigger.requireSignature) {
      const check = verifySignature(body, request.headers, validSecrets(hook));
      if (!check.ok) return refuse(check.status, check.message);
    }

    const webhookId = request.headers.get("webhook-id")?.trim() || null;
    if (webhookId && webhookId.length > MAX_WEBHOOK_ID_LENGTH) {
      return refuse(400, `The webhook-id header is longer than ${MAX_WEBHOOK_ID_LENGTH} characters. Send a shorter unique id per message.`);
    }
    const contentType = request.headers.get("content-type")?.slice(0, 255) ?? null;
    const accepted = await accept({ flowId: hook.flowId, workspaceId: hook.workspaceId, versionId: hook.versionId, webhookId, contentType, body });
    log.info({ flowId: hook.flowId, runId: accepted.runId, duplicate: accepted.duplicate, bytes: body.byteLength }, accepted.duplicate ? "webhook: repeated webhook-id, nothing started" : "webhook: run queued");
    return json(202, accepted.duplicate ? { runId: accepted.runId, duplicate: true } : { runId: accepted.runId });
  }

  function validSecrets(hook: { secretCiphertext: string; previousSecretCiphertext: string | null; previousSecretExpiresAt: Date | null }): string[] {
    const list = [secrets.decrypt(hook.secretCiphertext)];
    if (hook.previousSecretCiphertext && hook.previousSecretExpiresAt && hook.previousSecretExpiresAt.getTime() > Date.now()) {
      list.push(secrets.decrypt(hook.previousSecretCiphertext));
    }
    return list;
  }

  /** The delivery, its run and the run's job, in one transaction; a repeated webhook-id gets the first one's run. */
  async function accept(input: { flowId: string; workspaceId: string; versionId: string; webhookId: string | null; contentType: string | null; body: Buffer }): Promise<WebhookAccepted> {
    return db.transaction(async (tx) => {
      const deliveryId = newId();
      const runId = newId();
      const webhookId = input.webhookId ?? deliveryId;
      // A concurrent delivery with the same id makes this insert wait for it, then do nothing.
      const [inserted] = await tx
        .insert(webhookDeliveries)
        .values({ id: deliveryId, workspaceId: input.workspaceId, flowId: input.flowId, webhookId, runId, contentType: input.contentType, body: input.body })
        .onConflictDoNothing({ target: [webhookDeliveries.flowId, webhookDeliveries.webhookId] })
        .returning({ id: webhookDeliveries.id });
      if (!inserted) {
        const [first] = await tx
          .select({ runId: webhookDeliveries.runId })
          .from(webhookDeliveries)
          .where(and(eq(webhookDeliveries.flowId, input.flowId), eq(webhookDeliveries.webhookId, webhookId)))
          .limit(1);
        if (!first?.runId) throw new Error(`webhook delivery ${webhookId} of flow ${input.flowId} has no run`);
        return { runId: first.runId, duplicate: true };
      }
      await enqueueRun(tx, { runId, workspaceId: input.workspaceId, flowId: input.flowId, flowVersionId: input.versionId, trigger: "webhook", webhookDeliveryId: deliveryId });
      return { runId, duplicate: false };
    });
  }

  return {
    async handle(request, token) {
      try {
        return await handle(request, token);
      } catch (error) {
        log.error({ err: error instanceof Error ? (error.stack ?? error.message) : String(error) }, "webhook: the request could not be accepted");
        return refuse(500, "Flowgate could not accept this webhook just now, and started nothing. Send it again in a moment; if it keeps failing, the server log says why.");
      }
    },
  };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}
