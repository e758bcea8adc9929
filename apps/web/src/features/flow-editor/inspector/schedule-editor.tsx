"use client";

import { describeSchedule, nextRunTimes, ScheduleConfigSchema } from "@flowgate/nodes/schedule";
import { Field, Input, Select } from "@flowgate/ui";
import { useId, useMemo } from "react";
import { fieldProblemText, type ConfigPath } from "./config-values";
import { NumberInput, SegmentedControl, TimezoneInput } from "./controls";
import { controlId, pathKey, problemsAt, useNodeForm } from "./node-form-context";
import { CUSTOM_CRON, presetConfig, presetOf, SCHEDULE_PRESETS, switchMode, type ScheduleDraft } from "./schedule-presets";

/*
 * trigger.schedule's editor: every N minutes or hours, or set times (common ones as presets, any cron
 * by hand), with the schedule in words and its next five runs in the time zone it runs in.
 */

export function ScheduleEditor({ path, value }: { path: ConfigPath; value: unknown }) {
  const form = useNodeForm();
  const config: ScheduleDraft = value !== null && typeof value === "object" ? (value as ScheduleDraft) : {};
  const mode = config.mode === "cron" || config.mode === "interval" ? config.mode : undefined;
  const set = (sub: ConfigPath, next: unknown) => form.setValue([...path, ...sub], next);
  const type = (sub: ConfigPath, next: unknown) => form.setValue([...path, ...sub], next, { typing: true });
  const errorsAt = (key: string, title: string) => {
    const messages = problemsAt(form.problems, [...path, key], true).map((p) => fieldProblemText(p.message, title));
    return messages.length > 0 ? messages.join(" ") : undefined;
  };
  // Before a choice the validator's "invalid discriminator" says nothing useful; the hint below asks for one.
  const modeError = mode ? errorsAt("mode", "How often") : undefined;
  const timezone = mode === "cron" && typeof config.timezone === "string" && config.timezone !== "" ? config.timezone : form.timezone;

  return (
    <div className="space-y-4">
      <div className="space-y-1.5" data-config-path={pathKey([...path, "mode"])}>
        <p className="text-sm font-medium text-slate-800">Run</p>
        <SegmentedControl
          label="Run"
          options={[
            { value: "interval", label: "Every few minutes or hours" },
            { value: "cron", label: "At set times" },
          ]}
          value={mode}
          disabled={form.readOnly}
          onChange={(next) => form.setValue(path, switchMode(config, next as "cron" | "interval"))}
        />
        {modeError ? <p className="text-sm text-red-700">{modeError}</p> : null}
      </div>

      {mode === "interval" ? (
        <div className="grid grid-cols-[1fr_9rem] gap-3">
          <div data-config-path={pathKey([...path, "every"])}>
            <Field id={controlId(form.nodeId, path, "every")} label="Every" error={errorsAt("every", "Every")}>
              <NumberInput value={typeof config.every === "number" ? config.every : undefined} onChange={(every) => type(["every"], every)} integer min={1} disabled={form.readOnly} />
            </Field>
          </div>
          <div data-config-path={pathKey([...path, "unit"])}>
            <Field id={controlId(form.nodeId, path, "unit")} label="Unit" error={errorsAt("unit", "Unit")}>
              <Select
                value={config.unit === "minutes" ? "minutes" : "hours"}
                onChange={(e) => set(["unit"], e.target.value)}
                disabled={form.readOnly}
                options={[
                  { value: "minutes", label: "minutes" },
                  { value: "hours", label: "hours" },
                ]}
              />
            </Field>
          </div>
        </div>
      ) : null}

      {mode === "cron" ? (
        <>
          <Field id={controlId(form.nodeId, path, "preset")} label="Times">
            <Select
              value={presetOf(config)}
              onChange={(e) => {
                if (e.target.value !== CUSTOM_CRON) form.setValue(path, presetConfig(e.target.value, config));
              }}
              disabled={form.readOnly}
            >
              {SCHEDULE_PRESETS.map((preset) => (
                <option key={preset.id} value={preset.id}>
                  {preset.label}
                </option>
              ))}
              <option value={CUSTOM_CRON}>Other (cron expression below)</option>
            </Select>
          </Field>
          <div data-config-path={pathKey([...path, "cron"])}>
            <Field
              id={controlId(form.nodeId, path, "cron")}
              label="Cron expression"
              hint="Five fields: minute hour day-of-month month day-of-week, e.g. */15 * * * *"
              error={errorsAt("cron", "Cron expression")}
            >
              <Input
                value={typeof config.cron === "string" ? config.cron : ""}
                onChange={(e) => type(["cron"], e.target.value)}
                placeholder="0 * * * *"
                disabled={form.readOnly}
                spellCheck={false}
                className="font-mono"
              />
            </Field>
          </div>
          <div data-config-path={pathKey([...path, "timezone"])}>
            <Field
              id={controlId(form.nodeId, path, "timezone")}
              label="Time zone"
              aside="Optional"
              hint={`Empty: the flow's time zone (${form.timezone}).`}
              error={errorsAt("timezone", "Time zone")}
            >
              <TimezoneInput
                value={typeof config.timezone === "string" ? config.timezone : ""}
                onChange={(next) => type(["timezone"], next === "" ? undefined : next)}
                placeholder={form.timezone}
                disabled={form.readOnly}
              />
            </Field>
          </div>
        </>
      ) : null}

      {mode ? <NextRuns config={config} timezone={timezone} /> : <p className="text-sm text-slate-500">Choose how often the flow runs.</p>}
    </div>
  );
}

function NextRuns({ config, timezone }: { config: ScheduleDraft; timezone: string }) {
  const labelId = useId();
  const view = useMemo(() => {
    const parsed = ScheduleConfigSchema.safeParse(config);
    if (!parsed.success) return null;
    try {
      const runs = nextRunTimes(parsed.data, { from: new Date(), count: 5, timezone });
      const format = new Intl.DateTimeFormat(undefined, {
        timeZone: timezone,
        weekday: "short",
        day: "numeric",
        month: "short",
        hour: "2-digit",
        minute: "2-digit",
      });
      return { description: describeSchedule(parsed.data), runs: runs.map((run) => ({ iso: run.toISOString(), text: format.format(run) })) };
    } catch {
      return null;
    }
  }, [config, timezone]);

  if (!view) return <p className="text-sm text-slate-500">Complete the schedule to see when it runs.</p>;
  return (
    <div className="space-y-2 rounded-control bg-slate-50 px-3 py-2.5">
      <p className="text-sm text-slate-800">
        Runs <span className="font-medium">{view.description}</span>
      </p>
      <div>
        <p id={labelId} className="text-xs font-medium text-slate-500">
          Next runs ({timezone})
        </p>
        <ol aria-labelledby={labelId} className="mt-1 space-y-0.5 text-sm text-slate-700 tabular-nums">
          {view.runs.map((run) => (
            <li key={run.iso}>
              <time dateTime={run.iso}>{run.text}</time>
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}
