import { randomUUID } from 'node:crypto';
import { MongoServerError, type Collection, type IndexDescription } from 'mongodb';
import type { Role } from '@datalake/dto';
import { DomainError } from '@datalake/service-kit';

export interface UserDocument {
  /** Stable id, the tokens' `sub`. */
  _id: string;
  username: string;
  /** Lower-cased username: `Alice` and `alice` are one account. */
  usernameKey: string;
  role: Role;
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
}

export const USERS_COLLECTION = 'users';

export function usernameKeyOf(username: string): string {
  return username.toLowerCase();
}

/** The `auth.users` collection. */
export class UserRepository {
  constructor(private readonly collection: Collection<UserDocument>) {}

  /** Creates missing indexes one by one (FerretDB 1.24 drops the connection on a repeated one). */
  async ensureIndexes(): Promise<void> {
    const existing = new Set(
      (
        await this.collection
          .listIndexes()
          .toArray()
          .catch(() => [])
      ).map((index) => index['name'] as string),
    );
    const wanted: IndexDescription[] = [
      { key: { usernameKey: 1 }, name: 'username_key', unique: true },
      { key: { role: 1 }, name: 'role' },
    ];
    for (const index of wanted.filter((spec) => !existing.has(spec.name ?? ''))) {
      await this.collection.createIndexes([index]);
    }
  }

  /** Inserts a new user; CONFLICT when the username is taken (unique index, so races lose too). */
  async create(username: string, passwordHash: string, role: Role): Promise<UserDocument> {
    const now = new Date();
    const user: UserDocument = {
      _id: randomUUID(),
      username,
      usernameKey: usernameKeyOf(username),
      role,
      passwordHash,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.collection.insertOne(user);
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) {
        throw new DomainError('CONFLICT', `username ${username} is taken`);
      }
      throw error;
    }
    return user;
  }

  findByUsername(username: string): Promise<UserDocument | null> {
    return this.collection.findOne({ usernameKey: usernameKeyOf(username) });
  }

  findById(id: string): Promise<UserDocument | null> {
    return this.collection.findOne({ _id: id });
  }

  /** Users in username order, after `afterKey` when given. */
  list(limit: number, afterKey?: string): Promise<UserDocument[]> {
    const filter = afterKey === undefined ? {} : { usernameKey: { $gt: afterKey } };
    return this.collection.find(filter).sort({ usernameKey: 1 }).limit(limit).toArray();
  }

  setRole(username: string, role: Role): Promise<UserDocument | null> {
    return this.collection.findOneAndUpdate(
      { usernameKey: usernameKeyOf(username) },
      { $set: { role, updatedAt: new Date() } },
      { returnDocument: 'after' },
    );
  }

  countByRole(role: Role): Promise<number> {
    return this.collection.countDocuments({ role });
  }
}
