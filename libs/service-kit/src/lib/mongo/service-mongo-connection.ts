import type { DynamicModule } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';

/**
 * A service's connection to its own Mongo database, with the start-up policy every service shares:
 * a server that does not answer within 5 s, twice, stops the start with an error.
 */
export function serviceMongoConnection(uri: string, dbName: string): DynamicModule {
  return MongooseModule.forRoot(uri, { dbName, retryAttempts: 2, retryDelay: 1000, serverSelectionTimeoutMS: 5000 });
}
