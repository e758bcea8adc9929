"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc";

/** As often as the approvals badge asks: often enough to notice, rarely enough not to matter. */
const POLL_MS = 30_000;

/** Open alerts nobody marked read (the navigation's bell); 0 until known or when the call fails. */
export function useUnreadAlertCount(): number {
  const trpc = useTRPC();
  const count = useQuery(trpc.alerts.unreadCount.queryOptions(undefined, { refetchInterval: POLL_MS, retry: false }));
  return count.data?.count ?? 0;
}
