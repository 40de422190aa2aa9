import { parseTimestamp } from './normalize';

describe('parseTimestamp', () => {
  it.each([
    ['2026-02-28T23:59:59Z', '2026-02-28T23:59:59.000Z'],
    ['2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    ['2000-02-29', '2000-02-29T00:00:00.000Z'],
    ['2026-12-31 23:59', '2026-12-31T23:59:00.000Z'],
    ['2026-04-30T10:00:00+02:00', '2026-04-30T08:00:00.000Z'],
    ['2026-01-01T00:00:00.123456Z', '2026-01-01T00:00:00.123Z'],
  ])('accepts the calendar date %s', (text, iso) => {
    expect(parseTimestamp(text)?.toISOString()).toBe(iso);
  });

  it.each([
    '2026-02-30T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '1900-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '2026-01-32',
    '2026-01-01T24:00:00Z',
    '2026-01-01T24:61:00Z',
    '2026-01-01T23:60:00Z',
    '2026-01-01T23:59:60Z',
    '2026-01-01T10:00:00+24:00',
    '2026-01-01T10:00:00+01:60',
  ])('refuses the impossible date %s instead of rolling it over', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });

  it('still reads epoch milliseconds', () => {
    expect(parseTimestamp(0)?.toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(parseTimestamp('1767225600000')?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });
});
