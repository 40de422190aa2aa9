import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  ProblemDetailsDto,
  OAUTH_ERRORS,
  OAuthErrorDto,
  parseTokenRequest,
  RegisterDto,
  TOKEN_CONTENT_TYPE,
  TokenRequestDto,
  TokenResponseDto,
  UserDto,
} from '@datalake/dto';
import { TokenFailureLimiter, TooManyTokenFailures } from '@datalake/auth';
import { ApiPublicRouteErrors, RETRY_AFTER_DOC, STRICT_INPUT_DOC } from '../http/api-docs';
import { AddressLimited } from '../http/authenticated.decorator';
import { RATE_LIMIT_HEADERS } from '../quota/quota.constants';
import type { UpstreamAnswer } from '../upstream/upstream-answer';
import { forwardedHeaders, jsonBody, relay, Upstreams } from '../upstream/upstreams';

/** RFC 6749 §5.1: token answers, errors included, are never cached. */
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

export function isInvalidGrant(answer: UpstreamAnswer): boolean {
  return answer.status === 400 && (answer.body as { error?: unknown } | undefined)?.error === OAUTH_ERRORS.invalidGrant;
}

@ApiTags('auth')
@Controller()
@AddressLimited()
export class AuthProxyController {
  constructor(
    private readonly upstreams: Upstreams,
    private readonly failures: TokenFailureLimiter,
  ) {}

  @Post('register')
  @ApiOperation({ operationId: 'register', summary: 'Create an account (role user)', description: STRICT_INPUT_DOC })
  @ApiCreatedResponse({ type: UserDto })
  @ApiBadRequestResponse({
    type: ProblemDetailsDto,
    description:
      'Invalid username or password, unknown field (`__proto__`, `constructor` and `prototype` included), a `role` field, or a body nested too deep',
  })
  @ApiConflictResponse({ type: ProblemDetailsDto, description: 'Username taken' })
  @ApiPublicRouteErrors()
  async register(@Body() body: RegisterDto, @Req() request: Request, @Res() response: Response): Promise<void> {
    const json = jsonBody(body);
    const answer = await this.upstreams.get('auth-service').call({
      caller: request.user,
      method: 'POST',
      path: '/register',
      headers: { ...forwardedHeaders(request), ...json.headers },
      body: json.body,
    });
    relay(response, answer);
  }

  @Post('token')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'createToken',
    summary: 'Get an access token (OAuth 2.0 password grant, RFC 6749 §4.3)',
    description:
      'Form-encoded. Errors follow RFC 6749 §5.2: invalid_grant for a wrong password or an unknown user alike, ' +
      'invalid_request for a missing or repeated field, unsupported_grant_type. At most TOKEN_FAILURES_PER_USERNAME ' +
      'failed attempts per username per TOKEN_FAILURE_WINDOW_MINUTES, then 429; the auth-service applies the same limit to ' +
      'its own /token, counting failures however they came in.',
  })
  @ApiConsumes(TOKEN_CONTENT_TYPE)
  @ApiBody({ type: TokenRequestDto })
  @ApiOkResponse({
    type: TokenResponseDto,
    headers: { 'Cache-Control': { description: 'no-store', schema: { type: 'string' } } },
  })
  @ApiBadRequestResponse({
    type: OAuthErrorDto,
    description: 'invalid_grant, invalid_request or unsupported_grant_type',
  })
  @ApiResponse({
    status: 429,
    type: ProblemDetailsDto,
    description: 'Too many failed attempts for this username, or too many requests from this address',
    headers: RETRY_AFTER_DOC,
  })
  @ApiPublicRouteErrors()
  async token(
    @Body() body: Record<string, unknown>,
    @Headers('content-type') contentType: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    response.set(NO_STORE);
    const parsed = parseTokenRequest(body, contentType);
    if (!parsed.ok) {
      response.status(400).json({ error: parsed.error });
      return;
    }
    let attempt;
    try {
      attempt = await this.failures.begin(parsed.username);
    } catch (error) {
      if (error instanceof TooManyTokenFailures) response.setHeader(RATE_LIMIT_HEADERS.retryAfter, error.retryAfter);
      throw error;
    }
    let answer: UpstreamAnswer;
    try {
      answer = await this.upstreams.get('auth-service').call({
        caller: request.user,
        method: 'POST',
        path: '/token',
        headers: { ...forwardedHeaders(request), 'content-type': TOKEN_CONTENT_TYPE },
        body: new URLSearchParams({
          grant_type: 'password',
          username: parsed.username,
          password: parsed.password,
        }).toString(),
      });
    } catch (error) {
      await attempt.release();
      throw error;
    }
    if (!isInvalidGrant(answer)) await attempt.release();
    relay(response, answer);
  }
}
