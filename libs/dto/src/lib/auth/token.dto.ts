import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OAuth 2.0 error codes of the token endpoint (RFC 6749 §5.2) that DataLake answers. */
export const OAUTH_ERRORS = {
  invalidRequest: 'invalid_request',
  invalidGrant: 'invalid_grant',
  unsupportedGrantType: 'unsupported_grant_type',
} as const;

export type OAuthErrorCode = (typeof OAUTH_ERRORS)[keyof typeof OAUTH_ERRORS];

export const TOKEN_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/** `POST /token` form fields (RFC 6749 §4.3.2), for OpenAPI; parsed by `parseTokenRequest`. */
export class TokenRequestDto {
  @ApiPropertyOptional({
    enum: ['password'],
    description: 'Optional; anything but `password` is unsupported_grant_type',
  })
  grant_type?: string;

  @ApiProperty({ example: 'alice' }) username!: string;
  @ApiProperty({ format: 'password' }) password!: string;
}

export class TokenResponseDto {
  @ApiProperty({ description: 'JWT (HS256) with claims sub, username, role, iat, exp' }) access_token!: string;
  @ApiProperty({ enum: ['bearer'] }) token_type!: 'bearer';
  @ApiProperty({ description: 'Lifetime in seconds', example: 3600 }) expires_in!: number;
}

export class OAuthErrorDto {
  @ApiProperty({ enum: Object.values(OAUTH_ERRORS) }) error!: OAuthErrorCode;
}

export type TokenRequestParse = { ok: true; username: string; password: string } | { ok: false; error: OAuthErrorCode };

const FIELDS = ['grant_type', 'username', 'password'] as const;

/**
 * Reads a token request (RFC 6749 §4.3.2). The body must be form-encoded; a field sent twice or
 * as a structure is invalid_request (§3.2: parameters MUST NOT be repeated); unknown fields such
 * as `scope` or `client_id` are ignored (§3.1). `grant_type` is optional; any other value than
 * `password` is unsupported_grant_type.
 */
export function parseTokenRequest(body: unknown, contentType: string | undefined): TokenRequestParse {
  const isForm = (contentType ?? '').toLowerCase().split(';')[0].trim() === TOKEN_CONTENT_TYPE;
  if (!isForm || body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, error: OAUTH_ERRORS.invalidRequest };
  }
  const fields = body as Record<string, unknown>;
  for (const name of FIELDS) {
    if (fields[name] !== undefined && typeof fields[name] !== 'string')
      return { ok: false, error: OAUTH_ERRORS.invalidRequest };
  }
  const grantType = fields['grant_type'] as string | undefined;
  if (grantType !== undefined && grantType !== '' && grantType !== 'password') {
    return { ok: false, error: OAUTH_ERRORS.unsupportedGrantType };
  }
  const username = fields['username'] as string | undefined;
  const password = fields['password'] as string | undefined;
  if (!username || !password) return { ok: false, error: OAUTH_ERRORS.invalidRequest };
  return { ok: true, username, password };
}
