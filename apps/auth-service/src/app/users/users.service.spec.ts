import type { PinoLogger } from 'nestjs-pino';
import { DomainError } from '@datalake/service-kit';
import type { PasswordHasher } from '../credentials/password-hasher';
import type { UserDocument, UserRepository } from './user.repository';
import { UsersService } from './users.service';

function user(username: string, role: UserDocument['role']): UserDocument {
  const at = new Date('2026-11-24T10:00:00Z');
  return {
    _id: `id-${username}`,
    username,
    usernameKey: username.toLowerCase(),
    role,
    passwordHash: 'h',
    createdAt: at,
    updatedAt: at,
  };
}

describe(UsersService.name, () => {
  const users = new Map<string, UserDocument>();
  const repository = {
    findByUsername: async (name: string) => users.get(name.toLowerCase()) ?? null,
    findById: async (id: string) => [...users.values()].find((u) => u._id === id) ?? null,
    create: async (name: string, hash: string, role: UserDocument['role']) => {
      const created = { ...user(name, role), passwordHash: hash };
      users.set(name.toLowerCase(), created);
      return created;
    },
    countByRole: async (role: string) => [...users.values()].filter((u) => u.role === role).length,
    setRole: async (name: string, role: UserDocument['role']) => {
      const found = users.get(name.toLowerCase());
      if (found) found.role = role;
      return found ?? null;
    },
    list: async (limit: number, after?: string) =>
      [...users.values()]
        .sort((a, b) => a.usernameKey.localeCompare(b.usernameKey))
        .filter((u) => !after || u.usernameKey > after)
        .slice(0, limit),
  } as unknown as UserRepository;
  const hasher = { hash: async (password: string) => `hashed:${password}` } as PasswordHasher;
  const logger = { setContext: () => undefined, info: () => undefined } as unknown as PinoLogger;
  const sut = new UsersService(repository, hasher, logger);

  beforeEach(() => users.clear());

  it('registers a user with role user and never shows the hash', async () => {
    const created = await sut.register('Alice', 'password-1');
    expect(created).toEqual({ username: 'Alice', role: 'user', createdAt: expect.any(String) });
    expect(users.get('alice')?.passwordHash).toBe('hashed:password-1');
  });

  it('refuses a taken username whatever its case', async () => {
    await sut.register('alice', 'password-1');
    await expect(sut.register('ALICE', 'password-2')).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('never demotes the last admin', async () => {
    users.set('root', user('root', 'admin'));
    await expect(sut.setRole('root', 'user', 'root')).rejects.toBeInstanceOf(DomainError);
    users.set('second', user('second', 'admin'));
    await expect(sut.setRole('root', 'user', 'second')).resolves.toMatchObject({ role: 'user' });
  });

  it('answers NOT_FOUND for an unknown user', async () => {
    await expect(sut.setRole('ghost', 'admin', 'root')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('pages users by username with a cursor', async () => {
    for (const name of ['c', 'a', 'b']) users.set(name + 'xx', user(name + 'xx', 'user'));
    const first = await sut.list({ limit: 2 });
    expect(first.items.map((u) => u.username)).toEqual(['axx', 'bxx']);
    const second = await sut.list({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second).toEqual({ items: [expect.objectContaining({ username: 'cxx' })], nextCursor: null });
  });
});
