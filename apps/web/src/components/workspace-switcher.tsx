"use client";

import { Select, Skeleton, useToast } from "@flowgate/ui";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { authClient } from "@/lib/auth-client";
import { ROLE_LABELS, type Role } from "@/lib/roles";
import { useTRPC } from "@/lib/trpc";

export function WorkspaceSwitcher() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const { toast } = useToast();
  const list = useQuery(trpc.workspaces.list.queryOptions());
  const [switching, setSwitching] = useState(false);

  if (list.isPending) return <Skeleton className="h-14 w-full rounded-control" />;
  if (list.isError || !list.data) {
    return <p className="rounded-control bg-red-50 px-3 py-2 text-xs text-red-700">Workspaces could not be loaded.</p>;
  }

  const workspaces = list.data;
  const active = workspaces.find((w) => w.active) ?? workspaces[0];

  async function switchTo(organizationId: string) {
    if (organizationId === active?.id) return;
    setSwitching(true);
    const { error } = await authClient.organization.setActive({ organizationId });
    if (error) {
      toast({ tone: "error", title: "Could not switch workspace", description: error.message });
      setSwitching(false);
      return;
    }
    // Everything cached belongs to the old workspace: drop it and load afresh.
    router.refresh();
    await queryClient.resetQueries();
    setSwitching(false);
  }

  return (
    <div className="rounded-control border border-line bg-slate-50 px-2.5 pt-2 pb-2.5">
      <label htmlFor="workspace-switcher" className="block text-[11px] font-medium tracking-wide text-slate-500 uppercase">
        Workspace
      </label>
      {workspaces.length > 1 ? (
        <Select
          id="workspace-switcher"
          className="mt-1"
          value={active?.id}
          disabled={switching}
          onChange={(event) => void switchTo(event.target.value)}
          options={workspaces.map((w) => ({ value: w.id, label: w.name }))}
        />
      ) : (
        <p id="workspace-switcher" className="mt-0.5 truncate text-sm font-medium text-slate-900">
          {active?.name ?? "No workspace"}
        </p>
      )}
      {active ? (
        <p className="mt-1 text-xs text-slate-500">
          You are {ROLE_LABELS[active.role as Role] ?? active.role}
        </p>
      ) : null}
    </div>
  );
}
