import {
  type ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  Optional,
  UnauthorizedException,
} from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request, Response } from 'express';
import { SESSION_LOOKUP, type SessionLookup } from './session-lookup';

export const AUTH_REALM = 'datalake';

export interface AuthFailure {
  message: string;
  /** The `WWW-Authenticate` challenge (RFC 6750 §3). */
  challenge: string;
}

/** Explains why passport-jwt refused a request, without echoing the token. */
export function describeAuthFailure(info: unknown, error: unknown): AuthFailure {
  if (error instanceof HttpException) {
    return { message: error.message, challenge: `Bearer realm="${AUTH_REALM}", error="invalid_token"` };
  }
  const name = info instanceof Error ? info.name : '';
  const text = info instanceof Error ? info.message : '';
  if (name === 'TokenExpiredError') {
    return {
      message: 'access token expired',
      challenge: `Bearer realm="${AUTH_REALM}", error="invalid_token", error_description="expired"`,
    };
  }
  if (name === 'JsonWebTokenError' || name === 'NotBeforeError' || name === 'SyntaxError') {
    return { message: 'access token is invalid', challenge: `Bearer realm="${AUTH_REALM}", error="invalid_token"` };
  }
  if (/no auth token/i.test(text) || info === undefined) {
    return { message: 'missing bearer token', challenge: `Bearer realm="${AUTH_REALM}"` };
  }
  return { message: 'access token is invalid', challenge: `Bearer realm="${AUTH_REALM}", error="invalid_token"` };
}

export const ACCOUNT_GONE = 'the user of this token no longer exists';

/**
 * Requires a valid bearer token; answers 401 JSON with a `WWW-Authenticate` challenge otherwise.
 * Where the app provides a SessionLookup, the caller's role is the account's current one and a
 * deleted account's token is refused.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(@Optional() @Inject(SESSION_LOOKUP) private readonly sessions?: SessionLookup) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    await super.canActivate(context);
    if (!this.sessions) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const user = request.user;
    if (!user) return this.handleRequest(undefined, false, undefined, context);
    const account = await this.sessions.current(user, request);
    if (!account) return this.handleRequest(new UnauthorizedException(ACCOUNT_GONE), false, undefined, context);
    request.user = { ...user, username: account.username, role: account.role };
    return true;
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false, info: unknown, context: ExecutionContext): TUser {
    if (user && !error) return user;
    const failure = describeAuthFailure(info, error);
    context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', failure.challenge);
    throw new UnauthorizedException(failure.message);
  }
}
