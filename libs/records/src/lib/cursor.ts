import { DomainError } from '@datalake/service-kit';

/** Position after which the next page starts: the last record's timestamp and id. */
export interface CursorPosition {
  timestamp: Date;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.timestamp.getTime(), position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    const [time, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof time === 'number' && Number.isFinite(time) && typeof id === 'string' && id.length <= 256) {
      return { timestamp: new Date(time), id };
    }
  } catch {
    // fall through to the error below
  }
  throw new DomainError('INVALID', 'cursor is not a valid cursor');
}
