import type { NodeDefinition } from "@flowgate/engine";
import { CronExpressionParser } from "cron-parser";
import { z } from "zod";

const CronSchema = z
  .string()
  .trim()
  .min(1, "Enter a schedule, e.g. “0 * * * *” for every hour at minute 0")
  .superRefine((value, ctx) => {
    try {
      CronExpressionParser.parse(value, { strict: false });
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: `“${value}” is not a schedule Flowgate understands (${error instanceof Error ? error.message : "invalid"}). Use five fields: minute hour day-of-month month day-of-week, e.g. “*/15 * * * *”.`,
      });
    }
  });

const TimezoneSchema = z
  .string()
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "Unknown time zone: use a name such as “Europe/Warsaw” or “UTC”.");

export const ScheduleConfigSchema = z
  .discriminatedUnion("mode", [
    z
      .object({
        mode: z.literal("cron"),
        cron: CronSchema.describe("minute hour day-of-month month day-of-week").meta({ title: "Cron expression", placeholder: "0 * * * *" }),
        /** Defaults to the flow's time zone. */
        timezone: TimezoneSchema.optional().meta({ title: "Time zone" }),
      })
      .meta({ title: "At set times" }),
    z
      .object({
        mode: z.literal("interval"),
        every: z.number().int().min(1, "Run at least every 1 minute").max(10_000).meta({ title: "Every" }),
        unit: z.enum(["minutes", "hours"]).default("hours").meta({ title: "Unit" }),
      })
      .meta({ title: "Every few minutes or hours" }),
  ])
  .meta({ widget: "schedule" });
export type ScheduleConfig = z.infer<typeof ScheduleConfigSchema>;

export const scheduleTriggerDefinition = {
  id: "trigger.schedule",
  version: 1,
  label: "On a schedule",
  description: "Starts the flow every few minutes or hours, or at the times a cron expression names.",
  category: "trigger",
  icon: "clock",
  configSchema: ScheduleConfigSchema,
  inputs: [],
  outputs: ["out"],
} as const satisfies NodeDefinition;

/**
 * The next run times after `from`, for the canvas ("next five runs") and for the scheduler.
 * Intervals count from the start of the hour (minutes) or day (hours) in the time zone, so
 * "every 15 minutes" means :00, :15, :30, :45 whatever time the flow was published.
 */
export function nextRunTimes(config: ScheduleConfig, options: { from: Date; count?: number; timezone?: string }): Date[] {
  const count = options.count ?? 5;
  const timezone = (config.mode === "cron" ? config.timezone : undefined) ?? options.timezone ?? "UTC";
  const cron =
    config.mode === "cron"
      ? config.cron
      : config.unit === "minutes"
        ? intervalCron(config.every, "minutes")
        : intervalCron(config.every, "hours");
  const expression = CronExpressionParser.parse(cron, { currentDate: options.from, tz: timezone });
  return expression.take(count).map((date) => date.toDate());
}

function intervalCron(every: number, unit: "minutes" | "hours"): string {
  if (unit === "minutes") {
    if (every < 60 && 60 % every === 0) return `*/${every} * * * *`;
    if (every % 60 === 0) return intervalCron(every / 60, "hours");
    // Not a divisor of the hour: cron cannot say it exactly; run at the minutes it can reach.
    return `*/${every} * * * *`;
  }
  if (every < 24 && 24 % every === 0) return `0 */${every} * * *`;
  if (every % 24 === 0) return `0 0 */${every / 24} * *`;
  return `0 */${every} * * *`;
}

/** "every hour at minute 0" — a plain-language reading for people who don't read cron. */
export function describeSchedule(config: ScheduleConfig): string {
  if (config.mode === "interval") {
    return config.every === 1 ? `every ${config.unit === "minutes" ? "minute" : "hour"}` : `every ${config.every} ${config.unit}`;
  }
  const [minute, hour, dom, month, dow] = config.cron.trim().split(/\s+/);
  const days = dow === "*" ? "" : ` on ${describeDays(dow!)}`;
  if (dom === "*" && month === "*") {
    if (hour === "*" && /^\d+$/.test(minute!)) return `every hour at minute ${minute}${days}`;
    if (/^\*\/\d+$/.test(minute!) && hour === "*") return `every ${minute!.slice(2)} minutes${days}`;
    if (minute === "*" && hour === "*") return `every minute${days}`;
    if (/^\d+$/.test(minute!) && /^\d+$/.test(hour!)) return `every day at ${hour!.padStart(2, "0")}:${minute!.padStart(2, "0")}${days}`;
    if (/^\d+$/.test(minute!) && /^\*\/\d+$/.test(hour!)) return `every ${hour!.slice(2)} hours at minute ${minute}${days}`;
  }
  return `at the times “${config.cron.trim()}” names`;
}

const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function describeDays(field: string): string {
  if (field === "1-5") return "weekdays";
  if (field === "0,6" || field === "6,0") return "weekends";
  return field
    .split(",")
    .map((part) => DAY_NAMES[Number(part) % 7] ?? part)
    .join(", ");
}
