import type { RecordDocument } from '../record-definition';
import {
  addRecord,
  answerStats,
  bucketStart,
  emptyContribution,
  escapeKey,
  MAX_KEY_LENGTH,
  mergeContribution,
  scopeOf,
  topOf,
  unescapeKey,
  type StatDocument,
  type StatsSpec,
} from './record-stats';

const spec: StatsSpec = {
  counts: { byStatus: 'status' },
  tops: { topTags: 'tags' },
  sums: { amounts: { group: 'currency', minor: 'amountMinor' } },
};

function record(fields: Record<string, unknown>): RecordDocument {
  return {
    _id: 'r',
    timestamp: new Date('2026-12-02T00:10:30Z'),
    ingestedAt: new Date(),
    source: { kind: 'http', name: 'x' },
    eventId: 'e',
    ...fields,
  } as RecordDocument;
}

describe('stat keys', () => {
  it('escapes dots, dollars and percent signs so a value is never a path or an operator, and back', () => {
    for (const value of ['a.b', '$where', '100%', '%2E', 'plain', '', 'x\u0000y', 'naïve.日本']) {
      const key = escapeKey(value);
      expect(key).not.toMatch(/[.$]/);
      expect(key).not.toContain(String.fromCharCode(0));
      expect(key.length).toBeGreaterThan(0);
      expect(unescapeKey(key)).toBe(value);
    }
    expect(escapeKey('$gt.x')).toBe('%24gt%2Ex');
  });

  it('cuts long values to MAX_KEY_LENGTH characters before escaping', () => {
    expect(unescapeKey(escapeKey('y'.repeat(500)))).toBe('y'.repeat(MAX_KEY_LENGTH));
  });
});

describe('buckets and scopes', () => {
  it('starts buckets at the UTC minute, hour and day and groups them by day, month and year', () => {
    const t = new Date('2026-12-02T13:45:59.999Z');
    expect(bucketStart(t, 'minute').toISOString()).toBe('2026-12-02T13:45:00.000Z');
    expect(bucketStart(t, 'hour').toISOString()).toBe('2026-12-02T13:00:00.000Z');
    expect(bucketStart(t, 'day').toISOString()).toBe('2026-12-02T00:00:00.000Z');
    expect(scopeOf(bucketStart(t, 'minute'), 'minute')).toBe('minute:2026-12-02');
    expect(scopeOf(bucketStart(t, 'hour'), 'hour')).toBe('hour:2026-12');
    expect(scopeOf(bucketStart(t, 'day'), 'day')).toBe('day:2026');
  });
});

describe('contributions', () => {
  it('counts a record by source, declared fields, distinct top values and exact minor-unit sums', () => {
    const change = emptyContribution();
    addRecord(
      change,
      record({ status: 'completed', tags: ['a', 'a', 'b.c'], currency: 'USD', amountMinor: 9_007_199_254_740_991 }),
      spec,
      1,
    );
    addRecord(
      change,
      record({ status: 'failed', tags: [], currency: 'USD', amountMinor: 9_007_199_254_740_991 }),
      spec,
      1,
    );
    expect(Object.fromEntries(change.counts)).toEqual({
      count: 2,
      'bySource.http': 2,
      'counts.byStatus.completed': 1,
      'counts.byStatus.failed': 1,
      'sums.amounts.USD.count': 2,
    });
    // Beyond 2^53: exact only in integers.
    expect(change.sums.get('sums.amounts.USD.minor')).toBe(18_014_398_509_481_982n);
    expect(Object.fromEntries(change.tops.get('topTags') ?? [])).toEqual({ a: 1, 'b%2Ec': 1 });
  });

  it('takes a record back with sign -1, so an edit is old -1 and new +1', () => {
    const change = emptyContribution();
    const before = record({ status: 'completed', tags: ['x'], currency: 'USD', amountMinor: 1000 });
    const after = record({ status: 'refunded', tags: ['y'], currency: 'EUR', amountMinor: 250 });
    addRecord(change, before, spec, 1);
    const edit = emptyContribution();
    addRecord(edit, before, spec, -1);
    addRecord(edit, after, spec, 1);
    mergeContribution(change, edit);
    expect(change.counts.get('count')).toBe(1);
    expect(change.counts.get('counts.byStatus.completed')).toBe(0);
    expect(change.counts.get('counts.byStatus.refunded')).toBe(1);
    expect(change.sums.get('sums.amounts.USD.minor')).toBe(0n);
    expect(change.sums.get('sums.amounts.EUR.minor')).toBe(250n);
    expect(change.tops.get('topTags')?.get('x')).toBe(0);
  });

  it('counts a record without a declared value under (none)', () => {
    const change = emptyContribution();
    addRecord(change, record({}), spec, 1);
    expect(change.counts.get('counts.byStatus.(none)')).toBe(1);
  });
});

describe('answerStats', () => {
  const writerDoc = (start: string, writer: string, fields: Partial<StatDocument>): StatDocument => ({
    _id: `minute:${start}:${writer}`,
    scope: 'minute:2026-12-02',
    start: new Date(start),
    writer,
    ...fields,
  });
  const format = (_currency: string, minor: bigint) => `${minor}`;

  it('sums the writers of each bucket, lists every bucket with zeros, drops values taken back to zero', () => {
    const documents = [
      writerDoc('2026-12-02T00:01:00.000Z', 'w1', {
        count: 3,
        bySource: { http: 3 },
        counts: { byStatus: { completed: 3 } },
        sums: { amounts: { USD: { count: 3, minor: 300n } } },
        tops: { topTags: { a: 2, b: 1 } },
      }),
      writerDoc('2026-12-02T00:01:00.000Z', 'w2', {
        count: 1,
        bySource: { file: 2, http: -1 },
        counts: { byStatus: { completed: -1, failed: 2 } },
        sums: { amounts: { USD: { count: 1, minor: -50 }, 'E%2EX': { count: 0, minor: 0 } } },
        tops: { topTags: { b: 2, 'c%24': 1 } },
      }),
      // Outside the range: ignored.
      writerDoc('2026-12-02T05:00:00.000Z', 'w1', { count: 100 }),
    ];
    const answer = answerStats(
      documents,
      { from: new Date('2026-12-02T00:00:30Z'), to: new Date('2026-12-02T00:03:00Z'), interval: 'minute' },
      spec,
      format,
    );
    expect(answer).toEqual({
      from: '2026-12-02T00:00:30.000Z',
      to: '2026-12-02T00:03:00.000Z',
      interval: 'minute',
      total: 4,
      bySource: { http: 2, file: 2 },
      series: [
        { start: '2026-12-02T00:00:00.000Z', count: 0, bySource: {} },
        { start: '2026-12-02T00:01:00.000Z', count: 4, bySource: { http: 2, file: 2 } },
        { start: '2026-12-02T00:02:00.000Z', count: 0, bySource: {} },
      ],
      amounts: [{ currency: 'USD', count: 4, sum: '250' }],
      byStatus: { completed: 2, failed: 2 },
      topTags: [
        { value: 'b', count: 3 },
        { value: 'a', count: 2 },
        { value: 'c$', count: 1 },
      ],
      topsExact: true,
    });
  });

  it('says the top lists are approximate once a writer capped one in the range', () => {
    const answer = answerStats(
      [writerDoc('2026-12-02T00:00:00.000Z', 'w1', { count: 1, capped: { topTags: true } })],
      { from: new Date('2026-12-02T00:00:00Z'), to: new Date('2026-12-02T00:01:00Z'), interval: 'minute' },
      spec,
      format,
    );
    expect(answer.topsExact).toBe(false);
  });

  it('answers the 10 highest counts, ties by value', () => {
    const counts = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`v${String(i).padStart(2, '0')}`, i % 4]));
    const top = topOf(counts);
    expect(top).toHaveLength(10);
    expect(top[0]).toEqual({ value: 'v03', count: 3 });
    expect(top.map((entry) => entry.count)).toEqual([3, 3, 3, 2, 2, 2, 2, 1, 1, 1]);
  });
});
