import { appRouter, createTRPCContext } from "@flowgate/api";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { oversizedRequest } from "@/lib/request-limit";

export const dynamic = "force-dynamic";

function handler(request: Request) {
  const tooLarge = oversizedRequest(request, "/api/trpc");
  if (tooLarge) return tooLarge;
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: () => createTRPCContext({ headers: request.headers }),
    // Expected refusals (UNAUTHORIZED, BAD_REQUEST, ...) reach the person; only surprises are logged.
    onError: ({ path, error }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed:`, error);
    },
  });
}

export { handler as GET, handler as POST };
