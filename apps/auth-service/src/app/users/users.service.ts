import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { DEFAULT_PAGE_SIZE, type Role, type UserDto, type UserListQueryDto, type UserPageDto } from '@datalake/dto';
import { DomainError } from '@datalake/service-kit';
import { PasswordHasher } from '../credentials/password-hasher';
import { decodeUserCursor, encodeUserCursor } from './user-cursor';
import { UserRepository, type UserDocument } from './user.repository';

export function toUserDto(user: UserDocument): UserDto {
  return { username: user.username, role: user.role, createdAt: user.createdAt.toISOString() };
}

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(UsersService.name);
  }

  /** Self-registration always makes a `user`; admins are made by an admin or the bootstrap. */
  async register(username: string, password: string): Promise<UserDto> {
    if (await this.users.findByUsername(username)) throw new DomainError('CONFLICT', `username ${username} is taken`);
    const user = await this.users.create(username, await this.hasher.hash(password), 'user');
    this.logger.info({ username }, 'user registered');
    return toUserDto(user);
  }

  async me(id: string): Promise<UserDto> {
    const user = await this.users.findById(id);
    if (!user) throw new DomainError('UNAUTHORIZED', 'the user of this token no longer exists');
    return toUserDto(user);
  }

  async list(query: UserListQueryDto): Promise<UserPageDto> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = query.cursor === undefined ? undefined : decodeUserCursor(query.cursor);
    const found = await this.users.list(limit + 1, after);
    const items = found.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toUserDto),
      nextCursor: found.length > limit && last ? encodeUserCursor(last.usernameKey) : null,
    };
  }

  /** Changes a role; the last admin cannot be demoted, so the platform always keeps one. */
  async setRole(username: string, role: Role, changedBy: string): Promise<UserDto> {
    const current = await this.users.findByUsername(username);
    if (!current) throw new DomainError('NOT_FOUND', `user ${username} not found`);
    if (current.role === 'admin' && role !== 'admin' && (await this.users.countByRole('admin')) <= 1) {
      throw new DomainError('CONFLICT', 'cannot demote the last admin');
    }
    const updated = await this.users.setRole(username, role);
    if (!updated) throw new DomainError('NOT_FOUND', `user ${username} not found`);
    this.logger.info({ username: updated.username, role, changedBy }, 'role changed');
    return toUserDto(updated);
  }
}
