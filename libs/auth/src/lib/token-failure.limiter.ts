import { HttpException, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { USERNAME_PATTERN } from '@datalake/dto';
import { type CounterStore, MINUTE_MS, secondsUntil } from '@datalake/service-kit';

export interface TokenAttempt {
  /** The attempt succeeded or never reached the credential check: it does not count. */
  release(): Promise<void>;
}

export interface TokenFailureSettings {
  /** TOKEN_FAILURES_PER_USERNAME */
  failuresPerUsername: number;
  /** TOKEN_FAILURE_WINDOW_MINUTES */
  windowMinutes: number;
}

/** Where the limiter reports; a PinoLogger fits. */
export interface TokenFailureLog {
  warn(fields: object, message: string): void;
}

const NOTHING_TO_RELEASE: TokenAttempt = { release: async () => undefined };

/** 429 past the failed-attempt limit of a username; `Retry-After` is set by the caller. */
export class TooManyTokenFailures extends HttpException {
  constructor(readonly retryAfter: number) {
    super(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        message: `too many failed attempts for this username; retry in ${retryAfter} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * At most TOKEN_FAILURES_PER_USERNAME failed `/token` attempts per username per window, in the
 * gateway (public edge) and in the auth-service (its own `/token`, reachable in the cluster) alike.
 * Each attempt is counted as a failure *before* the password is checked and released when it was
 * not one, so a parallel burst of guesses cannot slip past the limit between check and count.
 */
export class TokenFailureLimiter {
  constructor(
    private readonly counters: CounterStore,
    private readonly settings: TokenFailureSettings,
    private readonly log: TokenFailureLog,
  ) {}

  async begin(username: string): Promise<TokenAttempt> {
    // A name that cannot be an account can never succeed: nothing to protect, nothing to store.
    if (!USERNAME_PATTERN.test(username)) return NOTHING_TO_RELEASE;
    const key = `token-failures:${username.toLowerCase()}`;
    const limit = this.settings.failuresPerUsername;
    const now = Date.now();
    const counted = await this.counters
      .hit(key, this.settings.windowMinutes * MINUTE_MS, limit, now)
      .catch((error: unknown) => {
        // Without the counter no attempt can be checked: fail closed, like the quota.
        throw new ServiceUnavailableException('the sign-in attempt counter is unavailable; retry later', {
          cause: error,
        });
      });
    if (counted.hits > limit) {
      this.log.warn({ username }, 'token attempts blocked: too many failures');
      throw new TooManyTokenFailures(secondsUntil(counted.window.end, now));
    }
    return {
      release: () =>
        this.counters.unhit(key, counted).catch((error: unknown) => {
          this.log.warn({ username, err: error }, 'could not release a token attempt');
        }),
    };
  }
}
