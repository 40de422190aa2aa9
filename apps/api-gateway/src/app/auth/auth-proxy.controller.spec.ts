import { isInvalidGrant } from './auth-proxy.controller';

describe(isInvalidGrant.name, () => {
  it('counts only a 400 invalid_grant as a failed attempt', () => {
    expect(isInvalidGrant({ status: 400, body: { error: 'invalid_grant' } })).toBe(true);
    expect(isInvalidGrant({ status: 400, body: { error: 'invalid_request' } })).toBe(false);
    expect(isInvalidGrant({ status: 200, body: { access_token: 'x' } })).toBe(false);
  });
});
