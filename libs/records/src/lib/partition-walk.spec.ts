import type { CatalogueEntry } from './partition-catalogue';
import { cheaperWhole, partitionsToRead } from './partition-walk';
import { partitionsOf, type TimeBounds } from './time-partitions';

/** A catalogue built from timestamps, as the repository keeps it, with a log of what was asked. */
function catalogueOf(timestamps: string[]) {
  const entries = new Map<string, CatalogueEntry>();
  for (const timestamp of timestamps) {
    for (const partition of partitionsOf(new Date(timestamp)).slice(0, 5)) {
      const entry = entries.get(partition.id) ?? { ...partition, _id: partition.id, count: 0 };
      entry.count += 1;
      entries.set(partition.id, entry);
    }
  }
  const asked: string[] = [];
  return {
    asked,
    children: async (parent: string) => {
      asked.push(parent);
      return [...entries.values()].filter((entry) => entry.parent === parent);
    },
  };
}

async function read(catalogue: ReturnType<typeof catalogueOf>, bounds: TimeBounds, limit: number, take = Infinity) {
  const ids: string[] = [];
  for await (const partition of partitionsToRead(catalogue, bounds, limit)) {
    ids.push(partition.id);
    if (ids.length >= take) break;
  }
  return ids;
}

describe('partitionsToRead', () => {
  const timestamps = [
    '2025-06-01T10:00:00Z',
    '2026-11-30T08:15:00Z',
    '2026-12-01T03:27:05Z',
    '2026-12-01T03:27:05Z',
    '2026-12-01T03:27:40Z',
    '2026-12-01T03:59:00Z',
    '2026-12-01T04:00:00Z',
  ];

  it('reads a small lake as whole days, newest first', async () => {
    expect(await read(catalogueOf(timestamps), {}, 100)).toEqual(['2026-12-01', '2026-11-30', '2025-06-01']);
  });

  it('descends into partitions above the limit, and reads a busy minute second by second', async () => {
    const ids = await read(catalogueOf(timestamps), {}, 1);
    expect(ids.slice(0, 3)).toEqual(['2026-12-01T04', '2026-12-01T03:59', '2026-12-01T03:27:59']);
    // the busy minute 03:27 (3 records) is walked second by second, newest first, all 60 of them
    const seconds = ids.filter((id) => id.startsWith('2026-12-01T03:27:'));
    expect(seconds).toHaveLength(60);
    expect(seconds.indexOf('2026-12-01T03:27:40')).toBeLessThan(seconds.indexOf('2026-12-01T03:27:05'));
    expect(ids.slice(-2)).toEqual(['2026-11-30', '2025-06-01']);
  });

  it('keeps to the time bounds and the cursor', async () => {
    const bounds = { from: new Date('2026-12-01T03:00:00Z'), to: new Date('2026-12-01T04:00:00Z') };
    expect(await read(catalogueOf(timestamps), bounds, 2)).toEqual(['2026-12-01T03:59', ...secondsBetween(59, 0)]);
    const through = { through: new Date('2026-11-30T08:15:00Z') };
    expect(await read(catalogueOf(timestamps), through, 100)).toEqual(['2026-11-30', '2025-06-01']);
  });

  it('reads only as much of the catalogue as the page needs', async () => {
    const catalogue = catalogueOf(timestamps);
    await read(catalogue, {}, 1, 1);
    expect(catalogue.asked).toEqual(['', '2026', '2026-12', '2026-12-01']);
  });
});

function secondsBetween(high: number, low: number): string[] {
  const ids: string[] = [];
  for (let second = high; second >= low; second--) ids.push(`2026-12-01T03:27:${String(second).padStart(2, '0')}`);
  return ids;
}

describe('cheaperWhole', () => {
  it('reads a sparse hour whole rather than minute by minute', () => {
    // 100k records over 30 days: ~140 an hour, 2–3 a minute
    expect(cheaperWhole({ level: 'hour', count: 140 }, 51)).toBe(true);
  });

  it('walks a busy hour, whose few newest minutes fill the page', () => {
    // 1M records over 30 days: ~1,400 an hour, ~23 a minute
    expect(cheaperWhole({ level: 'hour', count: 1_400 }, 51)).toBe(false);
  });

  it('reads a minute whole rather than querying its 60 seconds, unless it is very busy', () => {
    expect(cheaperWhole({ level: 'minute', count: 150 }, 51)).toBe(true);
    expect(cheaperWhole({ level: 'minute', count: 3_000 }, 51)).toBe(false);
  });

  it('lets the walk read such a partition whole when told how many records the page needs', async () => {
    const sparseHour = Array.from({ length: 140 }, (_, n) =>
      new Date(Date.UTC(2026, 11, 1, 3, 0, 0) + n * 25_000).toISOString(),
    );
    const ids: string[] = [];
    for await (const partition of partitionsToRead(catalogueOf(sparseHour), {}, 100, () => 51)) ids.push(partition.id);
    expect(ids).toEqual(['2026-12-01T03']);
  });
});
