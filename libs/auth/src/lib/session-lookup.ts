import type { Request } from 'express';
import type { Role } from '@datalake/dto';
import type { AuthenticatedUser } from './authenticated-user';

/** A token's account as it is now, not as it was when the token was signed. */
export interface CurrentAccount {
  username: string;
  role: Role;
}

/**
 * Looks up the account behind a verified token, so a role change or a deleted account takes
 * effect on the next request instead of when the token expires. Provided by the app
 * (auth-service: its users collection; gateway: the auth-service, briefly cached).
 */
export interface SessionLookup {
  /** undefined when the account no longer exists. */
  current(user: AuthenticatedUser, request: Request): Promise<CurrentAccount | undefined>;
}

export const SESSION_LOOKUP = Symbol('SESSION_LOOKUP');
