"use client";

import { FlowSettingsSchema, plainIssueMessage, updateSettings } from "@flowgate/flow";
import { Field, Select } from "@flowgate/ui";
import { useEffect, useState } from "react";
import { useEditor, useEditorStore } from "../editor-store";
import { NumberInput, TimezoneInput } from "./controls";

/*
 * The flow's own settings, shown while no node is selected. Each change is one edit (typing in one
 * box coalesces); a value the flow cannot take is kept in the box with the reason, not stored.
 */

const ERROR_POLICY_OPTIONS = [
  { value: "fail", label: "Stop the run" },
  { value: "skip", label: "Skip the record and note the error" },
  { value: "route", label: "Send it to the step's error output" },
];

type SettingKey = keyof typeof FlowSettingsSchema.shape;

const LABELS: Record<SettingKey, string> = {
  batchSize: "Batch size",
  maxConcurrentRuns: "Runs at once",
  timezone: "Time zone",
  errorPolicy: "When a record fails",
  missedSchedules: "Missed schedules",
};

const MISSED_OPTIONS = [
  { value: "once", label: "Run once to catch up" },
  { value: "skip", label: "Skip the missed runs" },
];

export function FlowSettingsForm() {
  const store = useEditorStore();
  const settings = useEditor((s) => s.doc.settings);
  const readOnly = useEditor((s) => s.readOnly);
  const [errors, setErrors] = useState<Partial<Record<SettingKey, string>>>({});

  const apply = (key: SettingKey, value: unknown) => {
    // An emptied box keeps the stored value: the default would silently replace what the flow had.
    if (value === undefined) return;
    const check = FlowSettingsSchema.shape[key].safeParse(value, { error: plainIssueMessage });
    if (!check.success) {
      setErrors((current) => ({ ...current, [key]: `${LABELS[key]} ${check.error.issues[0]?.message ?? "is not valid"}.` }));
      return;
    }
    store.apply((doc) => updateSettings(doc, { [key]: check.data }), { coalesceKey: `settings:${key}` });
    setErrors((current) => ({ ...current, [key]: undefined }));
  };

  return (
    <div className="space-y-4">
      <div className="grid grid-cols-2 gap-3">
        <Field label={LABELS.batchSize} hint="Records per batch." error={errors.batchSize}>
          <NumberInput integer min={1} max={100_000} value={settings.batchSize} onChange={(v) => apply("batchSize", v)} disabled={readOnly} />
        </Field>
        <Field label={LABELS.maxConcurrentRuns} hint="Of this flow, at most." error={errors.maxConcurrentRuns}>
          <NumberInput integer min={1} max={100} value={settings.maxConcurrentRuns} onChange={(v) => apply("maxConcurrentRuns", v)} disabled={readOnly} />
        </Field>
      </div>
      <TimezoneField value={settings.timezone} onCommit={(v) => apply("timezone", v)} error={errors.timezone} disabled={readOnly} />
      <Field label={LABELS.errorPolicy} hint="Steps can choose otherwise for themselves." error={errors.errorPolicy}>
        <Select value={settings.errorPolicy} onChange={(e) => apply("errorPolicy", e.target.value)} disabled={readOnly} options={ERROR_POLICY_OPTIONS} />
      </Field>
      <Field label={LABELS.missedSchedules} hint="After downtime, for scheduled flows." error={errors.missedSchedules}>
        <Select value={settings.missedSchedules} onChange={(e) => apply("missedSchedules", e.target.value)} disabled={readOnly} options={MISSED_OPTIONS} />
      </Field>
    </div>
  );
}

/** A time zone is stored only once it is one the browser knows; until then the box keeps what is typed. */
function TimezoneField({ value, onCommit, error, disabled }: { value: string; onCommit(value: string): void; error?: string; disabled: boolean }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const known = (name: string) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: name });
      return name.trim() !== "";
    } catch {
      return false;
    }
  };
  const typing = text !== value && !known(text);
  return (
    <Field
      label={LABELS.timezone}
      hint={typing ? "Keep typing: this is not a time zone name yet." : "Schedules and dates in this flow use it."}
      error={error}
    >
      <TimezoneInput
        value={text}
        disabled={disabled}
        onChange={(next) => {
          setText(next);
          if (known(next)) onCommit(next);
        }}
      />
    </Field>
  );
}
