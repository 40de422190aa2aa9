/** A fixed counting window `[start, end)` in epoch milliseconds, aligned to its length. */
export interface CountingWindow {
  start: number;
  end: number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;

/** The window holding `now`: hour windows start on the hour (UTC), minute windows on the minute. */
export function windowOf(now: number, lengthMs: number): CountingWindow {
  const start = Math.floor(now / lengthMs) * lengthMs;
  return { start, end: start + lengthMs };
}

/** Whole seconds until `end`, at least 1 (what `Retry-After` and `X-RateLimit-Reset` carry). */
export function secondsUntil(end: number, now: number): number {
  return Math.max(1, Math.ceil((end - now) / 1000));
}
