"use client";

import type { AppRouter } from "@flowgate/api";
import { ToastProvider } from "@flowgate/ui";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { useState, type ReactNode } from "react";
import { errorCode, errorHttpStatus } from "@/lib/errors";
import { TRPCProvider } from "@/lib/trpc";

function onUnauthorized(error: unknown) {
  // The session ran out while the page was open: send the person back to sign in.
  if (errorCode(error) === "UNAUTHORIZED" && typeof window !== "undefined") {
    const here = window.location.pathname + window.location.search;
    if (!here.startsWith("/sign-in") && !here.startsWith("/sign-up") && !here.startsWith("/invite/")) {
      window.location.assign("/sign-in");
    }
  }
}

function makeQueryClient() {
  return new QueryClient({
    queryCache: new QueryCache({ onError: onUnauthorized }),
    mutationCache: new MutationCache({ onError: onUnauthorized }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        // A 4xx answer will not change on retry; network hiccups might.
        retry: (failureCount, error) => {
          const status = errorHttpStatus(error);
          if (status !== undefined && status >= 400 && status < 500) return false;
          return failureCount < 2;
        },
      },
    },
  });
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: "/api/trpc" })],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <ToastProvider>{children}</ToastProvider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
