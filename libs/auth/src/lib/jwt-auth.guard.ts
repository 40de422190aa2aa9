import { type ExecutionContext, HttpException, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Response } from 'express';

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
    return { message: 'access token expired', challenge: `Bearer realm="${AUTH_REALM}", error="invalid_token", error_description="expired"` };
  }
  if (name === 'JsonWebTokenError' || name === 'NotBeforeError' || name === 'SyntaxError') {
    return { message: 'access token is invalid', challenge: `Bearer realm="${AUTH_REALM}", error="invalid_token"` };
  }
  if (/no auth token/i.test(text) || info === undefined) {
    return { message: 'missing bearer token', challenge: `Bearer realm="${AUTH_REALM}"` };
  }
  return { message: 'access token is invalid', challenge: `Bearer realm="${AUTH_REALM}", error="invalid_token"` };
}

/** Requires a valid bearer token; answers 401 JSON with a `WWW-Authenticate` challenge otherwise. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  override handleRequest<TUser>(error: unknown, user: TUser | false, info: unknown, context: ExecutionContext): TUser {
    if (user && !error) return user;
    const failure = describeAuthFailure(info, error);
    context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', failure.challenge);
    throw new UnauthorizedException(failure.message);
  }
}
