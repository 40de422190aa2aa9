/** First wait after a transient failure; each further failure doubles it. */
export const FIRST_RETRY_DELAY_MS = 1_000;

/** Exponential backoff: 1 s after the first failure, doubling up to `maxMs`. */
export function retryDelayMs(failures: number, maxMs: number): number {
  return Math.min(maxMs, FIRST_RETRY_DELAY_MS * 2 ** Math.max(0, Math.min(failures - 1, 16)));
}
