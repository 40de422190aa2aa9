import { UnauthorizedException } from '@nestjs/common';
import { describeAuthFailure } from './jwt-auth.guard';

function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

describe(describeAuthFailure.name, () => {
  it('asks for a token when none was sent', () => {
    expect(describeAuthFailure(new Error('No auth token'), null)).toEqual({
      message: 'missing bearer token',
      challenge: 'Bearer realm="datalake"',
    });
  });

  it('says an expired token expired', () => {
    const failure = describeAuthFailure(named('TokenExpiredError', 'jwt expired'), null);
    expect(failure.message).toBe('access token expired');
    expect(failure.challenge).toContain('error="invalid_token"');
  });

  it.each(['invalid signature', 'invalid algorithm', 'jwt malformed'])('calls a token with %s invalid', (reason) => {
    expect(describeAuthFailure(named('JsonWebTokenError', reason), null)).toMatchObject({
      message: 'access token is invalid',
    });
  });

  it('keeps the message of a claim check', () => {
    expect(describeAuthFailure(undefined, new UnauthorizedException('token claims are invalid')).message).toBe(
      'token claims are invalid',
    );
  });
});
