import type { IncomingMessage, ServerResponse } from "node:http";
import { sendError } from "./http-util";

/**
 * A misbehaviour a fake server shows to some of its requests. `times` requests are hit (default: all,
 * until cleared), after letting `after` matching requests through (default 0). `path` limits the fault
 * to requests whose path starts with it (default: every data endpoint, never the OAuth2 token endpoint).
 */
export type Fault = FaultScope &
  (
    | { kind: "latency"; ms: number }
    | { kind: "status"; status: number; body?: unknown }
    | { kind: "retry-after"; status: 429 | 503; /** seconds, or an HTTP date string */ retryAfter: number | string }
    | { kind: "hang" }
    | { kind: "reset" }
    | { kind: "malformed-json" }
    | { kind: "truncated-json" }
  );

export interface FaultScope {
  times?: number;
  after?: number;
  path?: string;
}

export type FaultOutcome =
  | { handled: true }
  | { handled: false; delayMs: number; corrupt?: "malformed-json" | "truncated-json" };

/** Holds the current fault and decides, per request, whether it applies. */
export class FaultInjector {
  private fault: Fault | null = null;
  private seen = 0;
  private hit = 0;

  set(fault: Fault | null): void {
    this.fault = fault;
    this.seen = 0;
    this.hit = 0;
  }

  /** How many requests the current fault has hit. */
  get hits(): number {
    return this.hit;
  }

  /**
   * Applies the fault to this request if it matches. Returns handled when the response was already
   * dealt with (error status, hang, reset); otherwise the delay to wait and a corruption to apply.
   */
  apply(req: IncomingMessage, res: ServerResponse, path: string, isDataEndpoint: boolean): FaultOutcome {
    const fault = this.fault;
    if (!fault) return { handled: false, delayMs: 0 };
    if (fault.path ? !path.startsWith(fault.path) : !isDataEndpoint) return { handled: false, delayMs: 0 };
    this.seen++;
    if (this.seen <= (fault.after ?? 0)) return { handled: false, delayMs: 0 };
    if (this.hit >= (fault.times ?? Number.POSITIVE_INFINITY)) return { handled: false, delayMs: 0 };
    this.hit++;
    switch (fault.kind) {
      case "latency":
        return { handled: false, delayMs: fault.ms };
      case "status":
        if (fault.body === undefined) sendError(res, fault.status, "injected_fault", `Injected status ${fault.status}`);
        else {
          const text = typeof fault.body === "string" ? fault.body : JSON.stringify(fault.body);
          res.writeHead(fault.status, { "content-type": typeof fault.body === "string" ? "text/plain" : "application/json" });
          res.end(text);
        }
        return { handled: true };
      case "retry-after":
        sendError(res, fault.status, fault.status === 429 ? "rate_limited" : "unavailable", "Slow down", {
          "retry-after": String(fault.retryAfter),
        });
        return { handled: true };
      case "hang":
        // Never answer; the server's close() destroys the socket.
        req.socket.setTimeout(0);
        return { handled: true };
      case "reset":
        req.socket.resetAndDestroy();
        return { handled: true };
      case "malformed-json":
      case "truncated-json":
        return { handled: false, delayMs: 0, corrupt: fault.kind };
    }
  }
}

/** Makes a JSON body unparseable the way broken servers do. */
export function corruptJson(text: string, how: "malformed-json" | "truncated-json"): string {
  if (how === "truncated-json") return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  // A key without its colon: unparseable wherever it sits, and nothing like a cut-off body.
  const key = text.indexOf('":');
  if (key >= 0) return `${text.slice(0, key)}"=${text.slice(key + 2)}`;
  return `${text}<html><body>Internal error</body></html>`;
}
