"use client";

import { parseFlow } from "@flowgate/flow";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { errorCode, errorMessage } from "@/lib/errors";
import { useTRPC, useTRPCClient } from "@/lib/trpc";
import type { EditorStore } from "./editor-store";

export type SaveState =
  | { kind: "saved"; at: string | null }
  | { kind: "unsaved" }
  | { kind: "saving" }
  | { kind: "error"; message: string }
  /** Someone else saved meanwhile: autosave stops until the person chooses. */
  | { kind: "conflict"; message: string };

const DEBOUNCE_MS = 800;

/**
 * Saves the editor's draft a moment after each edit, naming the revision it started from. When the
 * server answers CONFLICT (someone else saved), it stops and lets the person reload theirs or keep
 * this one; it never overwrites silently.
 */
export function useAutosave(store: EditorStore, flowId: string, initial: { revision: number; savedAt: string | null }, enabled: boolean) {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [state, setState] = useState<SaveState>({ kind: "saved", at: initial.savedAt });
  const revision = useRef(initial.revision);
  const savedVersion = useRef(store.getSnapshot().version);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const blocked = useRef(false);

  const save = useCallback(async (): Promise<boolean> => {
    clearTimeout(timer.current);
    if (inFlight.current) await inFlight.current;
    const { doc, version } = store.getSnapshot();
    if (version === savedVersion.current) return true;
    if (blocked.current) return false;
    setState({ kind: "saving" });
    const attempt = (async () => {
      try {
        const result = await client.flows.saveDraft.mutate({ flowId, document: doc, baseRevision: revision.current });
        revision.current = result.revision;
        savedVersion.current = version;
        void queryClient.invalidateQueries(trpc.flows.list.pathFilter());
        // The header's "unpublished changes" flag comes from flows.get.
        void queryClient.invalidateQueries(trpc.flows.get.queryFilter({ flowId }));
        setState(store.getSnapshot().version === version ? { kind: "saved", at: result.savedAt } : { kind: "unsaved" });
        return true;
      } catch (error) {
        if (errorCode(error) === "CONFLICT") {
          blocked.current = true;
          setState({ kind: "conflict", message: errorMessage(error) });
        } else {
          setState({ kind: "error", message: errorMessage(error, "The draft could not be saved. Check your connection and try again.") });
        }
        return false;
      }
    })();
    inFlight.current = attempt;
    try {
      return await attempt;
    } finally {
      inFlight.current = null;
      if (!blocked.current && store.getSnapshot().version !== savedVersion.current) schedule();
    }
    // `schedule` (declared below, itself built on `save`) is called only after this render: the
    // closure reads the current binding, so it is not a dependency.
  }, [client, flowId, store]);

  const schedule = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void save(), DEBOUNCE_MS);
  }, [save]);

  useEffect(() => {
    if (!enabled) return;
    let seen = store.getSnapshot().version;
    const unsubscribe = store.subscribe(() => {
      const { version } = store.getSnapshot();
      if (version === seen) return;
      seen = version;
      if (blocked.current) return;
      if (version !== savedVersion.current) {
        setState((s) => (s.kind === "saving" ? s : { kind: "unsaved" }));
        schedule();
      }
    });
    return () => {
      unsubscribe();
      clearTimeout(timer.current);
    };
  }, [enabled, schedule, store]);

  // Leaving with unsaved edits asks first (the browser shows its own wording).
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (store.getSnapshot().version !== savedVersion.current) event.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [store]);

  /** Conflict: take the other person's draft (this editor's unsaved edits are dropped). */
  const reloadTheirs = useCallback(async () => {
    const fresh = await client.flows.get.query({ flowId });
    store.replace(parseFlow(fresh.draft));
    revision.current = fresh.revision;
    savedVersion.current = store.getSnapshot().version;
    blocked.current = false;
    setState({ kind: "saved", at: fresh.draftUpdatedAt });
  }, [client, flowId, store]);

  /** Conflict: save this editor's draft over theirs, knowingly. */
  const keepMine = useCallback(async () => {
    const fresh = await client.flows.get.query({ flowId });
    revision.current = fresh.revision;
    blocked.current = false;
    savedVersion.current = -1;
    await save();
  }, [client, flowId, save]);

  /** After a restore: the server's draft is the truth again. */
  const adopt = useCallback(
    (next: { revision: number; savedAt: string | null }) => {
      revision.current = next.revision;
      savedVersion.current = store.getSnapshot().version;
      blocked.current = false;
      setState({ kind: "saved", at: next.savedAt });
    },
    [store],
  );

  return { state, save, reloadTheirs, keepMine, adopt };
}
