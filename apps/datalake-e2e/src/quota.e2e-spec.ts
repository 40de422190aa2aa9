import { awaitRoomInWindow, call, newUser, type ApiAnswer, problemBody } from './support/api';
import { startStack, type Stack } from './support/stack';

const HOUR_MS = 3_600_000;
const QUOTA = 100;

function rateHeaders(answer: ApiAnswer) {
  return {
    limit: Number(answer.headers.get('x-ratelimit-limit')),
    remaining: Number(answer.headers.get('x-ratelimit-remaining')),
    reset: Number(answer.headers.get('x-ratelimit-reset')),
  };
}

describe('hourly quota per user', () => {
  let stack: Stack;
  let gateway: string;

  beforeAll(async () => {
    stack = await startStack(['auth-service', 'api-gateway']);
    gateway = stack.url('api-gateway');
  });

  afterAll(() => stack?.stop());

  // A counting test must not straddle the top of the hour, when every count starts again.
  beforeEach(() => awaitRoomInWindow(HOUR_MS, 120));

  it('passes 100 requests with correct headers, answers the 101st with 429 and Retry-After; another user is unaffected', async () => {
    const user = await newUser(gateway, 'quota');
    for (let request = 1; request <= QUOTA; request++) {
      const answer = await call(gateway, '/me', { token: user.token });
      expect(answer.status).toBe(200);
      const headers = rateHeaders(answer);
      expect(headers.limit).toBe(QUOTA);
      expect(headers.remaining).toBe(QUOTA - request);
      expect(headers.reset).toBeGreaterThan(0);
      expect(headers.reset).toBeLessThanOrEqual(3600);
      // X-RateLimit-Reset is seconds until the window ends, which /me shows as resetAt.
      expect(Math.abs(Date.now() + headers.reset * 1000 - Date.parse(answer.body.quota.resetAt))).toBeLessThan(2000);
      expect(answer.body.quota).toMatchObject({ limit: QUOTA, remaining: QUOTA - request });
    }
    const refused = await call(gateway, '/me', { token: user.token });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual(problemBody(429, expect.stringContaining('quota')));
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(rateHeaders(refused)).toEqual({ limit: QUOTA, remaining: 0, reset: retryAfter });
    // Every route counts against the same quota.
    expect((await call(gateway, '/transactions', { token: user.token })).status).toBe(429);

    const other = await newUser(gateway, 'quota_other');
    const answer = await call(gateway, '/me', { token: other.token });
    expect(answer.status).toBe(200);
    expect(rateHeaders(answer).remaining).toBe(QUOTA - 1);
  });

  it('counts forbidden and invalid requests too, but not unauthenticated ones', async () => {
    const user = await newUser(gateway, 'quota_mixed');
    const forbidden = await call(gateway, '/users', { token: user.token });
    expect(forbidden.status).toBe(403);
    expect(rateHeaders(forbidden).remaining).toBe(QUOTA - 1);
    const invalid = await call(gateway, '/transactions?limit=0', { token: user.token });
    expect(invalid.status).toBe(400);
    expect(rateHeaders(invalid).remaining).toBe(QUOTA - 2);
    expect((await call(gateway, '/me', { token: `${user.token}x` })).status).toBe(401);
    expect(rateHeaders(await call(gateway, '/me', { token: user.token })).remaining).toBe(QUOTA - 3);
  });

  it('shares one count between two gateway processes', async () => {
    const second = await stack.startExtra('api-gateway');
    const user = await newUser(gateway, 'quota_shared');
    for (let request = 1; request <= QUOTA; request++) {
      const via = request % 2 === 0 ? gateway : second.url;
      const answer = await call(via, '/me', { token: user.token });
      expect(answer.status).toBe(200);
      expect(rateHeaders(answer).remaining).toBe(QUOTA - request);
    }
    expect((await call(gateway, '/me', { token: user.token })).status).toBe(429);
    expect((await call(second.url, '/me', { token: user.token })).status).toBe(429);
  });

  it('lets exactly 100 of 110 concurrent requests through two gateways', async () => {
    const second = await stack.startExtra('api-gateway');
    const user = await newUser(gateway, 'quota_burst');
    const answers = await Promise.all(
      Array.from({ length: 110 }, (_, i) => call(i % 2 === 0 ? gateway : second.url, '/me', { token: user.token })),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(QUOTA);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
    for (const answer of answers) expect(rateHeaders(answer).remaining).toBeLessThan(QUOTA);
    // And the count is spent: the next request is refused.
    expect((await call(gateway, '/me', { token: user.token })).status).toBe(429);
  });

  it('lets exactly 100 of 150 concurrent record reads through two gateways, the claim running beside the read', async () => {
    const second = await stack.startExtra('api-gateway');
    const user = await newUser(gateway, 'quota_reads');
    const answers = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        call(i % 2 === 0 ? gateway : second.url, '/transactions/tx-quota-read', { token: user.token }),
      ),
    );
    // transactions-consumer is not part of this stack: a counted read answers its 503, a refused one 429.
    const refused = answers.filter((answer) => answer.status === 429);
    expect(answers.filter((answer) => answer.status === 503)).toHaveLength(QUOTA);
    expect(refused).toHaveLength(50);
    for (const answer of refused) {
      expect(answer.body).toEqual(problemBody(429, expect.stringContaining('quota of 100 requests per hour exceeded')));
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(rateHeaders(answer).remaining).toBe(0);
    }
    for (const answer of answers) expect(rateHeaders(answer).limit).toBe(QUOTA);
  });
});
