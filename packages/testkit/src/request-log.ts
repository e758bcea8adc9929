import type { IncomingMessage } from "node:http";

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Milliseconds since the epoch when the request arrived. */
  at: number;
}

/** Every request a fake server received: `count` is exact, `log` keeps the latest `limit` entries. */
export class RequestLog {
  count = 0;
  log: LoggedRequest[] = [];

  constructor(private readonly limit = 10_000) {}

  record(req: IncomingMessage, url: URL): LoggedRequest {
    const entry: LoggedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      at: Date.now(),
    };
    this.count++;
    this.log.push(entry);
    if (this.log.length > this.limit) this.log.splice(0, this.log.length - this.limit);
    return entry;
  }

  /** How many logged requests went to a path starting with `prefix` (optionally with this method). */
  countFor(prefix: string, method?: string): number {
    return this.log.filter((r) => r.path.startsWith(prefix) && (!method || r.method === method)).length;
  }

  clear(): void {
    this.count = 0;
    this.log = [];
  }
}
