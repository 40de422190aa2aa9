import { Global, Module } from '@nestjs/common';
import { counterStoreProviders, QUOTAS_COLLECTION } from '@datalake/service-kit';
import { MongoThrottlerStorage } from './mongo-throttler.storage';
import { COUNTER_STORE } from './quota.constants';

/** The shared counters in the gateway's `quotas` collection (quota, per-address and failed-token limits). */
@Global()
@Module({
  providers: [...counterStoreProviders(COUNTER_STORE, QUOTAS_COLLECTION), MongoThrottlerStorage],
  exports: [COUNTER_STORE, MongoThrottlerStorage],
})
export class CounterStoreModule {}
