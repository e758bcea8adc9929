"use client";

import { useQuery } from "@tanstack/react-query";
import { canAdmin, canEdit } from "@/lib/roles";
import { useTRPC } from "@/lib/trpc";

/** The active workspace and what the signed-in person may do in it. */
export function useWorkspace() {
  const trpc = useTRPC();
  const query = useQuery(trpc.workspaces.current.queryOptions());
  const role = query.data?.role;
  return {
    workspace: query.data,
    role,
    /** Until the role is known, write controls stay hidden rather than flicker in and out. */
    canEdit: canEdit(role),
    canAdmin: canAdmin(role),
    isLoading: query.isPending,
  };
}
