import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { DomainError } from '@datalake/service-kit';
import { PasswordHasher } from '../credentials/password-hasher';
import { AUTH_ENV } from '../auth.tokens';
import type { AuthEnv } from '../auth.env';
import { UserRepository } from './user.repository';

/** Creates the ADMIN_USERNAME admin at start when absent; an existing account is left as it is. */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  constructor(
    @Inject(AUTH_ENV) private readonly env: AuthEnv,
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(AdminBootstrap.name);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_USERNAME: username, ADMIN_PASSWORD: password } = this.env;
    if (!username || !password) {
      this.logger.warn('ADMIN_USERNAME/ADMIN_PASSWORD not set: no bootstrap admin');
      return;
    }
    const existing = await this.users.findByUsername(username);
    if (existing) {
      if (existing.role !== 'admin')
        this.logger.warn({ username }, 'bootstrap admin exists with role user; left unchanged');
      return;
    }
    try {
      await this.users.create(username, await this.hasher.hash(password), 'admin');
      this.logger.info({ username }, 'bootstrap admin created');
    } catch (error) {
      // Another replica created it at the same moment.
      if (!(error instanceof DomainError && error.code === 'CONFLICT')) throw error;
    }
  }
}
