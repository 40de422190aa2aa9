import { createSecretKey, type KeyObject } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';

/** The header an internal call carries its token in (the caller's own bearer token may ride in `Authorization`). */
export const INTERNAL_TOKEN_HEADER = 'x-internal-token';

/** The only service that mints internal tokens. */
export const INTERNAL_TOKEN_ISSUER = 'api-gateway';

/** Lifetime of one internal token: minted per call, so it only has to outlive that call (plus clock skew). */
export const INTERNAL_TOKEN_TTL_SECONDS = 60;

/** Clock difference between pods tolerated on `iat`/`exp`. */
const CLOCK_TOLERANCE_SECONDS = 5;

/** The end user an internal call is made for. */
export interface InternalCaller {
  id: string;
  username: string;
  role: string;
}

/** What a verified internal token says: who called (`iss`), for whom (`user`), to whom (`aud`). */
export interface InternalIdentity {
  issuer: string;
  audience: string;
  user?: InternalCaller;
}

interface InternalClaims {
  iss: string;
  aud: string;
  sub?: string;
  username?: string;
  role?: string;
}

/** Why a token was refused, in words safe to answer with (never the token). */
export class InternalTokenRefused extends Error {
  override readonly name = 'InternalTokenRefused';
}

/** A KeyObject made once: given a string, jsonwebtoken re-derives the key (PEM attempt first) on every call. */
function signingKey(secret: string): Buffer {
  return createSecretKey(Buffer.from(secret, 'utf8')) as KeyObject as unknown as Buffer;
}

/** Mints the short-lived HS256 token the gateway attaches to every upstream call. */
export class InternalTokenMinter {
  private readonly jwt: JwtService;

  constructor(
    secret: string,
    private readonly issuer = INTERNAL_TOKEN_ISSUER,
    private readonly ttlSeconds = INTERNAL_TOKEN_TTL_SECONDS,
  ) {
    this.jwt = new JwtService({ secret: signingKey(secret) });
  }

  /** A token for one call to `audience` (the target service's name), carrying the end user if there is one. */
  mint(audience: string, user?: InternalCaller): string {
    const claims: Record<string, string> = user ? { sub: user.id, username: user.username, role: user.role } : {};
    return this.jwt.sign(claims, {
      algorithm: 'HS256',
      issuer: this.issuer,
      audience,
      expiresIn: this.ttlSeconds,
    });
  }
}

/** Verifies internal tokens addressed to one service: signature (HS256 only), issuer, audience, expiry. */
export class InternalTokenVerifier {
  private readonly jwt: JwtService;

  constructor(
    secret: string,
    private readonly audience: string,
    private readonly issuer = INTERNAL_TOKEN_ISSUER,
  ) {
    this.jwt = new JwtService({ secret: signingKey(secret) });
  }

  verify(token: string): InternalIdentity {
    let claims: InternalClaims;
    try {
      claims = this.jwt.verify<InternalClaims & object>(token, {
        algorithms: ['HS256'],
        issuer: this.issuer,
        audience: this.audience,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
    } catch (error) {
      throw new InternalTokenRefused(refusalOf(error));
    }
    const user = userOf(claims);
    return { issuer: claims.iss, audience: this.audience, ...(user ? { user } : {}) };
  }
}

function refusalOf(error: unknown): string {
  const name = (error as Error)?.name;
  const message = (error as Error)?.message ?? '';
  if (name === 'TokenExpiredError') return 'internal token expired';
  if (/audience/i.test(message)) return 'internal token is for another service';
  if (/issuer/i.test(message)) return 'internal token has an unknown issuer';
  return 'internal token is invalid';
}

function userOf(claims: InternalClaims): InternalCaller | undefined {
  const { sub, username, role } = claims;
  if (sub === undefined && username === undefined && role === undefined) return undefined;
  if (typeof sub !== 'string' || typeof username !== 'string' || typeof role !== 'string')
    throw new InternalTokenRefused('internal token carries an incomplete user');
  return { id: sub, username, role };
}
