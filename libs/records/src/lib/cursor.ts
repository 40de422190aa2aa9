import { DomainError } from '@datalake/service-kit';

/** Position after which the next page starts: the last record's timestamp and id. */
export interface CursorPosition {
  timestamp: Date;
  id: string;
}

/** Largest |epoch ms| a JavaScript Date holds (ECMA-262 §21.4.1.1); past it the Date is invalid. */
const MAX_DATE_MS = 8.64e15;
const MAX_ID_LENGTH = 256;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.timestamp.getTime(), position.id])).toString('base64url');
}

/** Why a decoded cursor value is not one this service issued, or undefined when it is one. */
function cursorProblem(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length !== 2) return 'it must hold a timestamp and an id';
  const [time, id] = value as unknown[];
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || Math.abs(time) > MAX_DATE_MS)
    return 'its timestamp is out of range';
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) return 'its id is not a record id';
  return undefined;
}

/** Reads a cursor this service issued; anything else (tampered, truncated, out of range) is a 400. */
export function decodeCursor(cursor: string): CursorPosition {
  let value: unknown;
  try {
    if (!BASE64URL.test(cursor)) throw new Error('not base64url');
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new DomainError('INVALID', 'cursor is not a valid cursor: use the nextCursor of a previous page');
  }
  const problem = cursorProblem(value);
  if (problem)
    throw new DomainError(
      'INVALID',
      `cursor is not a valid cursor (${problem}): use the nextCursor of a previous page`,
    );
  const [time, id] = value as [number, string];
  return { timestamp: new Date(time), id };
}
