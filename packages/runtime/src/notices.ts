import type { HttpClient } from "@flowgate/connectors/http";
import { describeError } from "./engine-ports";
import type { RuntimeLog } from "./log";

/** An absolute link into Flowgate (FLOWGATE_URL), e.g. `/runs/<id>`: chat tools cannot follow a relative one. */
export function appLink(appUrl: string, path: string): string {
  return `${appUrl.replace(/\/+$/, "")}${path}`;
}

/**
 * Tells a chat tool (Slack- and Teams-style `{ text }`), through the runtime's guarded HTTP client.
 * Best effort: a refusal or an unreachable address is logged, never thrown.
 */
export async function postChatNotice(http: HttpClient, log: RuntimeLog, notice: { url: string; text: string }, about: Record<string, unknown>): Promise<void> {
  try {
    const response = await http.request({ method: "POST", url: notice.url, json: { text: notice.text }, timeoutMs: 10_000, retry: false, throwOnStatus: false });
    await response.dump();
    if (response.status >= 300) log.warn({ ...about, status: response.status }, "notices: the webhook refused the notice");
  } catch (error) {
    log.warn({ ...about, err: describeError(error) }, "notices: the webhook could not be reached");
  }
}
