import { randomBytes } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import {
  InternalTokenMinter,
  InternalTokenRefused,
  InternalTokenVerifier,
  INTERNAL_TOKEN_TTL_SECONDS,
} from './internal-token';

const secret = randomBytes(32).toString('hex');
const alice = { id: 'u-1', username: 'alice', role: 'admin' };

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

describe(InternalTokenMinter.name, () => {
  it('mints an HS256 token from api-gateway to one service, carrying the user, valid 60 s', () => {
    const token = new InternalTokenMinter(secret).mint('transactions-consumer', alice);
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = claimsOf(token);
    expect(claims).toMatchObject({
      iss: 'api-gateway',
      aud: 'transactions-consumer',
      sub: 'u-1',
      username: 'alice',
      role: 'admin',
    });
    expect((claims['exp'] as number) - (claims['iat'] as number)).toBe(INTERNAL_TOKEN_TTL_SECONDS);
  });

  it('carries no user claims for a call made for nobody (/token, /register)', () => {
    const claims = claimsOf(new InternalTokenMinter(secret).mint('auth-service'));
    expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iat', 'iss']);
  });
});

describe(InternalTokenVerifier.name, () => {
  const verifier = new InternalTokenVerifier(secret, 'transactions-consumer');
  const refusal = (token: string) => {
    try {
      verifier.verify(token);
    } catch (error) {
      expect(error).toBeInstanceOf(InternalTokenRefused);
      return (error as Error).message;
    }
    throw new Error('the token was accepted');
  };

  it('accepts a token for itself and returns the caller', () => {
    expect(verifier.verify(new InternalTokenMinter(secret).mint('transactions-consumer', alice))).toEqual({
      issuer: 'api-gateway',
      audience: 'transactions-consumer',
      user: alice,
    });
    expect(verifier.verify(new InternalTokenMinter(secret).mint('transactions-consumer'))).toEqual({
      issuer: 'api-gateway',
      audience: 'transactions-consumer',
    });
  });

  it('refuses a token for another service', () => {
    expect(refusal(new InternalTokenMinter(secret).mint('auth-service', alice))).toBe(
      'internal token is for another service',
    );
  });

  it('refuses an expired token (beyond the clock tolerance)', () => {
    expect(refusal(new InternalTokenMinter(secret, 'api-gateway', -60).mint('transactions-consumer', alice))).toBe(
      'internal token expired',
    );
  });

  it('refuses a token signed with another key, by another issuer, or not a JWT', () => {
    const other = randomBytes(32).toString('hex');
    expect(refusal(new InternalTokenMinter(other).mint('transactions-consumer', alice))).toBe(
      'internal token is invalid',
    );
    expect(refusal(new InternalTokenMinter(secret, 'some-pod').mint('transactions-consumer', alice))).toBe(
      'internal token has an unknown issuer',
    );
    expect(refusal('not-a-token')).toBe('internal token is invalid');
  });

  it('refuses alg none and an end-user JWT signed with the same key but no audience', () => {
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ iss: 'api-gateway', aud: 'transactions-consumer', exp: Math.floor(Date.now() / 1000) + 60 }),
    ).toString('base64url')}.`;
    expect(refusal(unsigned)).toBe('internal token is invalid');
    const userJwt = new JwtService({ secret }).sign({ sub: 'u-1', username: 'alice', role: 'admin' });
    expect(refusal(userJwt)).toMatch(/another service|unknown issuer|invalid/);
  });

  it('refuses a token whose user claims are incomplete', () => {
    const partial = new JwtService({ secret }).sign(
      { sub: 'u-1', role: 'admin' },
      { issuer: 'api-gateway', audience: 'transactions-consumer', expiresIn: 60 },
    );
    expect(refusal(partial)).toBe('internal token carries an incomplete user');
  });
});
