import { Logger, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Db } from 'mongodb';
import type { Connection } from 'mongoose';
import { type CounterStore, createCounterStore, sweepExpiredCounters } from './counter.store';

const SWEEP_INTERVAL_MS = 5 * 60_000;

function databaseOf(connection: Connection): Db {
  if (!connection.db) throw new Error('the MongoDB connection has no database');
  return connection.db as unknown as Db;
}

/** Deletes finished windows every few minutes (MongoDB TTL indexes are not available on FerretDB). */
export class CounterSweeper implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CounterSweeper.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    private readonly collection: string,
    private readonly store: CounterStore,
  ) {}

  onModuleInit(): void {
    this.logger.log(`${this.collection} counters ready (${this.store.kind} store)`);
    this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Every replica may run it: deletes are idempotent. */
  async sweep(): Promise<void> {
    try {
      const deleted = await sweepExpiredCounters(this.db, new Date(), this.collection);
      if (deleted > 0) this.logger.debug(`${deleted} expired ${this.collection} counters deleted`);
    } catch (error) {
      this.logger.warn(`${this.collection} counter sweep failed: ${(error as Error).message}`);
    }
  }
}

/** A CounterStore on the service's MongoDB connection under `token`, in `collection`, swept while the app runs. */
export function counterStoreProviders(token: symbol | string, collection: string): Provider[] {
  return [
    {
      provide: token,
      useFactory: (connection: Connection) => createCounterStore(databaseOf(connection), collection),
      inject: [getConnectionToken()],
    },
    {
      provide: Symbol(`${String(token)} sweeper`),
      useFactory: (connection: Connection, store: CounterStore) =>
        new CounterSweeper(databaseOf(connection), collection, store),
      inject: [getConnectionToken(), token],
    },
  ];
}
