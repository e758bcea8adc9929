"use client";

import { Alert, Button, Dialog, DialogFooter, Field, Input, useToast } from "@flowgate/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";

/** Publishes the saved draft as a new immutable version, with an optional message. */
export function PublishDialog({
  open,
  onClose,
  flowId,
  beforePublish,
}: {
  open: boolean;
  onClose: () => void;
  flowId: string;
  /** Saves pending edits first; resolves false when the draft could not be saved. */
  beforePublish: () => Promise<boolean>;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const [message, setMessage] = useState("");
  const [saveFailed, setSaveFailed] = useState(false);
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
    setSaveFailed(false);
    onClose();
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaveFailed(false);
    if (!(await beforePublish())) {
      setSaveFailed(true);
      return;
    }
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
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label="What changed?" aside="Optional" hint="A short note for the version history.">
          <Input value={message} onChange={(e) => setMessage(e.target.value)} maxLength={500} autoFocus />
        </Field>
        {saveFailed ? <Alert className="mt-4">The latest edits could not be saved, so nothing was published. Resolve the save problem shown at the top, then publish again.</Alert> : null}
        {publish.isError ? <Alert className="mt-4 whitespace-pre-line">{errorMessage(publish.error)}</Alert> : null}
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
