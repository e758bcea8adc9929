import { auditLog, flowWebhooks, runs } from "@flowgate/db";
import { kindRegistry } from "@flowgate/nodes/definitions";
import { installWorkerSchema } from "@flowgate/runtime/testing";
import { createWebhookIntake, signedHeaders, type WebhookIntake } from "@flowgate/runtime/webhooks";
import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestUser } from "./testing";

let api: Awaited<ReturnType<typeof createTestApi>>;
let editor: TestUser;
let viewer: TestUser;
let intake: WebhookIntake;

beforeAll(async () => {
  api = await createTestApi({ registry: kindRegistry });
  await installWorkerSchema(api.database.pool);
  editor = await api.signUp("Wes");
  viewer = await api.signUp("Vic");
  await api.joinAs(viewer, editor.workspaceId, "viewer");
  intake = createWebhookIntake({ db: api.database.db, secrets: api.deps.secrets });
});
afterAll(() => api.dispose());

const node = (id: string, kind: string, config: unknown, x = 0) => ({ id, kind, kindVersion: 1, label: id, position: { x, y: 0 }, config });
const webhookFlow = (requireSignature: boolean) => ({
  schemaVersion: 1,
  nodes: [
    node("hook", "trigger.webhook", { requireSignature }),
    node("write", "destination.http", { url: "https://shop.example/products/{sku}", keyField: "sku" }, 300),
  ],
  edges: [{ id: "e1", source: "hook", sourcePort: "out", target: "write", targetPort: "in" }],
  settings: { batchSize: 1000, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "fail" },
});

/** A request to the intake, as the Next.js route hands it over. */
async function deliver(url: string, body: string, secret?: string) {
  const headers = { "content-type": "application/json", ...(secret && signedHeaders(secret, body)) };
  const token = new URL(url).pathname.split("/").pop()!;
  const response = await intake.handle(new Request(url, { method: "POST", headers, body }), token);
  return { status: response.status, body: (await response.json()) as { runId?: string; error?: string } };
}

describe("webhooks router", () => {
  it("gives a flow its address, listening once a webhook version is published and enabled; the secret is shown only by rotateSecret", async () => {
    const { id: flowId } = await editor.caller.flows.create({ name: "Orders by webhook" });
    const first = await editor.caller.webhooks.get({ flowId });
    expect(first.url).toMatch(/^http:\/\/localhost:3000\/api\/hooks\/[A-Za-z0-9_-]{43}$/);
    expect(first).toMatchObject({ listening: false, signatureRequired: false, hasSecret: false, secretRotatedAt: null, previousSecretValidUntil: null });
    expect((await editor.caller.webhooks.get({ flowId })).url).toBe(first.url);
    expect((await deliver(first.url, "[]")).status).toBe(404);

    await editor.caller.flows.saveDraft({ flowId, document: webhookFlow(true), baseRevision: 0 });
    await editor.caller.flows.publish({ flowId });
    await editor.caller.flows.setEnabled({ flowId, enabled: true });
    expect(await editor.caller.webhooks.get({ flowId })).toMatchObject({ url: first.url, listening: true, signatureRequired: true, hasSecret: false });
    // No secret was ever shown, so no sender can sign yet.
    expect((await deliver(first.url, "[]")).status).toBe(401);

    const rotated = await editor.caller.webhooks.rotateSecret({ flowId });
    expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(rotated).toMatchObject({ hasSecret: true, previousSecretValidUntil: null });
    const accepted = await deliver(first.url, '[{"sku":"A-1"}]', rotated.secret);
    expect(accepted.status).toBe(202);
    const [run] = await api.database.db.select().from(runs).where(eq(runs.id, accepted.body.runId!));
    expect(run).toMatchObject({ flowId, trigger: "webhook", status: "queued" });

    const shown = await editor.caller.webhooks.get({ flowId });
    expect(JSON.stringify(shown)).not.toContain(rotated.secret.slice(6));
    expect(shown.secretRotatedAt).toBe(rotated.secretRotatedAt);
    const [stored] = await api.database.db.select().from(flowWebhooks).where(eq(flowWebhooks.flowId, flowId));
    expect(stored!.secretCiphertext).not.toContain(rotated.secret.slice(6));
  });

  it("rotating the secret keeps the previous one valid for 24 hours; rotating the token retires the old address at once; both are audited", async () => {
    const { id: flowId } = await editor.caller.flows.create({ name: "Rotations" });
    await editor.caller.flows.saveDraft({ flowId, document: webhookFlow(true), baseRevision: 0 });
    await editor.caller.flows.publish({ flowId });
    await editor.caller.flows.setEnabled({ flowId, enabled: true });
    const one = await editor.caller.webhooks.rotateSecret({ flowId });
    const before = Date.now();
    const two = await editor.caller.webhooks.rotateSecret({ flowId });
    expect(two.secret).not.toBe(one.secret);
    const validUntil = Date.parse(two.previousSecretValidUntil!);
    expect(validUntil - before).toBeGreaterThan(24 * 3600_000 - 60_000);
    expect(validUntil - before).toBeLessThanOrEqual(24 * 3600_000 + 60_000);
    expect((await deliver(two.url, "[]", one.secret)).status).toBe(202);
    expect((await deliver(two.url, "[]", two.secret)).status).toBe(202);
    // Once the 24 hours are over, the old secret is refused.
    await api.database.db.update(flowWebhooks).set({ previousSecretExpiresAt: new Date(Date.now() - 1000) }).where(eq(flowWebhooks.flowId, flowId));
    expect((await deliver(two.url, "[]", one.secret)).status).toBe(401);

    const moved = await editor.caller.webhooks.rotateToken({ flowId });
    expect(moved.url).not.toBe(two.url);
    expect((await deliver(two.url, "[]", two.secret)).status).toBe(404);
    expect((await deliver(moved.url, "[]", two.secret)).status).toBe(202);

    const audit = await api.database.db
      .select({ action: auditLog.action, actorId: auditLog.actorId, details: auditLog.details })
      .from(auditLog)
      .where(and(eq(auditLog.targetId, flowId), like(auditLog.action, "webhook.%")))
      .orderBy(auditLog.createdAt);
    expect(audit.map((a) => a.action)).toEqual(["webhook.rotateSecret", "webhook.rotateSecret", "webhook.rotateToken"]);
    expect(audit.every((a) => a.actorId === editor.id)).toBe(true);
    expect(JSON.stringify(audit)).not.toMatch(new RegExp(`${one.secret.slice(6, 20)}|${two.secret.slice(6, 20)}`.replace(/\+/g, "\\+")));
  });

  it("keeps the address from viewers, who cannot start runs either", async () => {
    const { id: flowId } = await editor.caller.flows.create({ name: "Not for viewers" });
    await expect(viewer.caller.webhooks.get({ flowId })).rejects.toThrow(/needs an editor or higher/);
    await expect(viewer.caller.webhooks.rotateSecret({ flowId })).rejects.toThrow(/needs an editor or higher/);
  });
});
