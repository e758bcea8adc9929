"use client";

import { Alert, Button, buttonClasses, ConfirmDialog, Dialog, DialogFooter, useToast } from "@flowgate/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { ApprovalIcon } from "@/components/icons";
import { errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { isLive, recordsText, type RunDetail } from "./run-text";

/** Fresh lists after anything that starts, stops or changes a run. */
function useRefreshRuns(runId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.runs.list.pathFilter()),
      queryClient.invalidateQueries(trpc.runs.get.queryFilter({ runId })),
      queryClient.invalidateQueries(trpc.runs.errors.pathFilter()),
    ]);
}

/**
 * runs.retryFailed: a new run sends this run's failed records again (these ids, or every open one).
 * The page stays on this run (its errors turn "retried" once the new run has them) and links to the new one.
 */
export function useRetryFailed(runId: string, onStarted: (retry: { runId: string; records: number }) => void) {
  const trpc = useTRPC();
  const { toast } = useToast();
  const refresh = useRefreshRuns(runId);
  return useMutation(
    trpc.runs.retryFailed.mutationOptions({
      onSuccess: async (result) => {
        toast({ tone: "success", title: `Retrying ${recordsText(result.records)}`, description: "A new run sends them again through the steps they failed in." });
        onStarted(result);
        await refresh();
      },
    }),
  );
}

/** The run page's actions: cancel while it goes on; retry (all, or the failed records) once it is over; the change set that waits. */
export function RunActions({ run, canEdit, onRetryStarted }: { run: RunDetail; canEdit: boolean; onRetryStarted: (retry: { runId: string; records: number }) => void }) {
  const live = isLive(run.status);
  return (
    <>
      {run.pendingChangeSetId ? (
        <Link href={`/approvals/${run.pendingChangeSetId}`} className={buttonClasses({ variant: run.status === "awaiting_approval" ? "primary" : "secondary" })}>
          <ApprovalIcon className="size-4" />
          Open the change set
        </Link>
      ) : null}
      {canEdit && live ? <CancelRun run={run} /> : null}
      {canEdit && !live && run.retryableErrors > 0 ? <RetryFailed run={run} onStarted={onRetryStarted} /> : null}
      {canEdit && !live ? <RetryRun run={run} /> : null}
    </>
  );
}

function CancelRun({ run }: { run: RunDetail }) {
  const trpc = useTRPC();
  const { toast } = useToast();
  const refresh = useRefreshRuns(run.id);
  const [open, setOpen] = useState(false);
  const cancel = useMutation(
    trpc.runs.cancel.mutationOptions({
      onSuccess: async (result) => {
        setOpen(false);
        toast(
          result.status === "cancelled"
            ? { tone: "success", title: "Run cancelled" }
            : { tone: "info", title: "The run is stopping", description: "It stops after the batch it is working on; what that batch writes stays written." },
        );
        await refresh();
      },
    }),
  );
  if (run.cancelRequested) {
    return (
      <Button variant="secondary" disabled title="The run stops after the batch it is working on.">
        Stopping…
      </Button>
    );
  }
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Cancel run
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => {
          setOpen(false);
          cancel.reset();
        }}
        onConfirm={() => cancel.mutate({ runId: run.id })}
        title="Cancel this run?"
        text={
          run.status === "running"
            ? "The run stops after the batch it is working on. Records already written stay written; the rest are not read. You can retry the run later."
            : run.status === "awaiting_approval"
              ? "The changes waiting for approval expire and are not written. You can retry the run later."
              : "The run will not start. You can retry it later."
        }
        confirmLabel="Cancel the run"
        cancelLabel="Keep it going"
        danger
        loading={cancel.isPending}
        error={cancel.isError ? errorMessage(cancel.error) : undefined}
      />
    </>
  );
}

function RetryFailed({ run, onStarted }: { run: RunDetail; onStarted: (retry: { runId: string; records: number }) => void }) {
  const [open, setOpen] = useState(false);
  const retry = useRetryFailed(run.id, (result) => {
    setOpen(false);
    onStarted(result);
  });
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Retry failed records
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => {
          setOpen(false);
          retry.reset();
        }}
        onConfirm={() => retry.mutate({ runId: run.id })}
        title="Retry the failed records?"
        text={`The failed records of this run that are not retried or dismissed yet go again through the steps they failed in, as a new run of version ${run.versionNumber}. Records that went through are not sent again.`}
        confirmLabel="Retry failed records"
        loading={retry.isPending}
        error={retry.isError ? errorMessage(retry.error) : undefined}
      />
    </>
  );
}

function RetryRun({ run }: { run: RunDetail }) {
  const trpc = useTRPC();
  const router = useRouter();
  const { toast } = useToast();
  const refresh = useRefreshRuns(run.id);
  const name = useId();
  const [open, setOpen] = useState(false);
  const [version, setVersion] = useState<"same" | "latest">("same");
  const retry = useMutation(
    trpc.runs.retry.mutationOptions({
      onSuccess: async ({ runId }) => {
        setOpen(false);
        toast({ tone: "success", title: "Retry started", description: "This is the new run; the one it retries stays as it was." });
        await refresh();
        router.push(`/runs/${runId}`);
      },
    }),
  );
  const close = () => {
    setOpen(false);
    retry.reset();
  };
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Retry from the start
      </Button>
      <Dialog open={open} onClose={close} dismissible={!retry.isPending} title="Retry from the start" description="A new run reads everything again from the source and sends it through every step.">
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">Which version of the flow?</legend>
          <div className="mt-2 space-y-2 text-sm text-slate-700">
            <label className="flex items-start gap-2">
              <input type="radio" name={name} checked={version === "same"} onChange={() => setVersion("same")} className="mt-1 accent-accent-600" />
              <span>
                Version {run.versionNumber}, the one this run used
                <span className="block text-xs text-slate-500">The same steps and settings as this run.</span>
              </span>
            </label>
            <label className="flex items-start gap-2">
              <input type="radio" name={name} checked={version === "latest"} onChange={() => setVersion("latest")} className="mt-1 accent-accent-600" />
              <span>
                The published version
                <span className="block text-xs text-slate-500">With any changes published since this run.</span>
              </span>
            </label>
          </div>
        </fieldset>
        {retry.isError ? <Alert className="mt-4">{errorMessage(retry.error)}</Alert> : null}
        <DialogFooter>
          <Button variant="secondary" onClick={close} disabled={retry.isPending}>
            Cancel
          </Button>
          <Button variant="primary" loading={retry.isPending} onClick={() => retry.mutate({ runId: run.id, version })}>
            Start the retry
          </Button>
        </DialogFooter>
      </Dialog>
    </>
  );
}
