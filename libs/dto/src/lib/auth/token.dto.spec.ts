import { parseTokenRequest, TOKEN_CONTENT_TYPE } from './token.dto';
import { isJwtClaims } from './jwt-claims';

describe(parseTokenRequest.name, () => {
  const form = TOKEN_CONTENT_TYPE;

  it('accepts username and password with or without grant_type=password', () => {
    expect(parseTokenRequest({ username: 'alice', password: 'secret-123' }, form)).toEqual({
      ok: true,
      username: 'alice',
      password: 'secret-123',
    });
    expect(
      parseTokenRequest({ grant_type: 'password', username: 'alice', password: 'p' }, `${form}; charset=UTF-8`),
    ).toMatchObject({ ok: true });
  });

  it('ignores unknown parameters such as scope and client_id (RFC 6749 §3.1)', () => {
    expect(parseTokenRequest({ username: 'a', password: 'p', scope: 'x', client_id: 'ui' }, form)).toMatchObject({
      ok: true,
    });
  });

  it.each([
    ['a missing password', { username: 'alice' }],
    ['a missing username', { password: 'p' }],
    ['an empty password', { username: 'alice', password: '' }],
    ['a repeated field', { username: ['a', 'b'], password: 'p' }],
    ['a structured field', { username: { $ne: 'x' }, password: 'p' }],
  ])('answers invalid_request for %s', (_case, body) => {
    expect(parseTokenRequest(body, form)).toEqual({ ok: false, error: 'invalid_request' });
  });

  it('answers invalid_request for a body that is not form-encoded', () => {
    expect(parseTokenRequest({ username: 'a', password: 'p' }, 'application/json')).toEqual({
      ok: false,
      error: 'invalid_request',
    });
    expect(parseTokenRequest(undefined, undefined)).toEqual({ ok: false, error: 'invalid_request' });
  });

  it('answers unsupported_grant_type for another grant, before looking at the credentials', () => {
    expect(parseTokenRequest({ grant_type: 'client_credentials' }, form)).toEqual({
      ok: false,
      error: 'unsupported_grant_type',
    });
  });
});

describe(isJwtClaims.name, () => {
  const claims = { sub: 'u-1', username: 'alice', role: 'user', exp: 2_000_000_000 };

  it('accepts the claims DataLake issues', () => {
    expect(isJwtClaims(claims)).toBe(true);
  });

  it.each([
    ['an unknown role', { ...claims, role: 'root' }],
    ['no expiry', { ...claims, exp: undefined }],
    ['no subject', { ...claims, sub: '' }],
    ['a non-object', 'token'],
  ])('refuses %s', (_case, payload) => {
    expect(isJwtClaims(payload)).toBe(false);
  });
});
