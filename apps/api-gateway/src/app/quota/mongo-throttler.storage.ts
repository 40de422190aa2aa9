import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { type CounterStore, secondsUntil } from '@datalake/service-kit';
import { COUNTER_STORE } from './quota.constants';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * @nestjs/throttler storage in the gateway's `quotas` collection: fixed windows of `ttl` ms,
 * counted across replicas. A request is blocked until its window ends.
 */
@Injectable()
export class MongoThrottlerStorage implements ThrottlerStorage {
  constructor(@Inject(COUNTER_STORE) private readonly counters: CounterStore) {}

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    let counted;
    try {
      counted = await this.counters.hit(key, ttl, limit, now);
    } catch (error) {
      // Without its counter the gateway cannot tell whether the caller is within quota: fail closed.
      throw new ServiceUnavailableException('the quota store is unavailable; retry later', { cause: error });
    }
    const timeToExpire = secondsUntil(counted.window.end, now);
    const isBlocked = counted.hits > limit;
    return { totalHits: counted.hits, timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToExpire : 0 };
  }
}
