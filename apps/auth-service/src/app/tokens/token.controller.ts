import { Body, Controller, Headers, HttpCode, Post, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import { type TokenAttempt, TokenFailureLimiter, TooManyTokenFailures } from '@datalake/auth';
import { OAUTH_ERRORS, parseTokenRequest, type TokenResponseDto } from '@datalake/dto';
import { NO_STORE_HEADERS, OAuthError, OAuthErrorFilter } from './oauth-error';
import { TokenService } from './token.service';

function isInvalidGrant(error: unknown): boolean {
  return error instanceof OAuthError && error.code === OAUTH_ERRORS.invalidGrant;
}

/**
 * The token endpoint, reachable inside the cluster too: it applies the gateway's failed-attempt
 * limit itself (TOKEN_FAILURES_PER_USERNAME per TOKEN_FAILURE_WINDOW_MINUTES, then 429), counting
 * every failure whichever way it came in.
 */
@Controller('token')
@UseFilters(OAuthErrorFilter)
export class TokenController {
  constructor(
    private readonly tokens: TokenService,
    private readonly failures: TokenFailureLimiter,
  ) {}

  @Post()
  @HttpCode(200)
  async token(
    @Body() body: Record<string, unknown>,
    @Headers('content-type') contentType: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TokenResponseDto> {
    response.set(NO_STORE_HEADERS);
    const request = parseTokenRequest(body, contentType);
    if (!request.ok) throw new OAuthError(request.error);
    let attempt: TokenAttempt;
    try {
      attempt = await this.failures.begin(request.username);
    } catch (error) {
      if (error instanceof TooManyTokenFailures) response.setHeader('Retry-After', String(error.retryAfter));
      throw error;
    }
    try {
      const token = await this.tokens.issue(request.username, request.password);
      await attempt.release();
      return token;
    } catch (error) {
      // Only a wrong password counts; an outage or a bug is not the caller's failed attempt.
      if (!isInvalidGrant(error)) await attempt.release();
      throw error;
    }
  }
}
