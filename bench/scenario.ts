/**
 * What each scenario reports. A scenario runs in a process of its own (bench/run.ts starts
 * it), so its peak RSS is its own; it prints one JSON line with its result and exits.
 */
export interface ScenarioResult {
  scenario: string;
  /** What was measured, in one sentence, for RESULTS.md. */
  what: string;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  peakRssMb: number;
  /** A hand-written program doing the same work, measured in the same run. */
  ceiling?: { recordsPerSecond: number; what: string };
  /** Flowgate's records/s divided by the ceiling's. */
  ratio?: number;
  peer?: { name: string; recordsPerSecond: number; peakRssMb: number };
  peerRatio?: number;
  /** The goal, and whether this run met it. */
  goal: string;
  met: boolean;
  notes?: string[];
}

export function peakRssMb(): number {
  // maxRSS is in kilobytes.
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { value, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

export function report(result: ScenarioResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
