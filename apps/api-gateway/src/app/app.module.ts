import { type DynamicModule, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { JwtAuthModule, SESSION_LOOKUP } from '@datalake/auth';
import { HealthModule, MongoReadinessCheck, ObservabilityModule, serviceMongoConnection } from '@datalake/service-kit';
import { AuthServiceAccountLookup } from './auth/account-lookup';
import { AuthProxyController } from './auth/auth-proxy.controller';
import { GATEWAY_ENV, type GatewayEnv } from './gateway.env';
import { IngestProxyController } from './ingest/ingest-proxy.controller';
import { CounterStoreModule } from './quota/counter-store.module';
import { MongoThrottlerStorage } from './quota/mongo-throttler.storage';
import { ADDRESS_THROTTLER, QUOTA_THROTTLER } from './quota/quota.constants';
import { addressTracker, counterKey, QuotaGuard, quotaTracker } from './quota/quota.guard';
import { HOUR_MS, MINUTE_MS } from './quota/quota-window';
import { TokenFailureLimiter } from './quota/token-failure.limiter';
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
              { name: QUOTA_THROTTLER, limit: env.QUOTA_PER_HOUR, ttl: HOUR_MS, getTracker: quotaTracker, generateKey: counterKey },
              { name: ADDRESS_THROTTLER, limit: env.AUTH_RATE_PER_MINUTE, ttl: MINUTE_MS, getTracker: addressTracker, generateKey: counterKey },
            ],
          }),
        }),
        HealthModule.forRoot([MongoReadinessCheck]),
      ],
      controllers: [
        AuthProxyController,
        UsersProxyController,
        ...RECORD_RESOURCES.map(createRecordsProxyController),
        IngestProxyController,
      ],
      providers: [
        { provide: GATEWAY_ENV, useValue: env },
        Upstreams,
        TokenFailureLimiter,
        QuotaGuard,
        AuthServiceAccountLookup,
        // JwtAuthGuard takes each caller's current role (or 401 for a deleted account) from here.
        { provide: SESSION_LOOKUP, useExisting: AuthServiceAccountLookup },
      ],
    };
  }
}
