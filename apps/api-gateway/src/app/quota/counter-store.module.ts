import { Global, Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Db } from 'mongodb';
import type { Connection } from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import { createCounterStore, sweepExpiredCounters, type CounterStore } from './counter.store';
import { MongoThrottlerStorage } from './mongo-throttler.storage';
import { COUNTER_STORE } from './quota.constants';

const SWEEP_INTERVAL_MS = 5 * 60_000;

function databaseOf(connection: Connection): Db {
  if (!connection.db) throw new Error('the MongoDB connection has no database');
  return connection.db as unknown as Db;
}

/** Deletes finished windows every few minutes (MongoDB TTL indexes are not available on FerretDB). */
@Injectable()
export class CounterSweeper implements OnModuleInit, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(getConnectionToken()) private readonly connection: Connection,
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(CounterSweeper.name);
  }

  onModuleInit(): void {
    this.logger.info({ store: this.counters.kind }, 'quota counters ready');
    this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async sweep(): Promise<void> {
    try {
      const deleted = await sweepExpiredCounters(databaseOf(this.connection));
      if (deleted > 0) this.logger.debug({ deleted }, 'expired quota counters deleted');
    } catch (error) {
      this.logger.warn({ err: error }, 'quota counter sweep failed');
    }
  }
}

/** The shared counters in the gateway's `quotas` collection. */
@Global()
@Module({
  providers: [
    {
      provide: COUNTER_STORE,
      useFactory: (connection: Connection) => createCounterStore(databaseOf(connection)),
      inject: [getConnectionToken()],
    },
    MongoThrottlerStorage,
    CounterSweeper,
  ],
  exports: [COUNTER_STORE, MongoThrottlerStorage],
})
export class CounterStoreModule {}
