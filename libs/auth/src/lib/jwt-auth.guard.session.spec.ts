import { type ExecutionContext, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { AuthenticatedUser } from './authenticated-user';
import { ACCOUNT_GONE, JwtAuthGuard } from './jwt-auth.guard';
import type { CurrentAccount, SessionLookup } from './session-lookup';

const signed: AuthenticatedUser = { id: 'u-1', username: 'alice', role: 'admin' };

function contextWith(user: AuthenticatedUser | undefined) {
  const headers: Record<string, string> = {};
  const request = { user } as { user?: AuthenticatedUser };
  const response = { setHeader: (name: string, value: string) => (headers[name] = value) };
  const context = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ExecutionContext;
  return { context, request, headers };
}

function lookupAnswering(account: CurrentAccount | undefined | Error): SessionLookup {
  return { current: async () => (account instanceof Error ? Promise.reject(account) : account) };
}

describe('JwtAuthGuard with a session lookup', () => {
  // The token itself is checked by passport (covered by the e2e tests); here it is taken as valid.
  beforeAll(() =>
    jest
      .spyOn(Object.getPrototypeOf(JwtAuthGuard.prototype) as InstanceType<ReturnType<typeof AuthGuard>>, 'canActivate')
      .mockResolvedValue(true),
  );
  afterAll(() => jest.restoreAllMocks());

  it("gives the request the account's current role, not the token's", async () => {
    const { context, request } = contextWith({ ...signed });
    await expect(
      new JwtAuthGuard(lookupAnswering({ username: 'alice', role: 'user' })).canActivate(context),
    ).resolves.toBe(true);
    expect(request.user).toEqual({ id: 'u-1', username: 'alice', role: 'user' });
  });

  it('refuses the token of a deleted account with 401 and a challenge', async () => {
    const { context, headers } = contextWith({ ...signed });
    const refused = new JwtAuthGuard(lookupAnswering(undefined)).canActivate(context);
    await expect(refused).rejects.toBeInstanceOf(UnauthorizedException);
    await expect(refused).rejects.toThrow(ACCOUNT_GONE);
    expect(headers['WWW-Authenticate']).toContain('error="invalid_token"');
  });

  it('passes on a lookup that could not be made (503), not a 401', async () => {
    const { context } = contextWith({ ...signed });
    const failed = new JwtAuthGuard(
      lookupAnswering(new ServiceUnavailableException('auth-service unavailable')),
    ).canActivate(context);
    await expect(failed).rejects.toBeInstanceOf(ServiceUnavailableException);
  });

  it('keeps the signed claims without a lookup', async () => {
    const { context, request } = contextWith({ ...signed });
    await expect(new JwtAuthGuard().canActivate(context)).resolves.toBe(true);
    expect(request.user).toEqual(signed);
  });
});
