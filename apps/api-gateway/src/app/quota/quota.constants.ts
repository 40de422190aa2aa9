/** Named throttlers of the gateway. */
export const QUOTA_THROTTLER = 'quota';
export const ADDRESS_THROTTLER = 'address';

export const COUNTER_STORE = Symbol('COUNTER_STORE');

/** Route metadata: the quota claim may run beside the handler (side-effect-free GET routes only). */
export const QUOTA_ALONGSIDE = 'datalake:quota-alongside';

export const RATE_LIMIT_HEADERS = {
  limit: 'X-RateLimit-Limit',
  remaining: 'X-RateLimit-Remaining',
  reset: 'X-RateLimit-Reset',
  retryAfter: 'Retry-After',
} as const;
