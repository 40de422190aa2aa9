import type { DynamicModule } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';

/**
 * Longest a service waits for the answer to one database command. Reads carry their own, shorter
 * limit (maxTimeMS); this bounds everything else, so a command whose answer never comes (a server
 * restarted or wedged mid-command) fails as an outage and is retried, instead of holding a
 * consumer's partition forever.
 */
export const MONGO_SOCKET_TIMEOUT_MS = 30_000;

/**
 * A service's connection to its own Mongo database, with the start-up policy every service shares:
 * a server that does not answer within 5 s, twice, stops the start with an error.
 */
export function serviceMongoConnection(uri: string, dbName: string): DynamicModule {
  return MongooseModule.forRoot(uri, {
    dbName,
    retryAttempts: 2,
    retryDelay: 1000,
    serverSelectionTimeoutMS: 5000,
    socketTimeoutMS: MONGO_SOCKET_TIMEOUT_MS,
  });
}
