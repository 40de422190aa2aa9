import { createSecretKey } from 'node:crypto';
import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { isJwtClaims } from '@datalake/dto';
import type { AuthenticatedUser } from './authenticated-user';

export interface JwtAuthOptions {
  /** HS256 key shared with the token issuer (JWT_SECRET). */
  secret: string;
}

export const JWT_AUTH_OPTIONS = Symbol('JWT_AUTH_OPTIONS');

/** Bearer tokens: HS256 only (so `alg: none` and RS/HS confusion fail), signature and expiry checked. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(JWT_AUTH_OPTIONS) options: JwtAuthOptions) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject made once: given a string, jsonwebtoken first tries it as a PEM public key on every
      // verification and builds the secret key from the failure (~1 ms per request).
      secretOrKey: createSecretKey(Buffer.from(options.secret, 'utf8')) as unknown as Buffer,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  validate(payload: unknown): AuthenticatedUser {
    if (!isJwtClaims(payload)) throw new UnauthorizedException('token claims are invalid');
    return { id: payload.sub, username: payload.username, role: payload.role };
  }
}
