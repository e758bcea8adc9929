"use client";

import {
  Button,
  DataTable,
  EmptyState,
  PageHeader,
  Skeleton,
  Switch,
  TableContainer,
  TD,
  TH,
  THActions,
  TR,
  useToast,
} from "@flowgate/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { DeleteDialog } from "@/components/delete-dialog";
import { QueryErrorState } from "@/components/error-state";
import { FlowIcon, PlusIcon, TemplateIcon } from "@/components/icons";
import { RelativeTime } from "@/components/relative-time";
import { RowActions } from "@/components/row-actions";
import { useWorkspace } from "@/components/use-workspace";
import type { FlowListItem } from "@/lib/api-types";
import { errorMessage } from "@/lib/errors";
import { triggerLabel } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { CreateFlowDialog, RenameFlowDialog } from "./flow-name-dialogs";
import { FlowStatus } from "./flow-status";

export function FlowsView() {
  const trpc = useTRPC();
  const { canEdit } = useWorkspace();
  const flows = useQuery(trpc.flows.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<FlowListItem | null>(null);
  const [deleting, setDeleting] = useState<FlowListItem | null>(null);

  const newFlowButton = canEdit ? (
    <Button variant="primary" icon={<PlusIcon className="size-4" />} onClick={() => setCreating(true)}>
      New flow
    </Button>
  ) : null;

  return (
    <>
      <PageHeader
        title="Flows"
        description="Each flow keeps two systems in sync: when it runs, where the data comes from, how it is reshaped, who approves, and where it goes."
        actions={newFlowButton}
      />

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
              schedule or when something happens. You draw it step by step, and can ask an admin to approve each
              change before it is written.
            </>
          }
          actions={
            canEdit ? (
              <>
                <Button variant="primary" icon={<PlusIcon className="size-4" />} onClick={() => setCreating(true)}>
                  Create your first flow
                </Button>
                <Button variant="secondary" icon={<TemplateIcon className="size-4" />} disabled>
                  Browse templates — coming soon
                </Button>
              </>
            ) : undefined
          }
          footer={canEdit ? undefined : "You can view flows here once an editor has created one."}
        />
      ) : (
        <FlowsTable flows={flows.data} canEdit={canEdit} onRename={setRenaming} onDelete={setDeleting} />
      )}

      <CreateFlowDialog open={creating} onClose={() => setCreating(false)} />
      <RenameFlowDialog flow={renaming} onClose={() => setRenaming(null)} />
      <DeleteFlowDialog flow={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}

function FlowsTable({
  flows,
  canEdit,
  onRename,
  onDelete,
}: {
  flows: FlowListItem[];
  canEdit: boolean;
  onRename: (flow: FlowListItem) => void;
  onDelete: (flow: FlowListItem) => void;
}) {
  return (
    <DataTable
      head={
        <>
          <TH>Name</TH>
          <TH className="w-24">Enabled</TH>
          <TH>Status</TH>
          <TH>Trigger</TH>
          <TH>Updated</TH>
          {canEdit ? <THActions /> : null}
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
            <span className="whitespace-nowrap">
              {triggerLabel(flow.triggerKind) ?? <span className="text-slate-400">None yet</span>}
            </span>
          </TD>
          <TD>
            <RelativeTime value={flow.updatedAt} className="whitespace-nowrap" />
          </TD>
          {canEdit ? (
            <RowActions
              name={flow.name}
              editLabel="Rename"
              onEdit={() => onRename(flow)}
              onDelete={() => onDelete(flow)}
            />
          ) : null}
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
    <TableContainer aria-busy="true" aria-label="Loading flows">
      <div className="border-b border-line bg-slate-50/80 px-4 py-3">
        <Skeleton className="h-3 w-40" />
      </div>
      {[0, 1, 2, 3].map((i) => (
        <div key={i} className="flex items-center gap-6 border-b border-slate-100 px-4 py-4 last:border-0">
          <Skeleton className="h-4 w-56" />
          <Skeleton className="h-5 w-9 rounded-full" />
          <Skeleton className="h-5 w-24 rounded-full" />
          <Skeleton className="h-4 w-20" />
          <Skeleton className="ml-auto h-4 w-24" />
        </div>
      ))}
    </TableContainer>
  );
}
