export { DEFAULT_MAX_BODY_BYTES, readLimitedBody } from "./body";
export { createWebhookIntake, DEFAULT_RATE_LIMIT_PER_SECOND, type WebhookAccepted, type WebhookIntake, type WebhookIntakeOptions } from "./intake";
export { newSigningSecret, SIGNATURE_TOLERANCE_SECONDS, signedHeaders, verifySignature, type SignatureCheck } from "./signature";
export { runStartOf, WEBHOOK_DELIVERY_GONE, WEBHOOK_TRIGGER_KIND, webhookTriggerOf, type RunStart, type WebhookTrigger } from "./trigger";
export { serveWebhookIntake, type WebhookServer } from "./http";
export type { RuntimeLog } from "../log";
