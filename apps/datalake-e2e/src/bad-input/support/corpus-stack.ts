import { ALL_APPS, startStack, type Stack } from '../../support/stack';
import { call, token } from '../../support/api';

/**
 * The e2e stack the corpus runs on: the standard one, with a quota high enough for a few hundred
 * requests by one admin (QUOTA_PER_HOUR is a gateway setting) and a quick inbox, so waiting for
 * a batch of dropped files takes seconds.
 */
export async function startCorpusStack(extraEnv: Record<string, string> = {}): Promise<Stack> {
  return startStack(ALL_APPS, {
    QUOTA_PER_HOUR: '100000',
    INGEST_POLL_INTERVAL_MS: '250',
    INGEST_FILE_STABLE_MS: '300',
    SYSLOG_FLUSH_MS: '100',
    ...extraEnv,
  });
}

export async function adminToken(stack: Stack): Promise<string> {
  return token(stack.url('api-gateway'), stack.admin.username, stack.admin.password);
}

/** GET /health/ready of every service: the answer code per service, for one assertion. */
export async function readiness(stack: Stack): Promise<Record<string, number>> {
  const entries = await Promise.all(
    [...stack.services.keys()].map(async (app) => {
      const answer = await fetch(`${stack.managementUrl(app)}/health/ready`, {
        signal: AbortSignal.timeout(10_000),
      }).catch(() => undefined);
      return [app, answer?.status ?? 0] as const;
    }),
  );
  return Object.fromEntries(entries);
}

export function allReady(stack: Stack): Record<string, number> {
  return Object.fromEntries([...stack.services.keys()].map((app) => [app, 200]));
}

/** Every item of a listing through the gateway (follows nextCursor). */
// Records are compared whole; `any` keeps the field access short.
export async function listAll(
  gateway: string,
  adminBearer: string,
  resource: string,
  query: Record<string, string>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<any[]> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ ...query, limit: '500', ...(cursor ? { cursor } : {}) });
    const answer = await call(gateway, `/${resource}?${params}`, { token: adminBearer });
    if (answer.status !== 200)
      throw new Error(`GET /${resource}?${params}: ${answer.status} ${JSON.stringify(answer.body)}`);
    items.push(...answer.body.items);
    cursor = answer.body.nextCursor;
  } while (cursor);
  return items;
}
