import { describeSchedule, ScheduleConfigSchema } from "@flowgate/nodes/schedule";
import { describe, expect, it } from "vitest";
import { CUSTOM_CRON, presetConfig, presetOf, SCHEDULE_PRESETS, switchMode } from "./schedule-presets";

describe("schedule presets", () => {
  it("turn into cron configs the schedule trigger accepts, read as the preset says", () => {
    const described = SCHEDULE_PRESETS.map((preset) => {
      const config = ScheduleConfigSchema.parse(presetConfig(preset.id, {}));
      return [preset.id, describeSchedule(config)];
    });
    expect(described).toEqual([
      ["every-15-minutes", "every 15 minutes"],
      ["hourly", "every hour at minute 0"],
      ["daily-0600", "every day at 06:00"],
      ["weekdays-0800", "every day at 08:00 on weekdays"],
    ]);
  });

  it("keep a cron schedule's own time zone", () => {
    expect(presetConfig("hourly", { mode: "cron", cron: "5 4 * * *", timezone: "Europe/Warsaw" })).toEqual({
      mode: "cron",
      cron: "0 * * * *",
      timezone: "Europe/Warsaw",
    });
  });

  it("recognise a config as its preset, spaces aside, and anything else as custom", () => {
    expect(presetOf({ mode: "cron", cron: " 0  *  * * * " })).toBe("hourly");
    expect(presetOf({ mode: "cron", cron: "7 * * * *" })).toBe(CUSTOM_CRON);
    expect(presetOf({ mode: "interval", every: 1, unit: "hours" })).toBe(CUSTOM_CRON);
  });
});

describe("switchMode", () => {
  it("starts an interval at every hour and a cron at the hour, keeping a config already in that mode", () => {
    expect(switchMode({}, "interval")).toEqual({ mode: "interval", every: 1, unit: "hours" });
    expect(switchMode({ mode: "interval", every: 15, unit: "minutes" }, "cron")).toEqual({ mode: "cron", cron: "*/15 * * * *" });
    expect(switchMode({ mode: "interval", every: 2, unit: "hours" }, "cron")).toEqual({ mode: "cron", cron: "0 * * * *" });
    const cron = { mode: "cron", cron: "0 6 * * *" };
    expect(switchMode(cron, "cron")).toBe(cron);
  });
});
