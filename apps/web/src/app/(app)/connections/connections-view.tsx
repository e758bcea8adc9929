"use client";

import { Badge, Button, DataTable, EmptyState, PageHeader, Skeleton, TableContainer, TD, TH, THActions, TR } from "@flowgate/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { DeleteDialog } from "@/components/delete-dialog";
import { QueryErrorState } from "@/components/error-state";
import { ConnectionIcon, PlusIcon } from "@/components/icons";
import { RelativeTime } from "@/components/relative-time";
import { RowActions } from "@/components/row-actions";
import { useWorkspace } from "@/components/use-workspace";
import type { Connection } from "@/lib/api-types";
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
        <QueryErrorState title="Connections could not be loaded" query={list} />
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
        <DataTable
          head={
            <>
              <TH>Name</TH>
              <TH>Type</TH>
              <TH>Address</TH>
              <TH>Credentials</TH>
              <TH>Updated</TH>
              {canEdit ? <THActions /> : null}
            </>
          }
        >
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
                <RelativeTime value={connection.updatedAt} className="whitespace-nowrap" />
              </TD>
              {canEdit ? (
                <RowActions
                  name={connection.name}
                  onEdit={() => setEditing(connection)}
                  onDelete={() => setDeleting(connection)}
                />
              ) : null}
            </TR>
          ))}
        </DataTable>
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
  const remove = useMutation(
    trpc.connections.delete.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.connections.list.pathFilter()),
    }),
  );
  return (
    <DeleteDialog
      item={connection}
      text="Flows that use it will fail until they are given another connection. Its stored credentials are erased. This cannot be undone."
      mutation={remove}
      onConfirm={({ id }) => remove.mutateAsync({ connectionId: id })}
      onClose={onClose}
    />
  );
}
