"use client";

import {
  Badge,
  Button,
  ConfirmDialog,
  EmptyState,
  PageHeader,
  Skeleton,
  Table,
  TableContainer,
  TBody,
  TD,
  TH,
  THead,
  TR,
  useToast,
} from "@flowgate/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorState } from "@/components/error-state";
import { ConnectionIcon, PencilIcon, PlusIcon, TrashIcon } from "@/components/icons";
import { useWorkspace } from "@/components/use-workspace";
import type { Connection } from "@/lib/api-types";
import { errorMessage } from "@/lib/errors";
import { formatDateTime, formatRelative } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { ConnectionDialog } from "./connection-dialog";

const KIND_LABELS: Record<Connection["kind"], string> = { http: "HTTP API", postgres: "PostgreSQL" };

function summary(connection: Connection): string {
  const s = connection.settings;
  if (connection.kind === "http") return typeof s.baseUrl === "string" ? s.baseUrl : "";
  const host = typeof s.host === "string" ? s.host : "";
  const port = typeof s.port === "number" || typeof s.port === "string" ? `:${s.port}` : "";
  const database = typeof s.database === "string" ? `/${s.database}` : "";
  return `${host}${port}${database}`;
}

export function ConnectionsView() {
  const trpc = useTRPC();
  const { canEdit } = useWorkspace();
  const list = useQuery(trpc.connections.list.queryOptions());
  const [editing, setEditing] = useState<Connection | "new" | null>(null);
  const [deleting, setDeleting] = useState<Connection | null>(null);

  return (
    <>
      <PageHeader
        title="Connections"
        description="The systems your flows read from and write to. Credentials are stored encrypted and are never shown again once saved."
        actions={
          canEdit ? (
            <Button variant="primary" icon={<PlusIcon className="size-4" />} onClick={() => setEditing("new")}>
              New connection
            </Button>
          ) : null
        }
      />

      {list.isPending ? (
        <TableContainer aria-busy="true" aria-label="Loading connections">
          {[0, 1, 2].map((i) => (
            <div key={i} className="flex items-center gap-6 border-b border-slate-100 px-4 py-4 last:border-0">
              <Skeleton className="h-4 w-48" />
              <Skeleton className="h-5 w-20 rounded-full" />
              <Skeleton className="h-4 w-64" />
            </div>
          ))}
        </TableContainer>
      ) : list.isError ? (
        <ErrorState
          title="Connections could not be loaded"
          error={list.error}
          onRetry={() => void list.refetch()}
          retrying={list.isRefetching}
        />
      ) : list.data.length === 0 ? (
        <EmptyState
          icon={<ConnectionIcon />}
          title="No connections yet"
          text="A connection tells Flowgate how to reach one of your systems — a supplier's API, your shop, a database — and holds its credentials safely. Flows pick a connection instead of repeating addresses and passwords."
          actions={
            canEdit ? (
              <Button variant="primary" icon={<PlusIcon className="size-4" />} onClick={() => setEditing("new")}>
                Add your first connection
              </Button>
            ) : undefined
          }
        />
      ) : (
        <TableContainer>
          <Table>
            <THead>
              <tr>
                <TH>Name</TH>
                <TH>Type</TH>
                <TH>Address</TH>
                <TH>Credentials</TH>
                <TH>Updated</TH>
                {canEdit ? (
                  <TH className="text-right">
                    <span className="sr-only">Actions</span>
                  </TH>
                ) : null}
              </tr>
            </THead>
            <TBody>
              {list.data.map((connection) => (
                <TR key={connection.id}>
                  <TD className="font-medium text-slate-900">{connection.name}</TD>
                  <TD>
                    <Badge tone="accent">{KIND_LABELS[connection.kind]}</Badge>
                  </TD>
                  <TD className="max-w-xs truncate font-mono text-xs text-slate-600">{summary(connection)}</TD>
                  <TD>
                    {connection.hasSecret ? (
                      <span className="text-slate-700">•••• set</span>
                    ) : (
                      <span className="text-slate-400">None</span>
                    )}
                  </TD>
                  <TD>
                    <time dateTime={connection.updatedAt} title={formatDateTime(connection.updatedAt)} className="whitespace-nowrap">
                      {formatRelative(connection.updatedAt)}
                    </time>
                  </TD>
                  {canEdit ? (
                    <TD className="text-right whitespace-nowrap">
                      <Button
                        variant="ghost"
                        size="sm"
                        aria-label={`Edit ${connection.name}`}
                        icon={<PencilIcon className="size-4" />}
                        title="Edit"
                        onClick={() => setEditing(connection)}
                      >
                        <span className="hidden xl:inline">Edit</span>
                      </Button>
                      <Button
                        variant="ghost"
                        size="sm"
                        aria-label={`Delete ${connection.name}`}
                        className="text-red-700 hover:bg-red-50 hover:text-red-800"
                        icon={<TrashIcon className="size-4" />}
                        title="Delete"
                        onClick={() => setDeleting(connection)}
                      >
                        <span className="hidden xl:inline">Delete</span>
                      </Button>
                    </TD>
                  ) : null}
                </TR>
              ))}
            </TBody>
          </Table>
        </TableContainer>
      )}

      <ConnectionDialog
        key={editing === "new" ? "new" : (editing?.id ?? "closed")}
        open={editing !== null}
        connection={editing === "new" ? null : editing}
        onClose={() => setEditing(null)}
      />
      <DeleteConnectionDialog connection={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}

function DeleteConnectionDialog({ connection, onClose }: { connection: Connection | null; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const remove = useMutation(
    trpc.connections.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.connections.list.pathFilter());
        toast({ tone: "success", title: `“${connection?.name ?? "The connection"}” was deleted` });
        onClose();
      },
    }),
  );
  function close() {
    remove.reset();
    onClose();
  }
  return (
    <ConfirmDialog
      open={connection !== null}
      onClose={close}
      onConfirm={() => connection && remove.mutate({ connectionId: connection.id })}
      title={`Delete “${connection?.name ?? ""}”?`}
      text="Flows that use it will fail until they are given another connection. Its stored credentials are erased. This cannot be undone."
      confirmLabel="Delete"
      danger
      loading={remove.isPending}
      error={remove.isError ? errorMessage(remove.error) : undefined}
    />
  );
}
