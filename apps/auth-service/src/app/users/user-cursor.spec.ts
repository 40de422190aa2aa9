import { DomainError } from '@datalake/service-kit';
import { decodeUserCursor, encodeUserCursor } from './user-cursor';

describe('user cursor', () => {
  it('round-trips a username key', () => {
    expect(decodeUserCursor(encodeUserCursor('alice.smith_2'))).toBe('alice.smith_2');
  });

  it('refuses a cursor that does not decode to a username key', () => {
    expect(() => decodeUserCursor(Buffer.from('{"$gt":""}').toString('base64url'))).toThrow(DomainError);
  });
});
