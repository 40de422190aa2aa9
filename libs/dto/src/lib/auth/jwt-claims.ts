import { isRole, type Role } from './role';

/** Claims of a DataLake access token (JWT, HS256). */
export interface JwtClaims {
  /** Stable user id. */
  sub: string;
  username: string;
  role: Role;
  /** Issued at, epoch seconds. */
  iat?: number;
  /** Expiry, epoch seconds. */
  exp: number;
}

/** True when a verified token payload has the claims DataLake issues (an `exp` is required). */
export function isJwtClaims(payload: unknown): payload is JwtClaims {
  if (payload === null || typeof payload !== 'object') return false;
  const claims = payload as Record<string, unknown>;
  return (
    typeof claims['sub'] === 'string' &&
    claims['sub'] !== '' &&
    typeof claims['username'] === 'string' &&
    isRole(claims['role']) &&
    typeof claims['exp'] === 'number'
  );
}
