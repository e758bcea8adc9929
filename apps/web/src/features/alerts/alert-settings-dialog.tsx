"use client";

import { Alert, Button, Dialog, DialogFooter, Field, Input, Skeleton, Switch, useToast } from "@flowgate/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { QueryErrorState } from "@/components/error-state";
import { errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { MAX_WAITING_HOURS, parseSettingsForm, settingsForm, type AlertSettings, type AlertSettingsForm } from "./alert-text";
import { BellIcon } from "./bell-icon";

/** The flow editor header's bell: when this flow raises an alert, and where else the notice goes. Editors change it; others read it. */
export function AlertSettingsButton({ flowId, canEdit }: { flowId: string; canEdit: boolean }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <Button variant="ghost" size="icon" aria-label="Alerts for this flow" title="Alerts for this flow" onClick={() => setOpen(true)}>
        <BellIcon className="size-4" />
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        dismissible={!busy}
        title="Alerts for this flow"
        description="Alerts show under Alerts, with a count on the bell in the sidebar. Repeated failures stay one alert until a run succeeds again."
      >
        <SettingsLoader flowId={flowId} canEdit={canEdit} onClose={() => setOpen(false)} onBusy={setBusy} />
      </Dialog>
    </>
  );
}

function SettingsLoader({ flowId, canEdit, onClose, onBusy }: { flowId: string; canEdit: boolean; onClose: () => void; onBusy: (busy: boolean) => void }) {
  const trpc = useTRPC();
  const settings = useQuery(trpc.alerts.settings.queryOptions({ flowId }, { refetchOnWindowFocus: false }));
  if (settings.isPending) {
    return (
      <div aria-busy="true" aria-label="Loading the alert settings" className="space-y-4">
        <Skeleton className="h-14 w-full" />
        <Skeleton className="h-14 w-full" />
        <Skeleton className="h-16 w-full" />
      </div>
    );
  }
  if (settings.isError) return <QueryErrorState title="The alert settings could not be loaded" query={settings} />;
  return <SettingsForm flowId={flowId} initial={settings.data} canEdit={canEdit} onClose={onClose} onBusy={onBusy} />;
}

function SettingsForm({
  flowId,
  initial,
  canEdit,
  onClose,
  onBusy,
}: {
  flowId: string;
  initial: AlertSettings;
  canEdit: boolean;
  onClose: () => void;
  onBusy: (busy: boolean) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const id = useId();
  const [form, setForm] = useState<AlertSettingsForm>(() => settingsForm(initial));
  const [errors, setErrors] = useState<{ hours?: string; webhookUrl?: string }>({});
  const save = useMutation(
    trpc.alerts.updateSettings.mutationOptions({
      onMutate: () => onBusy(true),
      onSettled: () => onBusy(false),
      onSuccess: (saved) => {
        queryClient.setQueryData(trpc.alerts.settings.queryKey({ flowId }), saved);
        toast({ tone: "success", title: "Alert settings saved" });
        onClose();
      },
    }),
  );
  const set = <K extends keyof AlertSettingsForm>(key: K, value: AlertSettingsForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    if (key === "hours" || key === "approvalsWaiting") setErrors((e) => ({ ...e, hours: undefined }));
    if (key === "webhookUrl") setErrors((e) => ({ ...e, webhookUrl: undefined }));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseSettingsForm(form);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    save.mutate({ flowId, ...parsed.value });
  };
  const readOnly = !canEdit;

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      {readOnly ? (
        <p className="rounded-control bg-slate-100 px-3 py-2 text-sm text-slate-700">You can see these settings; only editors can change them.</p>
      ) : null}
      <div className="flex items-start justify-between gap-4 rounded-control border border-line px-3 py-2.5">
        <div>
          <p id={`${id}-failure`} className="text-sm font-medium text-slate-800">
            When a run fails
          </p>
          <p id={`${id}-failure-hint`} className="text-xs text-slate-500">
            An alert opens at the first failure and counts the ones after it.
          </p>
        </div>
        <Switch
          checked={form.onFailure}
          onCheckedChange={(v) => set("onFailure", v)}
          disabled={readOnly}
          aria-labelledby={`${id}-failure`}
          aria-describedby={`${id}-failure-hint`}
        />
      </div>
      <div className="rounded-control border border-line px-3 py-2.5">
        <div className="flex flex-wrap items-center gap-x-2 gap-y-2 text-sm text-slate-800">
          <input
            id={`${id}-waiting`}
            type="checkbox"
            checked={form.approvalsWaiting}
            disabled={readOnly}
            onChange={(event) => set("approvalsWaiting", event.target.checked)}
            className="size-4 rounded border-slate-300 accent-accent-600 disabled:opacity-40"
          />
          <label htmlFor={`${id}-waiting`} className="font-medium">
            When approvals wait longer than
          </label>
          <span className="w-20">
            <Input
              aria-label="Hours changes may wait"
              aria-invalid={errors.hours ? true : undefined}
              aria-describedby={errors.hours ? `${id}-hours-error` : undefined}
              inputMode="numeric"
              className="text-right tabular-nums"
              value={form.hours}
              disabled={readOnly || !form.approvalsWaiting}
              onChange={(event) => set("hours", event.target.value)}
              max={MAX_WAITING_HOURS}
            />
          </span>
          <span>hours</span>
        </div>
        {errors.hours ? (
          <p id={`${id}-hours-error`} className="mt-1.5 text-sm text-red-700">
            {errors.hours}
          </p>
        ) : (
          <p className="mt-1 text-xs text-slate-500">For flows with an approval step: the alert closes once the changes are decided.</p>
        )}
      </div>
      <Field
        label="Also post to a webhook"
        aside="Optional"
        error={errors.webhookUrl}
        hint="A chat tool's incoming webhook (Slack, Teams, …). When an alert opens, a short message with a link to it is posted there."
      >
        <Input
          type="url"
          value={form.webhookUrl}
          placeholder="https://hooks.slack.com/services/…"
          disabled={readOnly}
          spellCheck={false}
          autoComplete="off"
          onChange={(event) => set("webhookUrl", event.target.value)}
        />
      </Field>
      {save.isError ? <Alert title="The settings were not saved">{errorMessage(save.error)}</Alert> : null}
      <DialogFooter>
        {readOnly ? (
          <Button variant="secondary" onClick={onClose}>
            Close
          </Button>
        ) : (
          <>
            <Button variant="secondary" onClick={onClose} disabled={save.isPending}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" loading={save.isPending}>
              Save
            </Button>
          </>
        )}
      </DialogFooter>
    </form>
  );
}
