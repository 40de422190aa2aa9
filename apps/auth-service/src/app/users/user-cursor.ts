import { DomainError } from '@datalake/service-kit';

/** Opaque `GET /users` cursor: the last username key of a page, base64url. */
export function encodeUserCursor(usernameKey: string): string {
  return Buffer.from(usernameKey, 'utf8').toString('base64url');
}

export function decodeUserCursor(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[a-z0-9_.-]{1,64}$/.test(key)) throw new DomainError('INVALID', 'cursor is not a valid cursor');
  return key;
}
