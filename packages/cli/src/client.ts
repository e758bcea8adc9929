import type { AppRouter } from "@flowgate/api";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import type { Credentials } from "./config";
import { CliError } from "./errors";

export type FlowgateClient = ReturnType<typeof createClient>;

/** Flowgate's tRPC API at `url` (where the web app mounts it, /api/trpc), authenticated by the token. */
export function createClient({ url, token }: Credentials) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${url}/api/trpc`, headers: { authorization: `Bearer ${token}` } })],
  });
}

/**
 * A failed call as a person should read it: the server's own message (it says what to do), or,
 * when no Flowgate answered, where the CLI tried and what to check.
 */
export function describeCallError(error: unknown, url: string): CliError {
  if (!(error instanceof TRPCClientError)) return new CliError(error instanceof Error ? error.message : String(error));
  const data = error.data as { code?: unknown } | undefined;
  if (typeof data?.code === "string") return new CliError(error.message);
  const cause = error.cause instanceof Error ? (error.cause.cause instanceof Error ? error.cause.cause.message : error.cause.message) : error.message;
  return new CliError(
    `Could not talk to Flowgate at ${url} (${cause}). Check the address (flowgate login --url …, or FLOWGATE_URL) and that Flowgate is running there.`,
  );
}
