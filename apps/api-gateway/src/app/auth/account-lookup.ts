import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthenticatedUser, CurrentAccount, SessionLookup } from '@datalake/auth';
import { isRole } from '@datalake/dto';
import { GATEWAY_ENV, type GatewayEnv } from '../gateway.env';
import { Upstreams } from '../upstream/upstreams';

/** Accounts remembered at most; past it the oldest look-ups are forgotten first. */
const MAX_REMEMBERED = 10_000;

interface Remembered {
  /** The look-up, shared by concurrent requests of one account while it runs. */
  account: Promise<CurrentAccount | undefined>;
  username?: string;
  /** Until when a finished look-up is trusted; Infinity while it runs. */
  until: number;
}

/**
 * The token's account as the auth-service knows it now (`GET /me` with the caller's token): its
 * current role, or gone. Remembered for SESSION_CHECK_CACHE_SECONDS per account, and one look-up
 * serves every concurrent request of that account, so a busy caller costs one look-up per period;
 * a role change made through this gateway replica is seen at once.
 */
@Injectable()
export class AuthServiceAccountLookup implements SessionLookup {
  private readonly remembered = new Map<string, Remembered>();

  constructor(
    private readonly upstreams: Upstreams,
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
  ) {}

  current(user: AuthenticatedUser, request: Request, now = Date.now()): Promise<CurrentAccount | undefined> {
    const known = this.remembered.get(user.id);
    if (known && known.until > now) return known.account;
    const entry: Remembered = { account: this.lookUp(request), until: Infinity, username: user.username };
    this.remember(user.id, entry);
    entry.account.then(
      (account) => {
        entry.until = now + this.env.SESSION_CHECK_CACHE_SECONDS * 1000;
        entry.username = account?.username;
        if (entry.until <= now) this.forgetEntry(user.id, entry);
      },
      () => this.forgetEntry(user.id, entry),
    );
    return entry.account;
  }

  /** Drops what is remembered about `username` (its role was just changed through this replica). */
  forget(username: string): void {
    const key = username.toLowerCase();
    for (const [id, known] of this.remembered) {
      if (known.username?.toLowerCase() === key) this.remembered.delete(id);
    }
  }

  private async lookUp(request: Request): Promise<CurrentAccount | undefined> {
    const answer = await this.upstreams.get('auth-service').call({
      caller: request.user,
      method: 'GET',
      path: '/me',
      headers: { 'x-request-id': String(request.id ?? ''), authorization: request.headers.authorization ?? '' },
    });
    return accountOf(answer.status, answer.body);
  }

  private remember(id: string, entry: Remembered): void {
    this.remembered.delete(id);
    this.remembered.set(id, entry);
    if (this.remembered.size > MAX_REMEMBERED) this.remembered.delete(this.remembered.keys().next().value as string);
  }

  private forgetEntry(id: string, entry: Remembered): void {
    if (this.remembered.get(id) === entry) this.remembered.delete(id);
  }
}

/** 200 → the account; 401 → gone; anything else means the check could not be made (503, never a pass). */
export function accountOf(status: number, body: unknown): CurrentAccount | undefined {
  if (status === 401) return undefined;
  const me = body as { username?: unknown; role?: unknown } | undefined;
  if (status === 200 && typeof me?.username === 'string' && isRole(me.role))
    return { username: me.username, role: me.role };
  throw new ServiceUnavailableException(`could not check the token's account: auth-service answered ${status}`);
}
