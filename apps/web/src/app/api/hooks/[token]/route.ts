import { getDatabase, requireEnv } from "@flowgate/db";
import { createSecretBox } from "@flowgate/db/crypto";
import { createWebhookIntake, type RuntimeLog, type WebhookIntake } from "@flowgate/runtime/webhooks";

// The intake reads the raw body as a stream and talks to PostgreSQL: Node.js, never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// One intake per server process: its per-flow rate limits live in its memory. Made on the first
// request, so building the app never opens a database connection.
let intake: WebhookIntake | undefined;

/** Failures reach the server log (as the tRPC route's do); accepted webhooks are in the run history. */
const log: RuntimeLog = {
  debug() {},
  info() {},
  warn: (data, message) => console.warn(message ?? "webhook", data),
  error: (data, message) => console.error(message ?? "webhook", data),
  child: () => log,
};

function getIntake(): WebhookIntake {
  intake ??= createWebhookIntake({ db: getDatabase().db, secrets: createSecretBox(requireEnv("FLOWGATE_SECRET")), log });
  return intake;
}

async function handler(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await params;
  return getIntake().handle(request, token);
}

// Every method reaches the intake, which answers anything but POST with 405 and `Allow: POST`.
export { handler as DELETE, handler as GET, handler as PATCH, handler as POST, handler as PUT };
