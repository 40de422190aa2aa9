import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import type { OAuthErrorCode } from '@datalake/dto';

/** A token request refused with an RFC 6749 §5.2 error code. */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';

  constructor(readonly code: OAuthErrorCode) {
    super(code);
  }
}

/** Token answers must never be cached (RFC 6749 §5.1), errors included. */
export const NO_STORE_HEADERS = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/** RFC 6749 §5.2: every error DataLake answers at the token endpoint is a 400 with `{error}` only. */
export function oauthErrorResponse(code: OAuthErrorCode): { status: number; body: { error: OAuthErrorCode } } {
  return { status: 400, body: { error: code } };
}

@Catch(OAuthError)
export class OAuthErrorFilter implements ExceptionFilter {
  catch(error: OAuthError, host: ArgumentsHost): void {
    const { status, body } = oauthErrorResponse(error.code);
    host.switchToHttp().getResponse<Response>().status(status).set(NO_STORE_HEADERS).json(body);
  }
}
