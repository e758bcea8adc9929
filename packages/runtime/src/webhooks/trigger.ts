import { webhookDeliveries, type Database, type RunTrigger } from "@flowgate/db";
import type { RunInfo } from "@flowgate/engine";
import { kindRegistry } from "@flowgate/nodes/definitions";
import { eq } from "drizzle-orm";

export const WEBHOOK_TRIGGER_KIND = "trigger.webhook";

/** What the intake needs from a published version's webhook trigger. */
export interface WebhookTrigger {
  nodeId: string;
  /** Requests must carry a valid Standard Webhooks signature. */
  requireSignature: boolean;
}

/**
 * The enabled `trigger.webhook` node of a published document, or null (no such trigger: the flow
 * does not listen for webhooks). A config that no longer parses counts as no trigger.
 */
export function webhookTriggerOf(document: unknown): WebhookTrigger | null {
  const nodes = (document as { nodes?: { id?: unknown; kind?: unknown; disabled?: unknown; config?: unknown }[] } | null)?.nodes;
  const node = Array.isArray(nodes) ? nodes.find((n) => n?.kind === WEBHOOK_TRIGGER_KIND && !n.disabled && typeof n.id === "string") : undefined;
  const schema = kindRegistry.get(WEBHOOK_TRIGGER_KIND)?.configSchema;
  if (!node || !schema) return null;
  const config = schema.safeParse(node.config ?? {});
  if (!config.success) return null;
  return { nodeId: node.id as string, requireSignature: (config.data as { requireSignature?: unknown }).requireSignature === true };
}

/** How run-flow starts the engine: the run's trigger, and for a webhook run its body and the trigger node it fired. */
export interface RunStart {
  trigger: NonNullable<RunInfo["trigger"]>;
  triggerNodeId?: string;
}

/**
 * The trigger a run hands the engine. A webhook run reads the body stored with its delivery, and
 * starts from the webhook trigger only (a flow may have others). Null when the delivery is gone
 * (pruned with the history), so the run cannot read what it was sent.
 */
export async function runStartOf(
  db: Pick<Database, "select">,
  run: { trigger: RunTrigger; webhookDeliveryId: string | null },
  document: unknown,
): Promise<RunStart | null> {
  if (!run.webhookDeliveryId) return { trigger: { kind: run.trigger } };
  const [delivery] = await db
    .select({ body: webhookDeliveries.body, contentType: webhookDeliveries.contentType })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.id, run.webhookDeliveryId))
    .limit(1);
  if (!delivery) return null;
  const nodeId = webhookTriggerOf(document)?.nodeId;
  return {
    trigger: { kind: "webhook", body: new Uint8Array(delivery.body.buffer, delivery.body.byteOffset, delivery.body.byteLength), ...(delivery.contentType !== null && { contentType: delivery.contentType }) },
    ...(nodeId !== undefined && { triggerNodeId: nodeId }),
  };
}

/** The error of a webhook run whose stored request is gone. */
export const WEBHOOK_DELIVERY_GONE =
  "The webhook request that started this run is no longer stored (history retention removed it), so there is nothing to read. Ask the sender to send it again.";
