"use client";

import { Button, Field, Select } from "@flowgate/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { ConnectionDialog } from "@/app/(app)/connections/connection-dialog";
import { PlusIcon } from "@/components/icons";
import { useWorkspace } from "@/components/use-workspace";
import { errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { useNodeForm } from "./node-form-context";

const KIND_NAMES: Record<string, string> = { http: "HTTP API", postgres: "PostgreSQL" };

/**
 * The stored connection a step uses: a select of the workspace's connections of the kind the step
 * needs, a new one made here without leaving the flow, and a test that it answers. Secrets stay on
 * the server: the step only holds the connection's id.
 */
export function ConnectionPicker({
  id,
  label,
  hint,
  error,
  required,
  value,
  onChange,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: ReactNode;
  required: boolean;
  value: string | undefined;
  onChange(value: string | undefined): void;
}) {
  const { kind, readOnly } = useNodeForm();
  const { canEdit } = useWorkspace();
  const trpc = useTRPC();
  const list = useQuery(trpc.connections.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const test = useMutation(trpc.connections.test.mutationOptions());
  const connectionKind = kind.connection;
  const connections = (list.data ?? []).filter((connection) => connection.kind === connectionKind);
  const known = value === undefined || connections.some((connection) => connection.id === value);
  const kindName = KIND_NAMES[connectionKind ?? ""] ?? connectionKind ?? "";
  const tested = test.variables?.connectionId === value ? test : undefined;

  const emptyLabel = list.isPending
    ? "Loading connections…"
    : connections.length === 0
      ? `No ${kindName} connections yet`
      : required
        ? "Choose a connection…"
        : "No connection (full addresses)";

  return (
    <div className="space-y-2">
      <Field
        id={id}
        label={label}
        hint={hint ?? (list.isError ? undefined : `Where the ${kindName} address and credentials are kept.`)}
        error={error ?? (list.isError ? `The connections could not be loaded: ${errorMessage(list.error)}` : undefined)}
        aside={required ? undefined : "Optional"}
      >
        <Select value={value ?? ""} onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value)} disabled={readOnly}>
          <option value="">{emptyLabel}</option>
          {connections.map((connection) => (
            <option key={connection.id} value={connection.id}>
              {connection.name}
            </option>
          ))}
          {!known ? <option value={value}>A connection that no longer exists</option> : null}
        </Select>
      </Field>
      {readOnly || !canEdit ? null : (
        <div className="flex flex-wrap items-center gap-2">
          <Button size="sm" variant="secondary" icon={<PlusIcon className="size-4" />} onClick={() => setCreating(true)}>
            New connection…
          </Button>
          <Button size="sm" variant="ghost" disabled={!value || !known} loading={test.isPending} onClick={() => value && test.mutate({ connectionId: value })}>
            Test connection
          </Button>
        </div>
      )}
      <div role="status" aria-live="polite">
        {tested?.isSuccess ? (
          <p className={tested.data.ok ? "text-sm text-emerald-700" : "text-sm text-red-700"}>
            {tested.data.ok ? "✓ " : ""}
            {tested.data.message}
          </p>
        ) : tested?.isError ? (
          <p className="text-sm text-red-700">The test could not run: {errorMessage(tested.error)}</p>
        ) : null}
      </div>
      {creating ? (
        <ConnectionDialog
          open
          connection={null}
          kind={connectionKind}
          onClose={() => setCreating(false)}
          onCreated={(connectionId) => onChange(connectionId)}
        />
      ) : null}
    </div>
  );
}
