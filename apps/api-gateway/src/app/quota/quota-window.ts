import type { CountingWindow } from '@datalake/service-kit';

/** The caller's quota after a counted request, as the headers and `GET /me` show it. */
export interface QuotaState {
  limit: number;
  remaining: number;
  /** Seconds until the window ends (`X-RateLimit-Reset`). */
  resetSeconds: number;
  /** When the window ends, ISO 8601 (`quota.resetAt` of `GET /me`). */
  resetAt: string;
}

/** `resetSeconds` comes from the counter (the figure `Retry-After` carries too), the time from the window. */
export function quotaStateOf(limit: number, hits: number, resetSeconds: number, window: CountingWindow): QuotaState {
  return { limit, remaining: Math.max(0, limit - hits), resetSeconds, resetAt: new Date(window.end).toISOString() };
}
