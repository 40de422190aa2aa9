import { type DynamicModule, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { JwtAuthModule, SESSION_LOOKUP, TokenFailureLimiter } from '@datalake/auth';
import {
  counterStoreProviders,
  type CounterStore,
  HealthModule,
  InternalCallModule,
  MongoReadinessCheck,
  ObservabilityModule,
  serviceMongoConnection,
} from '@datalake/service-kit';
import { PinoLogger } from 'nestjs-pino';
import type { AuthEnv } from './auth.env';
import { AUTH_ENV, TOKEN_FAILURE_COUNTERS, TOKEN_FAILURES_COLLECTION } from './auth.tokens';
import { PasswordHasher } from './credentials/password-hasher';
import { TokenController } from './tokens/token.controller';
import { TokenService } from './tokens/token.service';
import { UserAccountLookup } from './users/account-lookup';
import { AdminBootstrap } from './users/admin-bootstrap';
import { RegistrationController } from './users/registration.controller';
import { UserRepository, USERS_COLLECTION, type UserDocument } from './users/user.repository';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';

export const SERVICE_NAME = 'auth-service';
export const AUTH_DATABASE = 'auth';

@Module({})
export class AppModule {
  static forRoot(env: AuthEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: SERVICE_NAME, logLevel: env.LOG_LEVEL }),
        serviceMongoConnection(env.MONGO_URI, AUTH_DATABASE),
        JwtModule.register({
          secret: env.JWT_SECRET,
          signOptions: { algorithm: 'HS256', expiresIn: env.JWT_EXPIRES_IN },
          verifyOptions: { algorithms: ['HS256'] },
        }),
        JwtAuthModule.forRoot({ secret: env.JWT_SECRET }),
        HealthModule.forRoot([MongoReadinessCheck]),
        // Every route but /health/live answers only the gateway: /token and /register cannot bypass its limits.
        InternalCallModule.forRoot({ service: SERVICE_NAME, secret: env.INTERNAL_TOKEN_SECRET }),
      ],
      controllers: [RegistrationController, TokenController, UsersController],
      providers: [
        { provide: AUTH_ENV, useValue: env },
        {
          provide: UserRepository,
          useFactory: async (connection: Connection) => {
            if (!connection.db) throw new Error('the MongoDB connection has no database');
            const repository = new UserRepository(connection.db.collection<UserDocument>(USERS_COLLECTION));
            await repository.ensureIndexes();
            return repository;
          },
          inject: [getConnectionToken()],
        },
        PasswordHasher,
        UsersService,
        TokenService,
        ...counterStoreProviders(TOKEN_FAILURE_COUNTERS, TOKEN_FAILURES_COLLECTION),
        {
          provide: TokenFailureLimiter,
          useFactory: (counters: CounterStore, logger: PinoLogger) =>
            new TokenFailureLimiter(
              counters,
              { failuresPerUsername: env.TOKEN_FAILURES_PER_USERNAME, windowMinutes: env.TOKEN_FAILURE_WINDOW_MINUTES },
              logger,
            ),
          inject: [TOKEN_FAILURE_COUNTERS, PinoLogger],
        },
        AdminBootstrap,
        // Tokens are checked against the account as it is now: current role, 401 once deleted.
        { provide: SESSION_LOOKUP, useClass: UserAccountLookup },
      ],
    };
  }
}
