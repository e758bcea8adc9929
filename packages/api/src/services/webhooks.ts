import { flows, flowVersions, flowWebhooks, getEnv, newToken } from "@flowgate/db";
import { newSigningSecret, webhookTriggerOf } from "@flowgate/runtime/webhooks";
import { eq } from "drizzle-orm";
import { recordAudit } from "./audit";
import { findInWorkspace, type Scope } from "./scope";

/** After a rotation the previous signing secret keeps working this long, so senders can switch. */
export const PREVIOUS_SECRET_VALID_MS = 24 * 60 * 60 * 1000;

type WebhookRow = typeof flowWebhooks.$inferSelect;

function webhookUrl(token: string): string {
  return `${getEnv().FLOWGATE_URL.replace(/\/+$/, "")}/api/hooks/${token}`;
}

/**
 * The flow's webhook row, created on first use with an unguessable token and a signing secret
 * (which nobody has seen yet: only rotateSecret shows one).
 */
async function ensureWebhook(scope: Scope, flowId: string) {
  const flow = await findInWorkspace(scope, flows, { id: flows.id, workspace: flows.workspaceId }, flowId, "The flow");
  await scope.db
    .insert(flowWebhooks)
    .values({ flowId: flow.id, workspaceId: scope.workspaceId, token: newToken(), secretCiphertext: scope.secrets.encrypt(newSigningSecret()) })
    .onConflictDoNothing({ target: flowWebhooks.flowId });
  const [row] = await scope.db.select().from(flowWebhooks).where(eq(flowWebhooks.flowId, flow.id));
  return { flow, row: row! };
}

/** What the editor shows about a flow's webhook; never the secret. */
async function describeWebhook(scope: Scope, flow: typeof flows.$inferSelect, row: WebhookRow) {
  const [version] = flow.activeVersionId
    ? await scope.db.select({ document: flowVersions.document }).from(flowVersions).where(eq(flowVersions.id, flow.activeVersionId))
    : [];
  const trigger = version ? webhookTriggerOf(version.document) : null;
  const previousValid = row.previousSecretCiphertext !== null && row.previousSecretExpiresAt !== null && row.previousSecretExpiresAt.getTime() > Date.now();
  return {
    url: webhookUrl(row.token),
    /** The address starts runs now: the flow is enabled and its published version has a webhook trigger. */
    listening: flow.enabled && trigger !== null,
    signatureRequired: trigger?.requireSignature ?? false,
    /** A signing secret has been shown to someone (rotateSecret); the first one is made on request. */
    hasSecret: row.rotatedAt !== null,
    secretRotatedAt: row.rotatedAt?.toISOString() ?? null,
    previousSecretValidUntil: previousValid ? row.previousSecretExpiresAt!.toISOString() : null,
  };
}

export async function getWebhook(scope: Scope, flowId: string) {
  const { flow, row } = await ensureWebhook(scope, flowId);
  return describeWebhook(scope, flow, row);
}

/**
 * A new signing secret, returned this once. The one it replaces stays valid for 24 hours, so
 * senders can switch without losing requests; the first secret was never shown, so none is kept.
 */
export async function rotateSecret(scope: Scope, flowId: string) {
  const { flow } = await ensureWebhook(scope, flowId);
  const secret = newSigningSecret();
  const row = await scope.db.transaction(async (tx) => {
    const [current] = await tx.select().from(flowWebhooks).where(eq(flowWebhooks.flowId, flow.id)).for("update");
    const now = new Date();
    const keepPrevious = current!.rotatedAt !== null;
    const [updated] = await tx
      .update(flowWebhooks)
      .set({
        secretCiphertext: scope.secrets.encrypt(secret),
        previousSecretCiphertext: keepPrevious ? current!.secretCiphertext : null,
        previousSecretExpiresAt: keepPrevious ? new Date(now.getTime() + PREVIOUS_SECRET_VALID_MS) : null,
        rotatedAt: now,
      })
      .where(eq(flowWebhooks.flowId, flow.id))
      .returning();
    await recordAudit(tx, {
      workspaceId: scope.workspaceId,
      actorId: scope.userId,
      action: "webhook.rotateSecret",
      targetType: "flow",
      targetId: flow.id,
      details: { previousSecretValidUntil: updated!.previousSecretExpiresAt?.toISOString() ?? null },
    });
    return updated!;
  });
  return { ...(await describeWebhook(scope, flow, row)), secret };
}

/** A new address: the old one answers 404 at once (a leaked URL stops working). */
export async function rotateToken(scope: Scope, flowId: string) {
  const { flow } = await ensureWebhook(scope, flowId);
  const row = await scope.db.transaction(async (tx) => {
    const [updated] = await tx.update(flowWebhooks).set({ token: newToken() }).where(eq(flowWebhooks.flowId, flow.id)).returning();
    await recordAudit(tx, { workspaceId: scope.workspaceId, actorId: scope.userId, action: "webhook.rotateToken", targetType: "flow", targetId: flow.id });
    return updated!;
  });
  return describeWebhook(scope, flow, row);
}
