import { FakeCounterStore } from '@datalake/service-kit';
import { TokenFailureLimiter, TooManyTokenFailures } from './token-failure.limiter';

describe(TokenFailureLimiter.name, () => {
  const env = { failuresPerUsername: 3, windowMinutes: 15 };
  const logger = { warn: () => undefined };
  let sut: TokenFailureLimiter;

  beforeEach(() => {
    sut = new TokenFailureLimiter(new FakeCounterStore(), env, logger);
  });

  it('blocks a username after the allowed failures, whatever its case', async () => {
    for (let attempt = 0; attempt < 3; attempt++) await sut.begin(attempt % 2 ? 'Alice' : 'alice');
    const blocked = sut.begin('ALICE');
    await expect(blocked).rejects.toBeInstanceOf(TooManyTokenFailures);
    const error = (await blocked.catch((e: unknown) => e)) as TooManyTokenFailures;
    expect(error.getStatus()).toBe(429);
    expect(error.retryAfter).toBeGreaterThan(0);
    expect(error.retryAfter).toBeLessThanOrEqual(15 * 60);
  });

  it('does not count attempts that were released (successes)', async () => {
    for (let attempt = 0; attempt < 10; attempt++) await (await sut.begin('bob')).release();
    await expect(sut.begin('bob')).resolves.toBeDefined();
  });

  it('keeps each username to its own count', async () => {
    for (let attempt = 0; attempt < 3; attempt++) await sut.begin('carol');
    await expect(sut.begin('dave')).resolves.toBeDefined();
  });

  it('fails closed with 503 when the counters cannot be reached', async () => {
    const store = new FakeCounterStore();
    store.failing = true;
    sut = new TokenFailureLimiter(store, env, logger);
    await expect(sut.begin('erin')).rejects.toMatchObject({ status: 503 });
  });

  it('stores nothing for a name that cannot be an account', async () => {
    const store = new FakeCounterStore();
    sut = new TokenFailureLimiter(store, env, logger);
    for (let attempt = 0; attempt < 5; attempt++) await sut.begin('not a valid username!');
    expect(store.counts.size).toBe(0);
  });
});
