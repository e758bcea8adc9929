"use client";

import {
  Button,
  buttonClasses,
  DataTable,
  EmptyState,
  Input,
  PageHeader,
  Select,
  Switch,
  TD,
  TDActions,
  TH,
  THActions,
  TR,
  useToast,
} from "@flowgate/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { DeleteDialog } from "@/components/delete-dialog";
import { QueryErrorState } from "@/components/error-state";
import { CopyIcon, FlowIcon, PencilIcon, PlusIcon, SearchIcon, TemplateIcon, TrashIcon } from "@/components/icons";
import { RelativeTime } from "@/components/relative-time";
import { RowActionButton } from "@/components/row-actions";
import { useWorkspace } from "@/components/use-workspace";
import type { FlowListItem } from "@/lib/api-types";
import { errorMessage } from "@/lib/errors";
import { formatRelative, triggerLabel } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { FLOW_SORTS, flowSortLabels, orderFlows, type FlowSort } from "./flow-list-order";
import { CreateFlowDialog, RenameFlowDialog } from "./flow-name-dialogs";
import { FlowStatus, runStatusLabel, RunStatusChip } from "./flow-status";
import { TableSkeleton } from "@/components/table-skeleton";
import { FlowFileDropZone, ImportFlowDialog } from "@/features/flow-files/import-flow-dialog";
import { DownloadIcon, UploadIcon } from "@/features/flow-files/file-icons";
import { useExportFlow } from "@/features/flow-files/use-export-flow";

export function FlowsView() {
  const trpc = useTRPC();
  const router = useRouter();
  const { canEdit } = useWorkspace();
  const flows = useQuery(trpc.flows.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<FlowListItem | null>(null);
  const [deleting, setDeleting] = useState<FlowListItem | null>(null);
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState<FlowSort>("updated");
  const duplicate = useDuplicateFlow();
  const { exportFlow, exportingId } = useExportFlow();
  const [importing, setImporting] = useState<{ file: File | null } | null>(null);

  const newFlowButton = canEdit ? (
    <>
      <Button variant="secondary" icon={<UploadIcon className="size-4" />} onClick={() => setImporting({ file: null })}>
        Import a flow file
      </Button>
      <Button variant="primary" icon={<PlusIcon className="size-4" />} onClick={() => setCreating(true)}>
        New flow
      </Button>
    </>
  ) : null;

  return (
    <>
      <PageHeader
        title="Flows"
        description="Each flow keeps two systems in sync: when it runs, where the data comes from, how it is reshaped, who approves, and where it goes."
        actions={newFlowButton}
      />

      <FlowFileDropZone enabled={canEdit} onFile={(file) => setImporting({ file })}>
      {flows.isPending ? (
        <FlowsSkeleton />
      ) : flows.isError ? (
        <QueryErrorState title="Your flows could not be loaded" query={flows} />
      ) : flows.data.length === 0 ? (
        <EmptyState
          icon={<FlowIcon />}
          title="Build your first flow"
          text={
            <>
              A flow moves records — products, prices, stock levels, orders — from one system to another, on a
              schedule or when something happens. Start from a template that already does most of the work, or draw
              your own step by step.
            </>
          }
          actions={
            canEdit ? (
              <>
                <Link href="/templates" className={buttonClasses({ variant: "primary" })}>
                  <TemplateIcon className="size-4" />
                  Browse templates
                </Link>
                <Button variant="secondary" icon={<PlusIcon className="size-4" />} onClick={() => setCreating(true)}>
                  Start from scratch
                </Button>
              </>
            ) : undefined
          }
          footer={canEdit ? undefined : "You can view flows here once an editor has created one."}
        />
      ) : (
        <>
          <FlowsToolbar search={search} onSearch={setSearch} sort={sort} onSort={setSort} />
          <FlowsTable
            flows={orderFlows(flows.data, search, sort)}
            search={search}
            onClearSearch={() => setSearch("")}
            canEdit={canEdit}
            onRename={setRenaming}
            onDelete={setDeleting}
            onDuplicate={(flow) => duplicate.mutate({ flowId: flow.id })}
            duplicatingId={duplicate.isPending ? duplicate.variables.flowId : null}
            onExport={(flow) => void exportFlow(flow)}
            exportingId={exportingId}
          />
        </>
      )}
      </FlowFileDropZone>
      <ImportFlowDialog open={importing !== null} file={importing?.file ?? null} onClose={() => setImporting(null)} />

      <CreateFlowDialog open={creating} onClose={() => setCreating(false)} onCreated={(id) => router.push(`/flows/${id}`)} />
      <RenameFlowDialog flow={renaming} onClose={() => setRenaming(null)} />
      <DeleteFlowDialog flow={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}

/** Copies a flow (draft only, switched off) and opens the copy, where the person will rename or change it. */
function useDuplicateFlow() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { toast } = useToast();
  return useMutation(
    trpc.flows.duplicate.mutationOptions({
      onSuccess: async ({ id, name }) => {
        await queryClient.invalidateQueries(trpc.flows.list.pathFilter());
        toast({ tone: "success", title: `Copied as “${name}”`, description: "The copy is switched off and has no published version yet." });
        router.push(`/flows/${id}`);
      },
      onError: (error) => toast({ tone: "error", title: "The flow was not copied", description: errorMessage(error) }),
    }),
  );
}

function FlowsToolbar({
  search,
  onSearch,
  sort,
  onSort,
}: {
  search: string;
  onSearch: (search: string) => void;
  sort: FlowSort;
  onSort: (sort: FlowSort) => void;
}) {
  return (
    <div className="mb-4 flex flex-wrap items-center gap-3">
      <div className="relative w-full max-w-xs">
        <SearchIcon className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-slate-400" />
        <Input
          type="search"
          aria-label="Search flows"
          placeholder="Search flows"
          value={search}
          onChange={(event) => onSearch(event.target.value)}
          className="pl-8"
        />
      </div>
      <label className="ml-auto flex items-center gap-2 text-sm text-slate-600">
        Sort by
        <Select
          aria-label="Sort flows"
          value={sort}
          onChange={(event) => onSort(event.target.value as FlowSort)}
          options={FLOW_SORTS.map((value) => ({ value, label: flowSortLabels[value] }))}
          className="w-44"
        />
      </label>
    </div>
  );
}

function FlowsTable({
  flows,
  search,
  onClearSearch,
  canEdit,
  onRename,
  onDelete,
  onDuplicate,
  duplicatingId,
  onExport,
  exportingId,
}: {
  flows: FlowListItem[];
  search: string;
  onClearSearch: () => void;
  canEdit: boolean;
  onRename: (flow: FlowListItem) => void;
  onDelete: (flow: FlowListItem) => void;
  onDuplicate: (flow: FlowListItem) => void;
  duplicatingId: string | null;
  onExport: (flow: FlowListItem) => void;
  exportingId: string | null;
}) {
  if (flows.length === 0) {
    return (
      <div role="status" className="rounded-card border border-dashed border-slate-300 bg-white/60 px-6 py-10 text-center">
        <p className="text-sm text-slate-700">No flow matches “{search.trim()}”.</p>
        <Button variant="secondary" size="sm" className="mt-3" onClick={onClearSearch}>
          Clear the search
        </Button>
      </div>
    );
  }
  return (
    <DataTable
      head={
        <>
          <TH>Name</TH>
          <TH className="w-20">Enabled</TH>
          <TH>Status</TH>
          <TH>Trigger</TH>
          <TH>Last run</TH>
          <TH>Updated</TH>
          <THActions />
        </>
      }
    >
      {flows.map((flow) => (
        <TR key={flow.id}>
          <TD className="max-w-[14rem] xl:max-w-xs">
            <Link
              href={`/flows/${flow.id}`}
              className="block truncate font-medium text-slate-900 hover:text-accent-700 hover:underline"
            >
              {flow.name}
            </Link>
          </TD>
          <TD>
            <EnabledSwitch flow={flow} disabled={!canEdit} />
          </TD>
          <TD>
            <FlowStatus
              activeVersionNumber={flow.activeVersionNumber}
              hasUnpublishedChanges={flow.hasUnpublishedChanges}
            />
          </TD>
          <TD>
            <span className="block whitespace-nowrap">
              {triggerLabel(flow.triggerKind) ?? <span className="text-slate-400">None yet</span>}
            </span>
            {flow.nextRunAt ? (
              <span className="block text-xs whitespace-nowrap text-slate-500">
                Next <RelativeTime value={flow.nextRunAt} />
              </span>
            ) : null}
          </TD>
          <TD>
            {flow.lastRun ? (
              <Link
                href={`/runs/${flow.lastRun.id}`}
                aria-label={`Last run of ${flow.name}: ${runStatusLabel(flow.lastRun.status)}, ${formatRelative(flow.lastRun.createdAt)}`}
                className="group inline-flex flex-col items-start gap-0.5 rounded-control"
              >
                <RunStatusChip status={flow.lastRun.status} />
                <RelativeTime value={flow.lastRun.createdAt} className="text-xs whitespace-nowrap text-slate-500 group-hover:underline" />
              </Link>
            ) : (
              <span className="text-slate-400">Never run</span>
            )}
          </TD>
          <TD>
            <RelativeTime value={flow.updatedAt} className="whitespace-nowrap" />
          </TD>
          <TDActions>
            <RowActionButton
              action="Export"
              name={flow.name}
              icon={<DownloadIcon className="size-4" />}
              iconOnly
              onClick={() => (exportingId ? undefined : onExport(flow))}
            />
            {canEdit ? (
              <>
              <RowActionButton
                action="Duplicate"
                name={flow.name}
                icon={<CopyIcon className="size-4" />}
                iconOnly
                // One copy at a time: a second click while the first is in flight would make two.
                onClick={() => (duplicatingId ? undefined : onDuplicate(flow))}
              />
              <RowActionButton action="Rename" name={flow.name} icon={<PencilIcon className="size-4" />} iconOnly onClick={() => onRename(flow)} />
              <RowActionButton action="Delete" name={flow.name} icon={<TrashIcon className="size-4" />} danger iconOnly onClick={() => onDelete(flow)} />
              </>
            ) : null}
          </TDActions>
        </TR>
      ))}
    </DataTable>
  );
}

export function EnabledSwitch({
  flow,
  disabled,
}: {
  flow: { id: string; name: string; enabled: boolean };
  disabled?: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const setEnabled = useMutation(
    trpc.flows.setEnabled.mutationOptions({
      onSuccess: ({ enabled }) => {
        toast({
          tone: "success",
          title: enabled ? `“${flow.name}” is on` : `“${flow.name}” is off`,
          description: enabled ? "It will run on its trigger." : "It will not run until you switch it back on.",
        });
      },
      onError: (error) => {
        toast({ tone: "error", title: `“${flow.name}” was not switched`, description: errorMessage(error) });
      },
      onSettled: () =>
        Promise.all([
          queryClient.invalidateQueries(trpc.flows.list.pathFilter()),
          queryClient.invalidateQueries(trpc.flows.get.queryFilter({ flowId: flow.id })),
        ]),
    }),
  );
  // Show the requested position while the call is in flight.
  const checked = setEnabled.isPending ? setEnabled.variables.enabled : flow.enabled;
  return (
    <Switch
      size="sm"
      checked={checked}
      disabled={disabled || setEnabled.isPending}
      aria-label={`Enable ${flow.name}`}
      title={disabled ? "Viewers cannot switch flows on or off" : undefined}
      onCheckedChange={(enabled) => setEnabled.mutate({ flowId: flow.id, enabled })}
    />
  );
}

function DeleteFlowDialog({ flow, onClose }: { flow: FlowListItem | null; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.flows.delete.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.flows.list.pathFilter()),
    }),
  );
  return (
    <DeleteDialog
      item={flow}
      text="Its versions and history go with it. This cannot be undone."
      mutation={remove}
      onConfirm={({ id }) => remove.mutateAsync({ flowId: id })}
      onClose={onClose}
    />
  );
}

function FlowsSkeleton() {
  return (
    <TableSkeleton
      label="Loading flows"
      rows={4}
      cells={["h-4 w-56", "h-5 w-9 rounded-full", "h-5 w-24 rounded-full", "h-4 w-20", "h-5 w-20 rounded-full", "ml-auto h-4 w-24"]}
    />
  );
}
