import {
  INTERNAL_TOKEN_HEADER,
  InternalTokenMinter,
  InternalTokenVerifier,
  type InternalCaller,
  type InternalIdentity,
} from '@datalake/service-kit';

export interface TestInternalToken {
  /** INTERNAL_TOKEN_SECRET of the services under test. */
  secret: string;
  /** The service called (its name is the token's audience). */
  audience: string;
  /** The end user the call is made for (role decides admin routes). */
  user?: InternalCaller;
  /** Lifetime in seconds; negative for an already expired token. Default 60. */
  expiresInSeconds?: number;
  issuer?: string;
}

/** An internal token as the gateway mints it, for tests that call a service directly. */
export function mintInternalToken(options: TestInternalToken): string {
  return new InternalTokenMinter(options.secret, options.issuer, options.expiresInSeconds).mint(
    options.audience,
    options.user,
  );
}

/** What a service would read from a token the gateway sent it (throws InternalTokenRefused when invalid). */
export function verifyInternalToken(options: { secret: string; audience: string; token: string }): InternalIdentity {
  return new InternalTokenVerifier(options.secret, options.audience).verify(options.token);
}

/** The header that carries it, ready to spread into a request's headers. */
export function internalTokenHeaders(options: TestInternalToken): Record<string, string> {
  return { [INTERNAL_TOKEN_HEADER]: mintInternalToken(options) };
}

/** A test admin, for calls to admin routes (PUT/DELETE records, ingestion, /users). */
export const TEST_ADMIN: InternalCaller = { id: '000000000000000000000001', username: 'test-admin', role: 'admin' };

export { INTERNAL_TOKEN_HEADER };
