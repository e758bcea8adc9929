"use client";

import { ConfirmDialog, useToast } from "@flowgate/ui";
import { errorMessage } from "@/lib/errors";

/**
 * Asks before deleting a named item. The caller owns the mutation and passes `onConfirm` that
 * starts it (mutateAsync); this dialog shows its progress and error, says so in a toast once it
 * succeeds and closes, and clears the error when it is dismissed.
 */
export function DeleteDialog<T extends { name: string }>({
  item,
  text,
  mutation,
  onConfirm,
  onClose,
}: {
  item: T | null;
  text: string;
  mutation: { isPending: boolean; isError: boolean; error: unknown; reset: () => void };
  onConfirm: (item: T) => Promise<unknown>;
  onClose: () => void;
}) {
  const { toast } = useToast();
  function confirm(target: T) {
    onConfirm(target).then(
      () => {
        toast({ tone: "success", title: `“${target.name}” was deleted` });
        onClose();
      },
      () => undefined, // shown from mutation.error
    );
  }
  return (
    <ConfirmDialog
      open={item !== null}
      onClose={() => {
        mutation.reset();
        onClose();
      }}
      onConfirm={() => item && confirm(item)}
      title={`Delete “${item?.name ?? ""}”?`}
      text={text}
      confirmLabel="Delete"
      danger
      loading={mutation.isPending}
      error={mutation.isError ? errorMessage(mutation.error) : undefined}
    />
  );
}
