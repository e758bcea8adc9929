const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const absolute = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

const steps: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 7],
  ["week", 4.35],
  ["month", 12],
  ["year", Number.POSITIVE_INFINITY],
];

function toDate(value: string | Date): Date {
  return value instanceof Date ? value : new Date(value);
}

/** "3 minutes ago", "yesterday", "in 6 days". */
export function formatRelative(value: string | Date, now: Date = new Date()): string {
  let amount = (toDate(value).getTime() - now.getTime()) / 1000;
  for (const [unit, size] of steps) {
    if (Math.abs(amount) < size) {
      if (unit === "second" && Math.abs(amount) < 45) return "just now";
      return relative.format(Math.round(amount), unit);
    }
    amount /= size;
  }
  return absolute.format(toDate(value));
}

export function formatDateTime(value: string | Date): string {
  return absolute.format(toDate(value));
}

export function formatDate(value: string | Date): string {
  return dateOnly.format(toDate(value));
}

/** "trigger.schedule" → "Schedule". */
export function triggerLabel(kind: string | null | undefined): string | null {
  if (!kind) return null;
  const last = kind.split(".").pop() ?? kind;
  const words = last.replace(/[-_]/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
