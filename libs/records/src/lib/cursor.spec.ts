import { DomainError } from '@datalake/service-kit';
import { decodeCursor, encodeCursor } from './cursor';

const raw = (text: string) => Buffer.from(text).toString('base64url');

describe('cursor', () => {
  it('decodes what it encoded', () => {
    const position = { timestamp: new Date('2026-11-24T10:00:00.123Z'), id: 'abc:1' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    ['an out-of-range timestamp', raw('[1e300,"x"]')],
    ['a timestamp past the Date range', raw('[8640000000000001,"x"]')],
    ['a fractional timestamp', raw('[1.5,"x"]')],
    ['a string timestamp', raw('["1","x"]')],
    ['a numeric id', raw('[1,2]')],
    ['an empty id', raw('[1,""]')],
    ['a long id', raw(JSON.stringify([1, 'x'.repeat(257)]))],
    ['three elements', raw('[1,"x",3]')],
    ['one element', raw('[1]')],
    ['an object', raw('{"0":1,"1":"x"}')],
    ['not JSON', raw('[1,')],
    ['characters outside base64url', 'WzEsIngiXQ=='],
    ['an empty cursor', ''],
  ])('refuses %s with a 400-mapped DomainError', (_name, cursor) => {
    let thrown: unknown;
    try {
      decodeCursor(cursor);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe('INVALID');
    expect((thrown as DomainError).message).toMatch(/^cursor is not a valid cursor/);
  });
});
