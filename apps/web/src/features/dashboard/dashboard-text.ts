/*
 * How the dashboard reads its numbers: the range in the URL, the chart's bucket labels, the success
 * rate and the big numbers of the tiles. Pure, so it is tested without a browser.
 */

export const DASHBOARD_RANGES = [
  { value: "24h", label: "24 hours", bucket: "hour" },
  { value: "7d", label: "7 days", bucket: "day" },
] as const;
export type DashboardRange = (typeof DASHBOARD_RANGES)[number]["value"];

/** The range of `?range=`: "24h" unless it names another one we know. */
export function parseRange(value: string | null | undefined): DashboardRange {
  return DASHBOARD_RANGES.find((r) => r.value === value)?.value ?? "24h";
}

/** The dashboard's address for a range; the default range keeps the address bare. */
export function rangeHref(range: DashboardRange): string {
  return range === "24h" ? "/dashboard" : `/dashboard?range=${range}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(options: Intl.DateTimeFormatOptions, timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `${JSON.stringify(options)}|${timeZone ?? ""}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat("en", { ...options, timeZone });
    formatters.set(key, format);
  }
  return format;
}

const HOUR: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
const DAY: Intl.DateTimeFormatOptions = { weekday: "short", day: "numeric" };

/** The axis label of a bucket: "14:00" for an hour, "Mon 12" for a day (in the viewer's time zone). */
export function bucketLabel(at: string, range: DashboardRange, timeZone?: string): string {
  if (range === "24h") return formatter(HOUR, timeZone).format(new Date(at));
  // Intl writes "12 Mon"; the weekday first reads better under a bar.
  const parts = formatter(DAY, timeZone).formatToParts(new Date(at));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("weekday")} ${part("day")}`;
}

/** The tooltip's heading of a bucket: "May 12, 14:00–15:00" or "Monday, May 12". */
export function bucketTitle(at: string, range: DashboardRange, timeZone?: string): string {
  const start = new Date(at);
  if (range === "7d") return formatter({ weekday: "long", month: "long", day: "numeric" }, timeZone).format(start);
  const end = new Date(start.getTime() + 3_600_000);
  const day = formatter({ month: "short", day: "numeric" }, timeZone).format(start);
  return `${day}, ${bucketLabel(at, range, timeZone)}–${bucketLabel(end.toISOString(), range, timeZone)}`;
}

/**
 * Succeeded runs (with or without failed records) among those that succeeded or failed; a cancelled
 * run is someone's choice, neither. Null when none ended so (a rate of nothing is no rate).
 */
export function successRate(totals: { succeeded: number; failed: number }): number | null {
  const ended = totals.succeeded + totals.failed;
  return ended > 0 ? totals.succeeded / ended : null;
}

/**
 * "96.4 %", "100 %", or "—" when there is no rate. Rounded down, so one failure in a thousand runs
 * never reads 100 %.
 */
export function formatRate(rate: number | null): string {
  if (rate === null) return "—";
  const tenths = Math.floor(rate * 1000) / 10;
  return `${tenths.toLocaleString("en", { maximumFractionDigits: 1 })} %`;
}

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });

/** A tile's number: exact up to 99,999, then "1.2M" (the exact one goes in its title). */
export function formatTileNumber(value: number): string {
  return value < 100_000 ? value.toLocaleString("en") : compact.format(value);
}

/** "Failed once", "Failed 3 times in a row". */
export function failuresText(failuresInARow: number): string {
  return failuresInARow <= 1 ? "Failed once" : `Failed ${failuresInARow.toLocaleString("en")} times in a row`;
}

/** "3 changes in 1 change set wait for approval"; null when nothing waits. */
export function pendingApprovalsText(pending: { changeSets: number; items: number }): string | null {
  if (pending.changeSets === 0 && pending.items === 0) return null;
  const changes = `${pending.items.toLocaleString("en")} ${pending.items === 1 ? "change" : "changes"}`;
  const sets = `${pending.changeSets.toLocaleString("en")} ${pending.changeSets === 1 ? "change set" : "change sets"}`;
  return `${changes} in ${sets} ${pending.items === 1 ? "waits" : "wait"} for approval`;
}

/** True when no run ended in the range and nothing runs: the chart would be all zeros. */
export function isQuiet(buckets: readonly { succeeded: number; failed: number; other: number }[]): boolean {
  return buckets.every((b) => b.succeeded + b.failed + b.other === 0);
}
