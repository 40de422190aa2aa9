import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { PinoLogger } from 'nestjs-pino';
import { OAUTH_ERRORS, type TokenResponseDto } from '@datalake/dto';
import { AUTH_ENV } from '../auth.tokens';
import type { AuthEnv } from '../auth.env';
import { PasswordHasher } from '../credentials/password-hasher';
import { UserRepository } from '../users/user.repository';
import { OAuthError } from './oauth-error';

@Injectable()
export class TokenService {
  constructor(
    @Inject(AUTH_ENV) private readonly env: AuthEnv,
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(TokenService.name);
  }

  /**
   * Resource owner password credentials grant (RFC 6749 §4.3). An unknown user and a wrong
   * password give the same invalid_grant after the same amount of hashing work.
   */
  async issue(username: string, password: string): Promise<TokenResponseDto> {
    const user = await this.users.findByUsername(username);
    const valid = await this.hasher.verify(user?.passwordHash, password);
    if (!user || !valid) {
      this.logger.info({ username }, 'token refused: bad credentials');
      throw new OAuthError(OAUTH_ERRORS.invalidGrant);
    }
    const accessToken = await this.jwt.signAsync({ sub: user._id, username: user.username, role: user.role });
    return { access_token: accessToken, token_type: 'bearer', expires_in: this.env.JWT_EXPIRES_IN };
  }
}
