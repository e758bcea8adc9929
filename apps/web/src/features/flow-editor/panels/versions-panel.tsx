"use client";

import { diffFlows, parseFlow, type Flow } from "@flowgate/flow";
import { Alert, Badge, Button, cn, ConfirmDialog, Select, Skeleton, Spinner, useToast } from "@flowgate/ui";
import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useContext, useEffect, useMemo, useState } from "react";
import { RelativeTime } from "@/components/relative-time";
import { useWorkspace } from "@/components/use-workspace";
import type { RouterOutputs } from "@/lib/api-types";
import { errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { EditorContext, useEditor, useEditorStore } from "../editor-store";
import { describeDiff, diffMarksOf, type DiffItem, type DiffItemKind } from "./diff-text";

type Version = RouterOutputs["flows"]["versions"][number];

/** The draft on the canvas, as a choice in the compare selects. */
const DRAFT = "draft";

/**
 * The published versions, newest first, with who published them and why; any two (or one and the
 * draft on the canvas) can be compared, the changes listed and outlined on the canvas; a version can
 * be restored as the draft.
 */
export function VersionsPanel({ flowId, onRestored }: { flowId: string; onRestored: () => void | Promise<unknown> }) {
  const trpc = useTRPC();
  const { canEdit } = useWorkspace();
  // Outside the editor (a draft too broken to open) there is no draft to compare with: only restore.
  const inEditor = useContext(EditorContext) !== null;
  const versions = useQuery(trpc.flows.versions.queryOptions({ flowId }));
  // Read from the editor's cache; the editor decides when flows.get is fetched again.
  const flow = useQuery(trpc.flows.get.queryOptions({ flowId }, { staleTime: Number.POSITIVE_INFINITY }));
  const [from, setFrom] = useState<string>("");
  const [to, setTo] = useState<string>(DRAFT);
  const [comparing, setComparing] = useState<{ from: string; to: string } | null>(null);
  const [restoring, setRestoring] = useState<Version | null>(null);

  const list = versions.data ?? [];
  const latest = list[0];
  // Default to the newest version against the draft: "what have I changed since I last published?"
  const fromId = from || latest?.id || "";

  if (versions.isPending) {
    return (
      <div className="space-y-2 px-4 py-3" aria-busy="true" aria-label="Loading versions">
        <Skeleton className="h-4 w-64" />
        <Skeleton className="h-4 w-48" />
      </div>
    );
  }
  if (versions.isError) {
    return (
      <div className="px-4 py-3">
        <Alert title="The versions could not be loaded">
          {errorMessage(versions.error)}{" "}
          <button type="button" className="font-medium underline" onClick={() => void versions.refetch()}>
            Try again
          </button>
        </Alert>
      </div>
    );
  }
  if (list.length === 0) {
    return (
      <p className="px-4 py-3 text-sm text-slate-600">
        Not published yet. Publishing freezes the draft as version 1; every version is kept here, and you can compare
        it with the draft or restore it later.
      </p>
    );
  }

  const options = [
    { value: DRAFT, label: "Current draft" },
    ...list.map((version) => ({ value: version.id, label: `Version ${version.number}` })),
  ];
  const nameOf = (id: string) => (id === DRAFT ? "the current draft" : `version ${list.find((v) => v.id === id)?.number ?? "?"}`);

  return (
    <div className="@container px-4 py-3">
      <div className="grid min-h-0 gap-x-6 gap-y-4 @3xl:grid-cols-[minmax(16rem,22rem)_minmax(0,1fr)]">
        <section aria-label="Versions list" className="min-w-0">
          <ol aria-label="Versions" className="divide-y divide-slate-100 rounded-control border border-line bg-white">
            {list.map((version) => (
              <li key={version.id} className="flex items-start gap-3 px-3 py-2">
                <div className="min-w-0 flex-1">
                  <div className="flex items-center gap-2">
                    <span className="text-sm font-medium text-slate-900">Version {version.number}</span>
                    {version.id === flow.data?.activeVersionId ? <Badge tone="success">Live</Badge> : null}
                  </div>
                  {version.message ? <p className="truncate text-sm text-slate-700" title={version.message}>{version.message}</p> : null}
                  <p className="text-xs text-slate-500">
                    {version.authorName ? `${version.authorName} · ` : ""}
                    <RelativeTime value={version.createdAt} />
                  </p>
                </div>
                <div className="flex shrink-0 gap-1">
                  {inEditor ? (
                    <Button
                      size="sm"
                      variant="ghost"
                      aria-label={`Compare version ${version.number} with the draft`}
                      title="Compare with the current draft"
                      onClick={() => {
                        setFrom(version.id);
                        setTo(DRAFT);
                        setComparing({ from: version.id, to: DRAFT });
                      }}
                    >
                      Compare
                    </Button>
                  ) : null}
                  {canEdit ? (
                    <Button size="sm" variant="ghost" aria-label={`Restore version ${version.number}`} onClick={() => setRestoring(version)}>
                      Restore
                    </Button>
                  ) : null}
                </div>
              </li>
            ))}
          </ol>
        </section>

        {/* In a narrow panel an open comparison comes first, where it can be read without scrolling. */}
        {inEditor ? (
          <section aria-label="Compare versions" className={cn("min-w-0", comparing && "order-first @3xl:order-none")}>
            <form
              className="flex flex-wrap items-end gap-2"
              onSubmit={(event) => {
                event.preventDefault();
                if (fromId && fromId !== to) setComparing({ from: fromId, to });
              }}
            >
              <label className="text-sm text-slate-700">
                <span className="mb-1 block text-xs font-medium text-slate-600">Compare</span>
                <Select aria-label="Compare from" value={fromId} onChange={(e) => setFrom(e.target.value)} options={options} className="w-44" />
              </label>
              <label className="text-sm text-slate-700">
                <span className="mb-1 block text-xs font-medium text-slate-600">with</span>
                <Select aria-label="Compare with" value={to} onChange={(e) => setTo(e.target.value)} options={options} className="w-44" />
              </label>
              <Button type="submit" variant="secondary" disabled={!fromId || fromId === to}>
                Compare
              </Button>
            </form>
            {fromId === to ? <p className="mt-2 text-xs text-slate-500">Choose two different versions to compare.</p> : null}
            {comparing ? (
              <VersionComparison
                key={`${comparing.from}:${comparing.to}`}
                flowId={flowId}
                fromId={comparing.from}
                toId={comparing.to}
                title={`Changes from ${nameOf(comparing.from)} to ${nameOf(comparing.to)}`}
                onClose={() => setComparing(null)}
              />
            ) : (
              <p className="mt-3 text-sm text-slate-500">
                The changes are listed here and outlined on the canvas: added green, removed red, changed amber.
              </p>
            )}
          </section>
        ) : null}
      </div>
      <RestoreDialog flowId={flowId} version={restoring} onClose={() => setRestoring(null)} onRestored={onRestored} />
    </div>
  );
}

/** A version's document, or the draft on the canvas (live: the diff follows edits). */
function useDocument(flowId: string, id: string, draft: Flow): { doc?: Flow; error?: string; pending: boolean } {
  const trpc = useTRPC();
  const version = useQuery(
    trpc.flows.getVersion.queryOptions(id === DRAFT ? skipToken : { flowId, versionId: id }, { staleTime: Number.POSITIVE_INFINITY }),
  );
  return useMemo(() => {
    if (id === DRAFT) return { doc: draft, pending: false };
    if (version.isError) return { error: errorMessage(version.error), pending: false };
    if (!version.data) return { pending: true };
    try {
      return { doc: parseFlow(version.data.document), pending: false };
    } catch (error) {
      return { error: `Version ${version.data.number} cannot be read: ${errorMessage(error)}`, pending: false };
    }
  }, [id, draft, version.isError, version.error, version.data]);
}

const itemTone: Record<DiffItemKind, string> = {
  added: "bg-emerald-500",
  removed: "bg-red-500",
  changed: "bg-amber-500",
  moved: "bg-slate-300",
  connected: "bg-emerald-300",
  disconnected: "bg-red-300",
  settings: "bg-slate-400",
};

/** The changes between two versions (or a version and the draft), listed and outlined on the canvas while shown. */
export function VersionComparison({
  flowId,
  fromId,
  toId,
  title,
  onClose,
}: {
  flowId: string;
  fromId: string;
  toId: string;
  title: string;
  onClose: () => void;
}) {
  const store = useEditorStore();
  const draft = useEditor((s) => s.doc);
  const before = useDocument(flowId, fromId, draft);
  const after = useDocument(flowId, toId, draft);
  const diff = useMemo(() => (before.doc && after.doc ? diffFlows(before.doc, after.doc) : null), [before.doc, after.doc]);
  const items = useMemo(() => (diff && before.doc && after.doc ? describeDiff(diff, before.doc, after.doc) : []), [diff, before.doc, after.doc]);

  // The canvas outlines what changed while the comparison is open, and nothing once it closes.
  useEffect(() => {
    if (!diff) return;
    store.setDiffMarks(diffMarksOf(diff));
  }, [diff, store]);
  useEffect(() => () => store.setDiffMarks(new Map()), [store]);

  const error = before.error ?? after.error;
  const present = (id: string | undefined) => id !== undefined && store.getSnapshot().doc.nodes.some((n) => n.id === id);

  return (
    <section aria-label={title} className="mt-3">
      <div className="flex items-center gap-2">
        <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
        <Button size="sm" variant="ghost" className="ml-auto" onClick={onClose}>
          Close comparison
        </Button>
      </div>
      {error ? (
        <Alert className="mt-2">{error}</Alert>
      ) : !diff ? (
        <div role="status" className="mt-2 flex items-center gap-2 text-sm text-slate-600">
          <Spinner /> Loading the versions…
        </div>
      ) : items.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No differences: the two are the same flow.</p>
      ) : (
        <ul aria-label="Changes" className="mt-2 space-y-1">
          {items.map((item, index) => (
            <DiffRow key={index} item={item} selectable={present(item.nodeId)} onSelect={() => item.nodeId && store.select({ nodes: [item.nodeId] })} />
          ))}
        </ul>
      )}
    </section>
  );
}

function DiffRow({ item, selectable, onSelect }: { item: DiffItem; selectable: boolean; onSelect: () => void }) {
  const body = (
    <>
      <span aria-hidden className={`mt-1.5 size-2 shrink-0 rounded-full ${itemTone[item.kind]}`} />
      <span className="min-w-0">
        <span className="block text-sm font-medium text-slate-900">{item.title}</span>
        {item.details.map((detail, i) => (
          <span key={i} className="block text-sm break-words text-slate-600">
            {detail}
          </span>
        ))}
      </span>
    </>
  );
  return (
    <li>
      {selectable ? (
        <button type="button" onClick={onSelect} className="flex w-full items-start gap-2.5 rounded-control px-2 py-1.5 text-left hover:bg-slate-50">
          {body}
        </button>
      ) : (
        <div className="flex items-start gap-2.5 px-2 py-1.5">{body}</div>
      )}
    </li>
  );
}

function RestoreDialog({
  flowId,
  version,
  onClose,
  onRestored,
}: {
  flowId: string;
  version: Version | null;
  onClose: () => void;
  onRestored: () => void | Promise<unknown>;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const restore = useMutation(
    trpc.flows.restoreVersion.mutationOptions({
      onSuccess: async (_data, { versionId }) => {
        const number = version?.id === versionId ? version.number : undefined;
        await onRestored();
        await queryClient.invalidateQueries(trpc.flows.list.pathFilter());
        toast({
          tone: "success",
          title: number ? `Version ${number} is now the draft` : "The version is now the draft",
          description: "Publish it when you want runs to use it.",
        });
        close();
      },
    }),
  );
  function close() {
    restore.reset();
    onClose();
  }
  return (
    <ConfirmDialog
      open={version !== null}
      onClose={close}
      onConfirm={() => version && restore.mutate({ flowId, versionId: version.id })}
      title={`Restore version ${version?.number ?? ""}?`}
      text={`Version ${version?.number ?? ""} becomes the draft; the published version keeps running until you publish. What is on the canvas now is replaced, and undo cannot bring it back.`}
      confirmLabel="Restore"
      loading={restore.isPending}
      error={restore.isError ? errorMessage(restore.error) : undefined}
    />
  );
}
