export interface BenchResult {
  name: string;
  what: string;
  subject: { label: string; microsPerOp: number };
  ceiling: { label: string; microsPerOp: number };
  /** How much slower than the ceiling the subject may be before we call it a regression. */
  budgetRatio: number;
}

export function timeIt(fn: () => void, minMillis = 1500): number {
  for (let i = 0; i < 20; i++) fn(); // warm up the JIT
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < minMillis) {
    fn();
    runs++;
  }
  return ((performance.now() - start) * 1000) / runs;
}
