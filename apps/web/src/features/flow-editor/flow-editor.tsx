"use client";

import { parseFlow, type Flow } from "@flowgate/flow";
import { Alert, Button, Dialog, DialogFooter, Skeleton, StatusChip, useToast } from "@flowgate/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import { ErrorState } from "@/components/error-state";
import { ChevronLeftIcon, Icon, PencilIcon, type IconProps } from "@/components/icons";
import { useWorkspace } from "@/components/use-workspace";
import type { FlowDetail } from "@/lib/api-types";
import { errorCode, errorMessage } from "@/lib/errors";
import { formatRelative } from "@/lib/format";
import { useTRPC, useTRPCClient } from "@/lib/trpc";
import { RenameFlowDialog } from "@/app/(app)/flows/flow-name-dialogs";
import { FlowStatus, RunStatusChip, runStatusLabel } from "@/app/(app)/flows/flow-status";
import { EnabledSwitch } from "@/app/(app)/flows/flows-view";
import { AlertSettingsButton } from "@/features/alerts/alert-settings-dialog";
import { FlowMenu } from "@/features/flow-files/flow-menu";
import { FlowRunStrip } from "@/features/flow-status/run-strip";
import { FlowCanvas, Palette, ShortcutsHelp } from "./canvas";
import { EditorContext, EditorStore, useEditor, useEditorStore } from "./editor-store";
import { Inspector } from "./inspector";
import { DryRunPanel, ProblemsPanel, useDryRun, VersionsPanel } from "./panels";
import { PublishDialog } from "./publish-dialog";
import { useAutosave, type SaveState } from "./use-autosave";

const UndoIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M9 14 4 9l5-5" />
    <path d="M4 9h10.5a5.5 5.5 0 0 1 0 11H11" />
  </Icon>
);
const RedoIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="m15 14 5-5-5-5" />
    <path d="M20 9H9.5a5.5 5.5 0 0 0 0 11H13" />
  </Icon>
);
const PlayIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M7 4.5v15l12-7.5z" />
  </Icon>
);
const FlaskIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M9 3h6M10 3v6L4.5 18.5A1.7 1.7 0 0 0 6 21h12a1.7 1.7 0 0 0 1.5-2.5L14 9V3" />
    <path d="M7 15h10" />
  </Icon>
);

/** Opens a stored draft for the canvas; a draft that does not match the flow schema cannot be edited safely. */
function openDraft(draft: unknown): { doc: Flow } | { error: string } {
  try {
    return { doc: parseFlow(draft) };
  } catch (error) {
    return { error: errorMessage(error, "The stored draft is not a flow document.") };
  }
}

export function FlowEditor({ flowId }: { flowId: string }) {
  const trpc = useTRPC();
  const flow = useQuery(trpc.flows.get.queryOptions({ flowId }, { refetchOnWindowFocus: false }));

  if (flow.isPending) {
    return (
      <div aria-busy="true" aria-label="Loading flow" className="flex h-screen flex-col">
        <Skeleton className="m-3 h-9 w-96" />
        <Skeleton className="mx-3 mb-3 flex-1" />
      </div>
    );
  }
  if (flow.isError) {
    const missing = errorCode(flow.error) === "NOT_FOUND";
    return (
      <div className="mx-auto max-w-3xl px-6 py-10">
        <BackLink />
        <ErrorState
          title={missing ? "This flow does not exist in this workspace" : "This flow could not be loaded"}
          error={flow.error}
          onRetry={missing ? undefined : () => void flow.refetch()}
          retrying={flow.isRefetching}
        />
      </div>
    );
  }
  // Keyed by flow: a new flow gets a new store and a new history.
  return <LoadedEditor key={flowId} flowId={flowId} initial={flow.data} />;
}

function BackLink() {
  return (
    <Link href="/flows" className="inline-flex items-center gap-1 rounded text-sm text-slate-600 hover:text-slate-900" aria-label="All flows">
      <ChevronLeftIcon className="size-4" />
      Flows
    </Link>
  );
}

function LoadedEditor({ flowId, initial }: { flowId: string; initial: FlowDetail }) {
  const opened = useState(() => openDraft(initial.draft))[0];
  if ("error" in opened) {
    return (
      <div className="mx-auto max-w-3xl px-6 py-10">
        <BackLink />
        <Alert className="mt-6">
          This draft cannot be opened on the canvas: {opened.error} Restore a published version from the versions list to continue.
        </Alert>
        <div className="mt-6 rounded-card border border-line bg-white p-4">
          <VersionsPanel flowId={flowId} onRestored={() => window.location.reload()} />
        </div>
      </div>
    );
  }
  return <EditorWithStore flowId={flowId} initial={initial} doc={opened.doc} />;
}

function EditorWithStore({ flowId, initial, doc }: { flowId: string; initial: FlowDetail; doc: Flow }) {
  const { canEdit, isLoading: roleLoading } = useWorkspace();
  const client = useTRPCClient();
  const [store] = useState(() => new EditorStore(doc, { readOnly: true }));
  useEffect(() => {
    if (!roleLoading) store.setReadOnly(!canEdit);
  }, [canEdit, roleLoading, store]);
  const autosave = useAutosave(store, flowId, { revision: initial.revision, savedAt: initial.draftUpdatedAt }, canEdit);

  return (
    <EditorContext.Provider value={store}>
      <div className="flex h-screen min-h-0 flex-col bg-canvas">
        <EditorHeader flowId={flowId} autosave={autosave} canEdit={canEdit} />
        <div className="flex min-h-0 flex-1">
          {canEdit ? (
            <aside aria-label="Node kinds" className="w-60 shrink-0 overflow-y-auto border-r border-line bg-white">
              <Palette />
            </aside>
          ) : null}
          <section className="flex min-w-0 flex-1 flex-col">
            <div className="relative min-h-0 flex-1">
              <FlowCanvas />
            </div>
            <BottomPanel flowId={flowId} onRestored={() => void reloadDraft().then(autosave.adopt)} />
          </section>
          <aside aria-label="Inspector" className="w-[22rem] shrink-0 overflow-y-auto border-l border-line bg-white">
            <Inspector flowId={flowId} />
          </aside>
        </div>
      </div>
      <ConflictDialog state={autosave.state} onReload={autosave.reloadTheirs} onKeepMine={autosave.keepMine} />
    </EditorContext.Provider>
  );

  /** After a restore the server's draft is the truth: load it into the editor (history starts over). */
  async function reloadDraft() {
    const fresh = await client.flows.get.query({ flowId });
    store.replace(parseFlow(fresh.draft));
    return { revision: fresh.revision, savedAt: fresh.draftUpdatedAt };
  }
}

type Autosave = ReturnType<typeof useAutosave>;

function EditorHeader({ flowId, autosave, canEdit }: { flowId: string; autosave: Autosave; canEdit: boolean }) {
  const trpc = useTRPC();
  const { toast } = useToast();
  const flow = useQuery(trpc.flows.get.queryOptions({ flowId }, { refetchOnWindowFocus: false }));
  const store = useEditorStore();
  const canUndo = useEditor((s) => s.canUndo);
  const canRedo = useEditor((s) => s.canRedo);
  const problemCount = useEditor((s) => s.problems.length);
  const readOnly = useEditor((s) => s.readOnly);
  const [publishing, setPublishing] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const [runId, setRunId] = useState<string | null>(null);
  const dryRun = useDryRun(flowId);
  const runNow = useMutation(
    trpc.runs.start.mutationOptions({
      onSuccess: ({ runId }) => setRunId(runId),
      onError: (error) => toast({ tone: "error", title: "The run did not start", description: errorMessage(error) }),
    }),
  );

  // Ctrl/Cmd+S saves now instead of opening the browser's "save page" dialog.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
        event.preventDefault();
        void autosave.save();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [autosave]);

  const data = flow.data;
  // Opened with ?dryRun=1 (the gallery's "Dry run it now" after installing a template): start one dry run.
  const loaded = data !== undefined;
  useEffect(() => {
    if (!canEdit || !loaded) return;
    const params = new URLSearchParams(window.location.search);
    if (params.get("dryRun") !== "1") return;
    params.delete("dryRun");
    window.history.replaceState(null, "", window.location.pathname + (params.size > 0 ? `?${params.toString()}` : ""));
    dryRun.start();
  }, [canEdit, loaded, dryRun]);
  const published = data?.activeVersionNumber != null;
  const publishBlocked =
    problemCount > 0 ? `Fix the ${problemCount === 1 ? "problem" : `${problemCount} problems`} listed below before publishing.` : null;

  return (
    <header className="flex h-14 shrink-0 items-center gap-3 border-b border-line bg-white px-4">
      <BackLink />
      <span aria-hidden className="h-5 w-px bg-slate-200" />
      <h1 className="min-w-0 truncate text-base font-semibold text-slate-900" title={data?.name}>
        {data?.name}
      </h1>
      {canEdit && data ? (
        <Button variant="ghost" size="icon" aria-label={`Rename ${data.name}`} onClick={() => setRenaming(true)}>
          <PencilIcon className="size-4" />
        </Button>
      ) : null}
      {data ? <FlowStatus activeVersionNumber={data.activeVersionNumber} hasUnpublishedChanges={data.hasUnpublishedChanges} /> : null}
      {readOnly && !canEdit ? <StatusChip tone="neutral">Read only</StatusChip> : <SaveIndicator state={autosave.state} onRetry={() => void autosave.save()} />}
      <FlowRunStrip flowId={flowId} className="ml-2 hidden lg:flex" />

      <div className="ml-auto flex items-center gap-1.5">
        {canEdit ? (
          <>
            <Button variant="ghost" size="icon" aria-label="Undo" title="Undo (Ctrl+Z)" disabled={!canUndo} onClick={() => store.undo()}>
              <UndoIcon className="size-4" />
            </Button>
            <Button variant="ghost" size="icon" aria-label="Redo" title="Redo (Shift+Ctrl+Z)" disabled={!canRedo} onClick={() => store.redo()}>
              <RedoIcon className="size-4" />
            </Button>
          </>
        ) : null}
        <AlertSettingsButton flowId={flowId} canEdit={canEdit} />
        <ShortcutsHelp />
        {data ? <FlowMenu flow={data} canEdit={canEdit} beforeSave={autosave.save} /> : null}
        <span aria-hidden className="mx-1 h-5 w-px bg-slate-200" />
        {runId ? <RunStatus runId={runId} /> : null}
        {canEdit ? (
          <>
            <Button variant="secondary" icon={<FlaskIcon className="size-4" />} loading={dryRun.running} onClick={() => dryRun.start()}>
              Dry run
            </Button>
            <Button
              variant="secondary"
              icon={<PlayIcon className="size-4" />}
              disabled={!published || runNow.isPending}
              title={published ? "Runs the published version now" : "Publish the flow first: only a published version runs"}
              onClick={() => runNow.mutate({ flowId })}
            >
              Run now
            </Button>
            {data ? (
              <div className="flex items-center gap-2 px-1 text-sm text-slate-600">
                <EnabledSwitch flow={data} disabled={!canEdit} />
              </div>
            ) : null}
            <span title={publishBlocked ?? undefined}>
              <Button variant="primary" disabled={publishBlocked !== null} aria-describedby={publishBlocked ? "publish-blocked" : undefined} onClick={() => setPublishing(true)}>
                Publish
              </Button>
            </span>
            {publishBlocked ? (
              <span id="publish-blocked" className="sr-only">
                {publishBlocked}
              </span>
            ) : null}
          </>
        ) : null}
      </div>
      <PublishDialog open={publishing} onClose={() => setPublishing(false)} flowId={flowId} beforePublish={autosave.save} />
      {data ? <RenameFlowDialog flow={renaming ? data : null} onClose={() => setRenaming(false)} /> : null}
    </header>
  );
}

function SaveIndicator({ state, onRetry }: { state: SaveState; onRetry: () => void }) {
  switch (state.kind) {
    case "saved":
      return (
        <span role="status" className="text-xs text-slate-500" title={state.at ? `Saved ${formatRelative(state.at)}` : undefined}>
          Saved
        </span>
      );
    case "unsaved":
      return (
        <span role="status" className="text-xs text-slate-500">
          Unsaved changes
        </span>
      );
    case "saving":
      return (
        <span role="status" className="text-xs text-slate-500">
          Saving…
        </span>
      );
    case "error":
      return (
        <span role="status" className="flex items-center gap-2 text-xs text-red-700">
          Not saved: {state.message}
          <Button size="sm" variant="secondary" onClick={onRetry}>
            Try again
          </Button>
        </span>
      );
    case "conflict":
      return (
        <span role="status" className="text-xs font-medium text-amber-700">
          Not saved: someone else changed this flow
        </span>
      );
  }
}

function ConflictDialog({ state, onReload, onKeepMine }: { state: SaveState; onReload: () => Promise<void>; onKeepMine: () => Promise<void> }) {
  const [busy, setBusy] = useState<"reload" | "keep" | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const open = state.kind === "conflict";
  async function choose(which: "reload" | "keep") {
    setBusy(which);
    setFailure(null);
    try {
      await (which === "reload" ? onReload() : onKeepMine());
    } catch (error) {
      setFailure(errorMessage(error));
    } finally {
      setBusy(null);
    }
  }
  return (
    <Dialog open={open} onClose={() => undefined} dismissible={false} title="Someone else saved this flow" description={open ? state.message : undefined}>
      <p className="text-sm text-slate-700">
        Your latest edits are still here, unsaved. Reload to work on their version (your unsaved edits are dropped), or keep yours
        to replace theirs.
      </p>
      {failure ? <Alert className="mt-4">{failure}</Alert> : null}
      <DialogFooter>
        <Button variant="secondary" loading={busy === "keep"} disabled={busy !== null} onClick={() => void choose("keep")}>
          Keep mine
        </Button>
        <Button variant="primary" loading={busy === "reload"} disabled={busy !== null} onClick={() => void choose("reload")}>
          Reload their version
        </Button>
      </DialogFooter>
    </Dialog>
  );
}

/** The run started with "Run now": its status until it ends, and a link to it. */
function RunStatus({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const run = useQuery(
    trpc.runs.get.queryOptions({ runId }, { refetchInterval: (query) => (query.state.data?.finishedAt ? false : 1000) }),
  );
  const status = run.data?.status ?? "queued";
  const written = run.data?.finishedAt ? `, ${run.data.counts.written.toLocaleString()} written` : "";
  return (
    <Link
      href={`/runs/${runId}`}
      className="inline-flex items-center gap-1.5 rounded-full text-xs text-slate-600 focus-visible:outline-2 focus-visible:outline-accent-500"
      aria-label={`Run now: ${runStatusLabel(status)}${written}. Open the run`}
    >
      <RunStatusChip status={status} />
      {written ? <span className="tabular-nums">{written.slice(2)}</span> : null}
    </Link>
  );
}

type BottomTab = "problems" | "dry-run" | "versions";

function BottomPanel({ flowId, onRestored }: { flowId: string; onRestored: () => void }) {
  const problemCount = useEditor((s) => s.problems.length);
  const dryRunStatus = useEditor((s) => s.dryRun?.status ?? null);
  const [tab, setTab] = useState<BottomTab>("problems");
  const [open, setOpen] = useState(true);
  // A dry run that starts brings its results forward.
  useEffect(() => {
    if (dryRunStatus === "queued") {
      setTab("dry-run");
      setOpen(true);
    }
  }, [dryRunStatus]);
  const tabs: { id: BottomTab; label: string; count?: number }[] = [
    { id: "problems", label: "Problems", count: problemCount },
    { id: "dry-run", label: "Dry run" },
    { id: "versions", label: "Versions" },
  ];
  return (
    <div className={open ? "flex h-64 shrink-0 flex-col border-t border-line bg-white" : "shrink-0 border-t border-line bg-white"}>
      <div role="tablist" aria-label="Editor panels" className="flex items-center gap-1 border-b border-line px-2">
        {tabs.map((t) => (
          <button
            key={t.id}
            role="tab"
            type="button"
            aria-selected={open && tab === t.id}
            aria-controls={`panel-${t.id}`}
            id={`tab-${t.id}`}
            onClick={() => {
              setTab(t.id);
              setOpen(true);
            }}
            className={
              "relative -mb-px flex h-9 items-center gap-1.5 border-b-2 px-3 text-sm focus-visible:outline-2 focus-visible:outline-accent-500 " +
              (open && tab === t.id ? "border-accent-600 font-medium text-slate-900" : "border-transparent text-slate-600 hover:text-slate-900")
            }
          >
            {t.label}
            {t.count !== undefined && t.count > 0 ? (
              <span className="rounded-full bg-amber-100 px-1.5 text-xs font-medium text-amber-800 tabular-nums">{t.count}</span>
            ) : null}
          </button>
        ))}
        <button
          type="button"
          className="ml-auto rounded px-2 py-1 text-xs text-slate-500 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-accent-500"
          aria-expanded={open}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? "Hide panel" : "Show panel"}
        </button>
      </div>
      {open ? (
        <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="min-h-0 flex-1 overflow-auto">
          {tab === "problems" ? <ProblemsPanel /> : tab === "dry-run" ? <DryRunPanel flowId={flowId} /> : <VersionsPanel flowId={flowId} onRestored={onRestored} />}
        </div>
      ) : null}
    </div>
  );
}
