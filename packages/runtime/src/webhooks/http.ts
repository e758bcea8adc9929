import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type { WebhookIntake } from "./intake";

export interface WebhookServer {
  /** http://127.0.0.1:<port>; webhooks go to `${url}/api/hooks/<token>`. */
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * The intake on a plain node:http server on loopback, for tests and benchmarks (the product serves
 * it from the Next.js route). The request body is handed over as a stream, as Next.js does.
 */
export async function serveWebhookIntake(intake: WebhookIntake, options: { port?: number } = {}): Promise<WebhookServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const match = /^\/api\/hooks\/([^/]*)$/.exec(url.pathname);
    if (!match) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "Not found: webhooks go to /api/hooks/<token>." }));
      return;
    }
    void intake.handle(toRequest(req, url), decodeURIComponent(match[1]!)).then(async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function toRequest(req: IncomingMessage, url: URL): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, {
    method: req.method ?? "GET",
    headers,
    ...(hasBody && { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" }),
  } as RequestInit);
}
