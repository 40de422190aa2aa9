import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser, CurrentAccount, SessionLookup } from '@datalake/auth';
import { UserRepository } from './user.repository';

/** The auth-service checks tokens against its own users collection: current role, or gone. */
@Injectable()
export class UserAccountLookup implements SessionLookup {
  constructor(private readonly users: UserRepository) {}

  async current(user: AuthenticatedUser): Promise<CurrentAccount | undefined> {
    const account = await this.users.findById(user.id);
    return account ? { username: account.username, role: account.role } : undefined;
  }
}
