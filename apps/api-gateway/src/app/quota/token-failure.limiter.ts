import { HttpException, HttpStatus, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { USERNAME_PATTERN } from '@datalake/dto';
import { GATEWAY_ENV, type GatewayEnv } from '../gateway.env';
import type { CounterStore } from './counter.store';
import { COUNTER_STORE } from './quota.constants';
import { MINUTE_MS, secondsUntil } from './quota-window';

export interface TokenAttempt {
  /** The attempt succeeded or never reached the credential check: it does not count. */
  release(): Promise<void>;
}

const NOTHING_TO_RELEASE: TokenAttempt = { release: async () => undefined };

/** 429 past the failed-attempt limit of a username; `Retry-After` is set by the caller. */
export class TooManyTokenFailures extends HttpException {
  constructor(readonly retryAfter: number) {
    super(
      { statusCode: HttpStatus.TOO_MANY_REQUESTS, message: `too many failed attempts for this username; retry in ${retryAfter} s` },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * At most TOKEN_FAILURES_PER_USERNAME failed `/token` attempts per username per window. Each
 * attempt is counted as a failure *before* it is forwarded and released when it was not one, so
 * a parallel burst of guesses cannot slip past the limit between check and count.
 */
@Injectable()
export class TokenFailureLimiter {
  constructor(
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(TokenFailureLimiter.name);
  }

  async begin(username: string): Promise<TokenAttempt> {
    // A name that cannot be an account can never succeed: nothing to protect, nothing to store.
    if (!USERNAME_PATTERN.test(username)) return NOTHING_TO_RELEASE;
    const key = `token-failures:${username.toLowerCase()}`;
    const limit = this.env.TOKEN_FAILURES_PER_USERNAME;
    const now = Date.now();
    const counted = await this.counters.hit(key, this.env.TOKEN_FAILURE_WINDOW_MINUTES * MINUTE_MS, limit, now).catch((error: unknown) => {
      // Without the counter no attempt can be checked: fail closed, like the quota.
      throw new ServiceUnavailableException('the sign-in attempt counter is unavailable; retry later', { cause: error });
    });
    if (counted.hits > limit) {
      this.logger.warn({ username }, 'token attempts blocked: too many failures');
      throw new TooManyTokenFailures(secondsUntil(counted.window.end, now));
    }
    return {
      release: () =>
        this.counters.unhit(key, counted.window).catch((error: unknown) => {
          this.logger.warn({ username, err: error }, 'could not release a token attempt');
        }),
    };
  }
}
