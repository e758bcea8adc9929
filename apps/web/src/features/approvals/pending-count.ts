"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc";

/** How often the navigation asks whether changes wait: often enough to notice, rarely enough not to matter. */
const POLL_MS = 30_000;

/** Waiting items the signed-in person may decide (the navigation badge); 0 until known or when the call fails. */
export function usePendingApprovalCount(): number {
  const trpc = useTRPC();
  const count = useQuery(trpc.approvals.pendingCount.queryOptions(undefined, { refetchInterval: POLL_MS, retry: false }));
  return count.data?.items ?? 0;
}

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });

/** "12", "4.8K": the badge stays narrow. */
export function badgeCount(count: number): string {
  return count < 1000 ? String(count) : compact.format(count);
}
