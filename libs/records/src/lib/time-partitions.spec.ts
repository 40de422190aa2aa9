import { overlaps, partitionsOf, recordPartitionIds, secondsOf } from './time-partitions';

describe('time partitions', () => {
  const at = new Date('2026-12-31T23:59:58.250Z');

  it('names every partition by the ISO prefix it covers, with its parent and span', () => {
    const partitions = partitionsOf(at);
    expect(partitions.map((p) => [p.level, p.id, p.parent])).toEqual([
      ['year', '2026', ''],
      ['month', '2026-12', '2026'],
      ['day', '2026-12-31', '2026-12'],
      ['hour', '2026-12-31T23', '2026-12-31'],
      ['minute', '2026-12-31T23:59', '2026-12-31T23'],
      ['second', '2026-12-31T23:59:58', '2026-12-31T23:59'],
    ]);
    // Each span holds the instant and ends where the next one of its level starts (year and month roll over).
    for (const partition of partitions) {
      expect(partition.start.getTime()).toBeLessThanOrEqual(at.getTime());
      expect(partition.end.getTime()).toBeGreaterThan(at.getTime());
    }
    expect(partitions[0].end.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(partitions[1].end.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(partitionsOf(new Date('2028-02-29T12:00:00Z'))[1].end.toISOString()).toBe('2028-03-01T00:00:00.000Z');
  });

  it('stores day to second names on a record', () => {
    expect(recordPartitionIds(at)).toEqual(['2026-12-31', '2026-12-31T23', '2026-12-31T23:59', '2026-12-31T23:59:58']);
    expect(recordPartitionIds(new Date(0))).toEqual([
      '1970-01-01',
      '1970-01-01T00',
      '1970-01-01T00:00',
      '1970-01-01T00:00:00',
    ]);
  });

  it('lists the seconds of a minute newest first', () => {
    const minute = partitionsOf(at)[4];
    const seconds = secondsOf(minute);
    expect(seconds).toHaveLength(60);
    expect(seconds[0].id).toBe('2026-12-31T23:59:59');
    expect(seconds[59].id).toBe('2026-12-31T23:59:00');
    expect(seconds[1].start.toISOString()).toBe('2026-12-31T23:59:58.000Z');
  });

  it('tells which partitions a time range and a cursor can reach', () => {
    const hour = partitionsOf(at)[3];
    expect(overlaps(hour, {})).toBe(true);
    expect(overlaps(hour, { from: new Date('2027-01-01T00:00:00Z') })).toBe(false);
    expect(overlaps(hour, { from: new Date('2026-12-31T23:59:59.999Z') })).toBe(true);
    expect(overlaps(hour, { to: new Date('2026-12-31T23:00:00Z') })).toBe(false);
    expect(overlaps(hour, { to: new Date('2026-12-31T23:00:00.001Z') })).toBe(true);
    // a cursor's own instant is still reachable (same timestamp, smaller id)
    expect(overlaps(hour, { through: new Date('2026-12-31T23:00:00Z') })).toBe(true);
    expect(overlaps(hour, { through: new Date('2026-12-31T22:59:59.999Z') })).toBe(false);
  });
});
