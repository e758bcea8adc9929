"use client";

import { Button, Dialog, DialogFooter, Field, Input } from "@flowgate/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";

const MAX_NAME = 120;

function checkName(name: string): string | undefined {
  if (!name.trim()) return "Give the flow a name.";
  if (name.trim().length > MAX_NAME) return `Keep the name under ${MAX_NAME} characters.`;
  return undefined;
}

function NameForm({
  initial,
  submitLabel,
  pending,
  serverError,
  onSubmit,
  onCancel,
  hint,
}: {
  initial: string;
  submitLabel: string;
  pending: boolean;
  serverError: string | undefined;
  onSubmit: (name: string) => void;
  onCancel: () => void;
  hint?: string;
}) {
  const [name, setName] = useState(initial);
  const [error, setError] = useState<string | undefined>();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problem = checkName(name);
    setError(problem);
    if (!problem) onSubmit(name.trim());
  }

  return (
    <form onSubmit={submit} noValidate>
      <Field label="Flow name" hint={hint} error={error ?? serverError}>
        <Input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. Sync supplier prices to the shop"
          maxLength={MAX_NAME + 20}
        />
      </Field>
      <DialogFooter>
        <Button variant="secondary" onClick={onCancel} disabled={pending}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" loading={pending}>
          {submitLabel}
        </Button>
      </DialogFooter>
    </form>
  );
}

export function CreateFlowDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated?: (id: string, name: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const create = useMutation(
    trpc.flows.create.mutationOptions({
      onSuccess: async ({ id }, { name }) => {
        await queryClient.invalidateQueries(trpc.flows.list.pathFilter());
        onCreated?.(id, name);
        onClose();
      },
    }),
  );
  function close() {
    create.reset();
    onClose();
  }
  return (
    <Dialog
      open={open}
      onClose={close}
      title="New flow"
      description="Name it after what it does; you can rename it any time."
      dismissible={!create.isPending}
    >
      <NameForm
        initial=""
        submitLabel="Create"
        pending={create.isPending}
        serverError={create.isError ? errorMessage(create.error) : undefined}
        onSubmit={(name) => create.mutate({ name })}
        onCancel={close}
      />
    </Dialog>
  );
}

export function RenameFlowDialog({
  flow,
  onClose,
}: {
  flow: { id: string; name: string } | null;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const rename = useMutation(
    trpc.flows.rename.mutationOptions({
      onSuccess: async () => {
        await Promise.all([
          queryClient.invalidateQueries(trpc.flows.list.pathFilter()),
          queryClient.invalidateQueries(trpc.flows.get.pathFilter()),
        ]);
        onClose();
      },
    }),
  );
  function close() {
    rename.reset();
    onClose();
  }
  return (
    <Dialog open={flow !== null} onClose={close} title="Rename flow" dismissible={!rename.isPending}>
      {flow ? (
        <NameForm
          key={flow.id}
          initial={flow.name}
          submitLabel="Save"
          pending={rename.isPending}
          serverError={rename.isError ? errorMessage(rename.error) : undefined}
          onSubmit={(name) => rename.mutate({ flowId: flow.id, name })}
          onCancel={close}
        />
      ) : null}
    </Dialog>
  );
}
