import { formatDateTime, formatRelative } from "@/lib/format";

/** "3 minutes ago", with the exact date and time on hover and in the markup. */
export function RelativeTime({ value, className }: { value: string; className?: string }) {
  return (
    <time dateTime={value} title={formatDateTime(value)} className={className}>
      {formatRelative(value)}
    </time>
  );
}
