"use client";

import { useToast } from "@flowgate/ui";
import { skipToken, useMutation, useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import { errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { useEditorStore, type DryRunView, type EditorStore } from "../editor-store";

/** How many source records a dry run reads (the "first 100 records"). */
export const DRY_RUN_LIMIT = 100;
const POLL_MS = 500;

export function isFinished(view: Pick<DryRunView, "status"> | null | undefined): boolean {
  return view?.status === "succeeded" || view?.status === "failed";
}

/**
 * Polls one dry run every 500 ms until it has succeeded or failed. A lookup that fails (the network,
 * a deleted row) stops the polling; the caller shows `query.error`.
 */
export function useDryRunResult(dryRunId: string | null) {
  const trpc = useTRPC();
  return useQuery(
    trpc.flows.dryRunResult.queryOptions(dryRunId ? { dryRunId } : skipToken, {
      refetchInterval: (query) => (query.state.status === "error" || isFinished(query.state.data) ? false : POLL_MS),
      // Each dry run is its own row: nothing to share with other screens, nothing to keep.
      staleTime: 0,
      gcTime: 60_000,
    }),
  );
}

/** The document version each dry run was started from, so the panel can say when the flow changed since. */
const startedFrom = new WeakMap<EditorStore, Map<string, number>>();

/** The editor's document version when this dry run started (undefined if another tab started it). */
export function dryRunDocVersion(store: EditorStore, dryRunId: string): number | undefined {
  return startedFrom.get(store)?.get(dryRunId);
}

/** What the panel shows between pressing the button and the first answer of the poll. */
function pendingView(dryRunId: string, flowId: string, options: DryRunView["options"]): DryRunView {
  return { id: dryRunId, flowId, status: "queued", options, result: null, error: null, createdAt: new Date().toISOString(), finishedAt: null };
}

/**
 * The whole-flow dry run of the editor's current document. `start()` sends the draft as it is now
 * (saved or not) and every poll lands in the store (`snapshot.dryRun`), where the canvas reads the
 * edge counts, the inspector the samples and the DryRunPanel everything else.
 */
export function useDryRun(flowId: string): { start(): void; running: boolean } {
  const trpc = useTRPC();
  const store = useEditorStore();
  const { toast } = useToast();
  const [dryRunId, setDryRunId] = useState<string | null>(null);
  const begin = useMutation(trpc.flows.dryRun.mutationOptions());
  const poll = useDryRunResult(dryRunId);

  useEffect(() => {
    if (poll.data && poll.data.id === dryRunId) store.setDryRun(poll.data);
  }, [poll.data, dryRunId, store]);

  useEffect(() => {
    if (!poll.isError || !dryRunId) return;
    const current = store.getSnapshot().dryRun;
    if (current?.id === dryRunId && !isFinished(current)) {
      store.setDryRun({ ...current, status: "failed", error: `Flowgate lost track of the dry run: ${errorMessage(poll.error)} Start it again.` });
    }
  }, [poll.isError, poll.error, dryRunId, store]);

  const running = begin.isPending || (dryRunId !== null && !poll.isError && !isFinished(poll.data));

  const start = useCallback(() => {
    if (running) return;
    const { doc: document, version } = store.getSnapshot();
    begin.mutate(
      { flowId, document, limit: DRY_RUN_LIMIT },
      {
        onSuccess: ({ dryRunId: id }) => {
          const versions = startedFrom.get(store) ?? new Map<string, number>();
          versions.set(id, version);
          startedFrom.set(store, versions);
          store.setDryRun(pendingView(id, flowId, { limit: DRY_RUN_LIMIT }));
          setDryRunId(id);
        },
        onError: (error) => toast({ tone: "error", title: "The dry run did not start", description: errorMessage(error) }),
      },
    );
  }, [running, store, begin, flowId, toast]);

  return { start, running };
}
