import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { INTERNAL_TOKEN_VERIFIER, InternalCallGuard } from './internal-call.guard';
import { InternalTokenVerifier } from './internal-token';

export interface InternalCallOptions {
  /** This service's name: the audience its internal tokens must carry. */
  service: string;
  /** INTERNAL_TOKEN_SECRET. */
  secret: string;
}

/** Makes InternalCallGuard global: every HTTP route of the app requires an internal token (opt out: @PublicRoute). */
@Module({})
export class InternalCallModule {
  static forRoot(options: InternalCallOptions): DynamicModule {
    return {
      module: InternalCallModule,
      providers: [
        { provide: INTERNAL_TOKEN_VERIFIER, useValue: new InternalTokenVerifier(options.secret, options.service) },
        { provide: APP_GUARD, useClass: InternalCallGuard },
      ],
    };
  }
}
