import { describe, expect, it } from "vitest";
import { describeSchedule, nextRunTimes, ScheduleConfigSchema } from "./definition";

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe("trigger.schedule", () => {
  it("lists the next five run times of a cron expression in the flow's time zone", () => {
    const config = ScheduleConfigSchema.parse({ mode: "cron", cron: "0 6 * * *" });
    // 06:00 in Warsaw is 05:00 UTC in winter.
    expect(iso(nextRunTimes(config, { from: new Date("2026-11-28T12:00:00Z"), timezone: "Europe/Warsaw" }))).toEqual([
      "2026-11-29T05:00:00.000Z",
      "2026-11-30T05:00:00.000Z",
      "2026-12-01T05:00:00.000Z",
      "2026-12-02T05:00:00.000Z",
      "2026-12-03T05:00:00.000Z",
    ]);
  });

  it("keeps local time across a daylight-saving change", () => {
    const config = ScheduleConfigSchema.parse({ mode: "cron", cron: "0 6 * * *", timezone: "Europe/Warsaw" });
    const times = iso(nextRunTimes(config, { from: new Date("2026-03-28T12:00:00Z"), count: 2 }));
    expect(times).toEqual(["2026-03-29T04:00:00.000Z", "2026-03-30T04:00:00.000Z"]);
  });

  it("runs intervals on round times", () => {
    const config = ScheduleConfigSchema.parse({ mode: "interval", every: 15, unit: "minutes" });
    expect(iso(nextRunTimes(config, { from: new Date("2026-11-28T12:07:00Z"), count: 3 }))).toEqual([
      "2026-11-28T12:15:00.000Z",
      "2026-11-28T12:30:00.000Z",
      "2026-11-28T12:45:00.000Z",
    ]);
    const hourly = ScheduleConfigSchema.parse({ mode: "interval", every: 2, unit: "hours" });
    expect(iso(nextRunTimes(hourly, { from: new Date("2026-11-28T12:07:00Z"), count: 2 }))).toEqual([
      "2026-11-28T14:00:00.000Z",
      "2026-11-28T16:00:00.000Z",
    ]);
  });

  it("says in plain words what a schedule means", () => {
    expect(describeSchedule({ mode: "cron", cron: "0 * * * *" })).toBe("every hour at minute 0");
    expect(describeSchedule({ mode: "cron", cron: "*/15 * * * *" })).toBe("every 15 minutes");
    expect(describeSchedule({ mode: "cron", cron: "30 6 * * 1-5" })).toBe("every day at 06:30 on weekdays");
    expect(describeSchedule({ mode: "interval", every: 1, unit: "hours" })).toBe("every hour");
  });

  it("refuses a malformed cron expression and an unknown time zone at save time, saying what to write", () => {
    const bad = ScheduleConfigSchema.safeParse({ mode: "cron", cron: "61 * * * *" });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.message).toMatch(/not a schedule Flowgate understands.*five fields/);
    const zone = ScheduleConfigSchema.safeParse({ mode: "cron", cron: "0 * * * *", timezone: "Mars/Olympus" });
    expect(zone.error!.issues[0]!.message).toMatch(/Unknown time zone/);
    expect(ScheduleConfigSchema.safeParse({ mode: "interval", every: 0 }).success).toBe(false);
  });
});
