"use client";

import {
  Alert,
  Badge,
  Button,
  Card,
  CardHeader,
  Dialog,
  DialogFooter,
  Field,
  Input,
  PageHeader,
  Skeleton,
  useToast,
} from "@flowgate/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { ErrorState } from "@/components/error-state";
import { AlertIcon, CanvasIcon, ChevronLeftIcon, PencilIcon } from "@/components/icons";
import { RelativeTime } from "@/components/relative-time";
import { useWorkspace } from "@/components/use-workspace";
import type { FlowDetail } from "@/lib/api-types";
import { errorCode, errorMessage } from "@/lib/errors";
import { formatRelative } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { RenameFlowDialog } from "../flow-name-dialogs";
import { FlowStatus } from "../flow-status";
import { EnabledSwitch } from "../flows-view";

const backLink = (
  <Link href="/flows" className="inline-flex items-center gap-1 hover:text-slate-800">
    <ChevronLeftIcon className="size-4" />
    All flows
  </Link>
);

export function FlowDetailView({ flowId }: { flowId: string }) {
  const trpc = useTRPC();
  const { canEdit } = useWorkspace();
  const flow = useQuery(trpc.flows.get.queryOptions({ flowId }));
  // flows.get has no "unpublished changes" flag; the list (usually cached already) has it.
  const [publishing, setPublishing] = useState(false);
  const [renaming, setRenaming] = useState(false);

  if (flow.isPending) {
    return (
      <div aria-busy="true" aria-label="Loading flow">
        <Skeleton className="mb-3 h-4 w-20" />
        <Skeleton className="mb-10 h-8 w-72" />
        <div className="grid gap-6 lg:grid-cols-3">
          <Skeleton className="h-72 lg:col-span-2" />
          <Skeleton className="h-72" />
        </div>
      </div>
    );
  }

  if (flow.isError) {
    const missing = errorCode(flow.error) === "NOT_FOUND";
    return (
      <>
        <PageHeader eyebrow={backLink} title={missing ? "Flow not found" : "Flow"} />
        <ErrorState
          title={missing ? "This flow does not exist in this workspace" : "This flow could not be loaded"}
          error={flow.error}
          onRetry={missing ? undefined : () => void flow.refetch()}
          retrying={flow.isRefetching}
        />
      </>
    );
  }

  const data = flow.data;
  const draft = readDraft(data.draft);
  const unpublished = data.hasUnpublishedChanges;
  const publishedAndCurrent = data.activeVersionNumber !== null && !unpublished;

  return (
    <>
      <PageHeader
        eyebrow={backLink}
        title={data.name}
        meta={<FlowStatus activeVersionNumber={data.activeVersionNumber} hasUnpublishedChanges={unpublished} />}
        description={`Draft last saved ${formatRelative(data.updatedAt)}.`}
        actions={
          <>
            <div className="mr-2 flex items-center gap-2 text-sm text-slate-600">
              <EnabledSwitch flow={data} disabled={!canEdit} />
              <span>{data.enabled ? "On" : "Off"}</span>
            </div>
            {canEdit ? (
              <>
                <Button
                  variant="secondary"
                  icon={<PencilIcon className="size-4" />}
                  aria-label={`Rename ${data.name}`}
                  onClick={() => setRenaming(true)}
                >
                  Rename
                </Button>
                <Button variant="primary" onClick={() => setPublishing(true)} disabled={publishedAndCurrent}>
                  {publishedAndCurrent ? "Published" : "Publish"}
                </Button>
              </>
            ) : null}
          </>
        }
      />

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <EditorComingPanel draft={draft} />
          <ProblemsCard problems={data.problems} nodes={draft.nodes} />
        </div>
        <VersionsCard flowId={flowId} activeVersionId={data.activeVersionId} />
      </div>

      <PublishDialog
        open={publishing}
        onClose={() => setPublishing(false)}
        flowId={flowId}
        problemCount={data.problems.length}
      />
      <RenameFlowDialog flow={renaming ? data : null} onClose={() => setRenaming(false)} />
    </>
  );
}

interface DraftSummary {
  nodes: { id: string; kind: string; label: string; disabled: boolean }[];
  edgeCount: number;
}

/**
 * A lenient read of the stored draft, for display only: a draft is work in progress and may not
 * match the flow schema (its problems are listed separately), so nothing here may throw.
 */
function readDraft(draft: unknown): DraftSummary {
  const doc = (draft && typeof draft === "object" ? draft : {}) as { nodes?: unknown; edges?: unknown };
  const nodes = Array.isArray(doc.nodes) ? doc.nodes : [];
  return {
    nodes: nodes.map((raw: unknown, index) => {
      const node = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
      const id = typeof node.id === "string" ? node.id : `#${index + 1}`;
      return {
        id,
        kind: typeof node.kind === "string" ? node.kind : "unknown",
        label: typeof node.label === "string" && node.label ? node.label : id,
        disabled: node.disabled === true,
      };
    }),
    edgeCount: Array.isArray(doc.edges) ? doc.edges.length : 0,
  };
}

function EditorComingPanel({ draft }: { draft: DraftSummary }) {
  const nodes = draft.nodes;
  return (
    <Card className="overflow-hidden">
      <div className="flex items-start gap-4 border-b border-line bg-linear-to-br from-accent-50 to-white px-6 py-6">
        <div className="flex size-11 shrink-0 items-center justify-center rounded-xl bg-white text-accent-600 shadow-card ring-1 ring-accent-100">
          <CanvasIcon className="size-6" />
        </div>
        <div>
          <h2 className="text-base font-semibold text-slate-900">The visual editor arrives in the next release</h2>
          <p className="mt-1 text-sm leading-6 text-slate-600">
            You will draw this flow on a canvas: a trigger, where the data comes from, how it is reshaped and
            filtered, who approves the changes, and where they go. Until then, here is what the draft holds.
          </p>
        </div>
      </div>
      <div className="px-6 py-5">
        <h3 className="text-sm font-semibold text-slate-900">
          Steps in the draft <span className="font-normal text-slate-500">({nodes.length})</span>
        </h3>
        {nodes.length === 0 ? (
          <p className="mt-2 text-sm text-slate-500">The draft is empty: no steps yet.</p>
        ) : (
          <ol className="mt-3 divide-y divide-slate-100 rounded-control border border-line">
            {nodes.map((node, index) => (
              <li key={node.id} className="flex items-center gap-3 px-4 py-2.5 text-sm">
                <span className="w-5 text-right text-xs text-slate-400 tabular-nums">{index + 1}</span>
                <span className="min-w-0 flex-1 truncate font-medium text-slate-800">{node.label}</span>
                {node.disabled ? <Badge>Disabled</Badge> : null}
                <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-600">{node.kind}</code>
              </li>
            ))}
          </ol>
        )}
        {draft.edgeCount > 0 ? (
          <p className="mt-3 text-xs text-slate-500">
            {draft.edgeCount} {draft.edgeCount === 1 ? "link" : "links"} between steps.
          </p>
        ) : null}
      </div>
    </Card>
  );
}

function ProblemsCard({
  problems,
  nodes,
}: {
  problems: FlowDetail["problems"];
  nodes: DraftSummary["nodes"];
}) {
  const labelOf = (id: string | undefined) => (id ? nodes.find((n) => n.id === id)?.label : undefined);
  return (
    <Card>
      <CardHeader
        title="Checks"
        description={
          problems.length === 0
            ? "The draft passes every check and can be published."
            : "Fix these before publishing. Each names the step it is about."
        }
        actions={
          problems.length === 0 ? (
            <Badge tone="success">All clear</Badge>
          ) : (
            <Badge tone="warning">
              {problems.length} {problems.length === 1 ? "problem" : "problems"}
            </Badge>
          )
        }
      />
      {problems.length > 0 ? (
        <ul className="divide-y divide-slate-100">
          {problems.map((problem, index) => {
            const step = labelOf(problem.nodeId);
            return (
              <li key={`${problem.code}-${index}`} className="flex gap-3 px-5 py-3 text-sm">
                <AlertIcon className="mt-0.5 size-4 shrink-0 text-amber-500" />
                <div className="min-w-0">
                  <p className="text-slate-800">{problem.message}</p>
                  {step ? <p className="mt-0.5 text-xs text-slate-500">Step: {step}</p> : null}
                </div>
              </li>
            );
          })}
        </ul>
      ) : null}
    </Card>
  );
}

function VersionsCard({ flowId, activeVersionId }: { flowId: string; activeVersionId: string | null }) {
  const trpc = useTRPC();
  const versions = useQuery(trpc.flows.versions.queryOptions({ flowId }));
  return (
    <Card className="self-start">
      <CardHeader title="Versions" description="Each publish is kept, unchanged." as="h2" />
      <div>
        {versions.isPending ? (
          <div className="space-y-3 px-5 py-4">
            <Skeleton className="h-4 w-full" />
            <Skeleton className="h-4 w-2/3" />
          </div>
        ) : versions.isError ? (
          <div className="px-5 py-4 text-sm">
            <p className="text-red-700">{errorMessage(versions.error)}</p>
            <Button size="sm" className="mt-2" onClick={() => void versions.refetch()}>
              Try again
            </Button>
          </div>
        ) : versions.data.length === 0 ? (
          <p className="px-5 py-4 text-sm text-slate-500">
            Not published yet. Publishing freezes the draft as version 1; only published versions run.
          </p>
        ) : (
          <ol className="divide-y divide-slate-100">
            {versions.data.map((version) => (
              <li key={version.id} className="px-5 py-3">
                <div className="flex items-center gap-2">
                  <span className="text-sm font-medium text-slate-900">Version {version.number}</span>
                  {version.id === activeVersionId ? <Badge tone="success">Live</Badge> : null}
                </div>
                {version.message ? <p className="mt-0.5 text-sm text-slate-700">{version.message}</p> : null}
                <p className="mt-0.5 text-xs text-slate-500">
                  {version.authorName ? `${version.authorName} · ` : ""}
                  <RelativeTime value={version.createdAt} />
                </p>
              </li>
            ))}
          </ol>
        )}
      </div>
    </Card>
  );
}

function PublishDialog({
  open,
  onClose,
  flowId,
  problemCount,
}: {
  open: boolean;
  onClose: () => void;
  flowId: string;
  problemCount: number;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const [message, setMessage] = useState("");
  const publish = useMutation(
    trpc.flows.publish.mutationOptions({
      onSuccess: async ({ number }) => {
        await Promise.all([
          queryClient.invalidateQueries(trpc.flows.get.queryFilter({ flowId })),
          queryClient.invalidateQueries(trpc.flows.versions.queryFilter({ flowId })),
          queryClient.invalidateQueries(trpc.flows.list.pathFilter()),
        ]);
        toast({ tone: "success", title: `Published version ${number}`, description: "New runs use this version." });
        close();
      },
    }),
  );

  function close() {
    publish.reset();
    setMessage("");
    onClose();
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    publish.mutate({ flowId, message: message.trim() || undefined });
  }

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Publish this flow"
      description="Publishing freezes the current draft as a new version. Runs that start from now on use it."
      dismissible={!publish.isPending}
    >
      <form onSubmit={submit} noValidate>
        {problemCount > 0 ? (
          <Alert tone="warning" live={false} className="mb-4">
            The draft has {problemCount} {problemCount === 1 ? "problem" : "problems"}; publishing will be refused
            until {problemCount === 1 ? "it is" : "they are"} fixed.
          </Alert>
        ) : null}
        <Field label="What changed?" aside="Optional" hint="A short note for the version history.">
          <Input value={message} onChange={(e) => setMessage(e.target.value)} maxLength={500} />
        </Field>
        {publish.isError ? (
          <Alert className="mt-4 whitespace-pre-line">{errorMessage(publish.error)}</Alert>
        ) : null}
        <DialogFooter>
          <Button variant="secondary" onClick={close} disabled={publish.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={publish.isPending}>
            Publish
          </Button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
