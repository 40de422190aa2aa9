import { type DynamicModule, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { JwtAuthModule, SESSION_LOOKUP, TokenFailureLimiter } from '@datalake/auth';
import { ALL_TOPICS } from '@datalake/kafka-schemas';
import {
  type CounterStore,
  HealthModule,
  HOUR_MS,
  MINUTE_MS,
  MongoReadinessCheck,
  ObservabilityModule,
  serviceMongoConnection,
} from '@datalake/service-kit';
import { PinoLogger } from 'nestjs-pino';
import { AuthServiceAccountLookup } from './auth/account-lookup';
import { AdminServicesController } from './admin/admin-services.controller';
import { ServiceHealth } from './admin/service-health';
import { DeadLettersProxyController } from './dead-letters/dead-letters-proxy.controller';
import { AuthProxyController } from './auth/auth-proxy.controller';
import { GATEWAY_ENV, type GatewayEnv } from './gateway.env';
import { createTopicIngestController, IngestProxyController } from './ingest/ingest-proxy.controller';
import { CounterStoreModule } from './quota/counter-store.module';
import { MongoThrottlerStorage } from './quota/mongo-throttler.storage';
import { ADDRESS_THROTTLER, COUNTER_STORE, QUOTA_THROTTLER } from './quota/quota.constants';
import { addressTracker, counterKey, QuotaGuard, quotaTracker } from './quota/quota.guard';
import { RECORD_RESOURCES } from './records/record-resources';
import { createRecordsProxyController } from './records/records-proxy.controller';
import { Upstreams } from './upstream/upstreams';
import { UsersProxyController } from './users/users-proxy.controller';

export const SERVICE_NAME = 'api-gateway';
export const GATEWAY_DATABASE = 'gateway';

@Module({})
export class AppModule {
  static forRoot(env: GatewayEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: SERVICE_NAME, logLevel: env.LOG_LEVEL }),
        serviceMongoConnection(env.MONGO_URI, GATEWAY_DATABASE),
        JwtAuthModule.forRoot({ secret: env.JWT_SECRET }),
        CounterStoreModule,
        ThrottlerModule.forRootAsync({
          imports: [CounterStoreModule],
          inject: [MongoThrottlerStorage],
          useFactory: (storage: MongoThrottlerStorage) => ({
            storage,
            throttlers: [
              {
                name: QUOTA_THROTTLER,
                limit: env.QUOTA_PER_HOUR,
                ttl: HOUR_MS,
                getTracker: quotaTracker,
                generateKey: counterKey,
              },
              {
                name: ADDRESS_THROTTLER,
                limit: env.AUTH_RATE_PER_MINUTE,
                ttl: MINUTE_MS,
                getTracker: addressTracker,
                generateKey: counterKey,
              },
            ],
          }),
        }),
        HealthModule.forRoot([MongoReadinessCheck]),
      ],
      controllers: [
        AuthProxyController,
        UsersProxyController,
        ...RECORD_RESOURCES.map(createRecordsProxyController),
        ...ALL_TOPICS.map(createTopicIngestController),
        IngestProxyController,
        DeadLettersProxyController,
        AdminServicesController,
      ],
      providers: [
        { provide: GATEWAY_ENV, useValue: env },
        Upstreams,
        ServiceHealth,
        {
          provide: TokenFailureLimiter,
          useFactory: (counters: CounterStore, logger: PinoLogger) =>
            new TokenFailureLimiter(
              counters,
              { failuresPerUsername: env.TOKEN_FAILURES_PER_USERNAME, windowMinutes: env.TOKEN_FAILURE_WINDOW_MINUTES },
              logger,
            ),
          inject: [COUNTER_STORE, PinoLogger],
        },
        QuotaGuard,
        AuthServiceAccountLookup,
        // JwtAuthGuard takes each caller's current role (or 401 for a deleted account) from here.
        { provide: SESSION_LOOKUP, useExisting: AuthServiceAccountLookup },
      ],
    };
  }
}
