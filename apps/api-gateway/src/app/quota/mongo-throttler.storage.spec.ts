import { ServiceUnavailableException } from '@nestjs/common';
import { MongoThrottlerStorage } from './mongo-throttler.storage';
import { FakeCounterStore, HOUR_MS } from '@datalake/service-kit';

describe(MongoThrottlerStorage.name, () => {
  let store: FakeCounterStore;
  let sut: MongoThrottlerStorage;

  beforeEach(() => {
    store = new FakeCounterStore();
    sut = new MongoThrottlerStorage(store);
  });

  it('passes hits up to the limit and blocks the next one until the window ends', async () => {
    for (let hit = 1; hit <= 3; hit++) {
      await expect(sut.increment('quota:user:1', HOUR_MS, 3)).resolves.toMatchObject({
        totalHits: hit,
        isBlocked: false,
        timeToBlockExpire: 0,
      });
    }
    const blocked = await sut.increment('quota:user:1', HOUR_MS, 3);
    expect(blocked).toMatchObject({ totalHits: 4, isBlocked: true });
    expect(blocked.timeToBlockExpire).toBe(blocked.timeToExpire);
    expect(blocked.timeToExpire).toBeGreaterThan(0);
    expect(blocked.timeToExpire).toBeLessThanOrEqual(3600);
  });

  it('keeps separate counts per key', async () => {
    await sut.increment('quota:user:1', HOUR_MS, 1);
    await expect(sut.increment('quota:user:2', HOUR_MS, 1)).resolves.toMatchObject({ isBlocked: false });
  });

  it('fails closed with 503 when the counters cannot be reached', async () => {
    store.failing = true;
    await expect(sut.increment('quota:user:1', HOUR_MS, 3)).rejects.toBeInstanceOf(ServiceUnavailableException);
  });
});
