import { setTimeout as sleep } from "node:timers/promises";

export interface RateLimiter {
  /** Waits until one more request may start. */
  acquire(signal?: AbortSignal): Promise<void>;
}

export interface TokenBucketOptions {
  requestsPerSecond: number;
  /** How many requests may start at once after a quiet spell (default 1: evenly spaced). */
  burst?: number;
  /** Clock in milliseconds; tests pass a fake one. */
  now?: () => number;
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * A token bucket: `burst` tokens, refilled at `requestsPerSecond`. Callers that find it empty reserve
 * a future token (the count goes negative) and wait for it, so concurrent callers are served in order
 * and never faster than the rate.
 */
export function createRateLimiter(options: TokenBucketOptions): RateLimiter {
  const rate = options.requestsPerSecond;
  if (!(rate > 0)) throw new RangeError(`requestsPerSecond must be above 0, got ${rate}`);
  const burst = Math.max(1, options.burst ?? 1);
  const now = options.now ?? (() => performance.now());
  const wait = options.wait ?? ((ms: number, signal?: AbortSignal) => sleep(ms, undefined, { signal }));
  let tokens = burst;
  let last = now();

  return {
    async acquire(signal) {
      const current = now();
      tokens = Math.min(burst, tokens + ((current - last) * rate) / 1000);
      last = current;
      tokens -= 1;
      if (tokens >= 0) return;
      try {
        await wait((-tokens * 1000) / rate, signal);
      } catch (error) {
        tokens += 1; // give the reserved token back
        throw error;
      }
    },
  };
}
