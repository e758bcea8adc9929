import type { ScheduleConfig } from "@flowgate/nodes/schedule";

/*
 * The schedule editor's choices as configs of trigger.schedule: the common cron times as presets,
 * and what switching between "every N minutes/hours" and "at set times" keeps.
 */

export interface SchedulePreset {
  id: string;
  label: string;
  cron: string;
}

export const SCHEDULE_PRESETS: readonly SchedulePreset[] = [
  { id: "every-15-minutes", label: "Every 15 minutes", cron: "*/15 * * * *" },
  { id: "hourly", label: "Every hour at :00", cron: "0 * * * *" },
  { id: "daily-0600", label: "Every day at 06:00", cron: "0 6 * * *" },
  { id: "weekdays-0800", label: "Weekdays at 08:00", cron: "0 8 * * 1-5" },
];

export const CUSTOM_CRON = "custom";

type CronConfig = Extract<ScheduleConfig, { mode: "cron" }>;
type IntervalConfig = Extract<ScheduleConfig, { mode: "interval" }>;
/** A stored config may be partly filled in (a new node, a half-typed cron): every field is optional here. */
export type ScheduleDraft = Readonly<Record<string, unknown>>;

/** The config a preset stands for; a cron schedule's own time zone is kept. */
export function presetConfig(presetId: string, current: ScheduleDraft): CronConfig {
  const preset = SCHEDULE_PRESETS.find((p) => p.id === presetId);
  const cron = preset?.cron ?? (typeof current.cron === "string" ? current.cron : SCHEDULE_PRESETS[1]!.cron);
  const timezone = current.mode === "cron" && typeof current.timezone === "string" ? current.timezone : undefined;
  return timezone === undefined ? { mode: "cron", cron } : { mode: "cron", cron, timezone };
}

/** The preset a config matches (spaces aside), or "custom". */
export function presetOf(config: ScheduleDraft): string {
  if (config.mode !== "cron" || typeof config.cron !== "string") return CUSTOM_CRON;
  const cron = config.cron.trim().split(/\s+/).join(" ");
  return SCHEDULE_PRESETS.find((preset) => preset.cron === cron)?.id ?? CUSTOM_CRON;
}

/** "Every N minutes/hours": a positive whole number, in the unit given. */
export function intervalConfig(every: number, unit: "minutes" | "hours"): IntervalConfig {
  return { mode: "interval", every, unit };
}

/**
 * Switching the mode. Cron starts at "every hour at :00" (or the cron the interval amounts to when it
 * is one a preset names); an interval starts at every 1 hour.
 */
export function switchMode(config: ScheduleDraft, mode: "cron" | "interval"): ScheduleConfig {
  if (mode === "interval") {
    if (config.mode === "interval") return config as IntervalConfig;
    return intervalConfig(1, "hours");
  }
  if (config.mode === "cron") return config as CronConfig;
  const every = typeof config.every === "number" ? config.every : 1;
  const unit = config.unit === "minutes" ? "minutes" : "hours";
  if (unit === "minutes" && every === 15) return presetConfig("every-15-minutes", {});
  return presetConfig("hourly", {});
}
