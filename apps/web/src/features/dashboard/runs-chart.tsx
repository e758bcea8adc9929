"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import { bucketLabel, bucketTitle, type DashboardRange } from "./dashboard-text";

export interface RunBucket {
  at: string;
  succeeded: number;
  failed: number;
  other: number;
}

/** The chart's series, bottom to top: what went through, what failed, what was cancelled. */
const SERIES = [
  { key: "succeeded", label: "Succeeded", color: "var(--color-emerald-500)" },
  { key: "failed", label: "Failed", color: "var(--color-red-500)" },
  { key: "other", label: "Cancelled", color: "var(--color-slate-300)" },
] as const;

export const CHART_HEIGHT = 240;

/** Runs that ended per hour or day, stacked by outcome; a table with the same numbers for screen readers. */
export function RunsChart({ buckets, range }: { buckets: readonly RunBucket[]; range: DashboardRange }) {
  const data = buckets.map((b) => ({ ...b, label: bucketLabel(b.at, range) }));
  const unit = range === "24h" ? "hour" : "day";
  return (
    <div>
      <ul className="mb-3 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600" aria-hidden>
        {SERIES.map((s) => (
          <li key={s.key} className="inline-flex items-center gap-1.5">
            <span className="size-2.5 rounded-sm" style={{ background: s.color }} />
            {s.label}
          </li>
        ))}
      </ul>
      <div aria-hidden style={{ height: CHART_HEIGHT }}>
        <ResponsiveContainer width="100%" height={CHART_HEIGHT} initialDimension={{ width: 800, height: CHART_HEIGHT }}>
          <BarChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -12 }} barCategoryGap={range === "24h" ? "18%" : "30%"} accessibilityLayer={false}>
            <CartesianGrid vertical={false} stroke="var(--color-slate-200)" />
            <XAxis
              dataKey="label"
              tickLine={false}
              axisLine={{ stroke: "var(--color-slate-200)" }}
              tick={{ fontSize: 12, fill: "var(--color-slate-500)" }}
              interval={range === "24h" ? 2 : 0}
              tickMargin={6}
            />
            <YAxis allowDecimals={false} tickLine={false} axisLine={false} width={44} tick={{ fontSize: 12, fill: "var(--color-slate-500)" }} />
            <Tooltip cursor={{ fill: "var(--color-slate-100)" }} isAnimationActive={false} content={(props) => <BucketTooltip {...props} range={range} />} />
            {SERIES.map((s) => (
              <Bar key={s.key} dataKey={s.key} name={s.label} stackId="runs" fill={s.color} maxBarSize={36} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <table className="sr-only">
        <caption>Runs that ended per {unit}</caption>
        <thead>
          <tr>
            <th scope="col">{unit === "hour" ? "Hour" : "Day"}</th>
            {SERIES.map((s) => (
              <th key={s.key} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {buckets.map((b) => (
            <tr key={b.at}>
              <th scope="row">{bucketTitle(b.at, range)}</th>
              {SERIES.map((s) => (
                <td key={s.key}>{b[s.key]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function BucketTooltip({ active, payload, range }: TooltipContentProps & { range: DashboardRange }) {
  const bucket = payload?.[0]?.payload as (RunBucket & { label: string }) | undefined;
  if (!active || !bucket) return null;
  const total = bucket.succeeded + bucket.failed + bucket.other;
  return (
    <div className="rounded-control border border-line bg-white px-3 py-2 text-xs shadow-overlay">
      <p className="mb-1.5 font-medium text-slate-900">{bucketTitle(bucket.at, range)}</p>
      {total === 0 ? (
        <p className="text-slate-500">No run ended</p>
      ) : (
        <ul className="space-y-0.5">
          {SERIES.filter((s) => bucket[s.key] > 0).map((s) => (
            <li key={s.key} className="flex items-center gap-2 text-slate-700">
              <span aria-hidden className="size-2 rounded-sm" style={{ background: s.color }} />
              {s.label}
              <span className="ml-auto pl-4 font-medium tabular-nums">{bucket[s.key].toLocaleString("en")}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
