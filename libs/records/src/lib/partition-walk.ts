import type { CatalogueEntry } from './partition-catalogue';
import { overlaps, RECORD_PARTITION_LEVELS, secondsOf, type Partition, type TimeBounds } from './time-partitions';

/**
 * Partitions (days to seconds) holding at most this many records are read whole (one query, sorted
 * in memory by FerretDB); bigger ones are walked through their sub-partitions, and a minute above
 * it second by second. FerretDB decodes every document a query matches (~0.1–0.2 ms each, measured
 * on FerretDB 1.24/PostgreSQL), so a page of 50 should fetch not much more than 50.
 */
export const PARTITION_READ_LIMIT = 100;

/**
 * What a read costs FerretDB 1.24 on PostgreSQL, measured: a query ~1 ms, every document it matches
 * ~0.15 ms more (decoded and sorted in Go). Used to read a sparse partition above the limit whole
 * when walking its sub-partitions would cost more queries than its records cost to decode.
 */
export const QUERY_COST = 1;
export const DOCUMENT_COST = 0.15;
/** Sub-partitions a partition has at most (seconds are not catalogued: all 60 would be queried). */
const CHILDREN_AT_MOST: Partial<Record<Partition['level'], number>> = { day: 24, hour: 60, minute: 60 };

/**
 * True when reading `partition` whole, to find `wanted` records, costs less than reading the
 * sub-partitions that hold them: e.g. an hour of 140 records over 60 minutes (1 query and 140
 * documents, instead of ~22 queries for 50 records), but not an hour of 1,400 (3 minutes do).
 */
export function cheaperWhole(partition: Pick<CatalogueEntry, 'level' | 'count'>, wanted: number): boolean {
  const most = CHILDREN_AT_MOST[partition.level];
  if (most === undefined || partition.count <= 0) return false;
  const children = partition.level === 'minute' ? most : Math.min(partition.count, most);
  const perChild = partition.count / children;
  const childReads = Math.min(children, Math.ceil(wanted / perChild));
  const whole = QUERY_COST + partition.count * DOCUMENT_COST;
  const walked =
    (partition.level === 'minute' ? 0 : QUERY_COST) +
    childReads * QUERY_COST +
    Math.min(partition.count, childReads * perChild) * DOCUMENT_COST;
  return whole <= walked;
}

export interface CatalogueReader {
  children(parent: string): Promise<CatalogueEntry[]>;
}

const newestFirst = (a: Partition, b: Partition) => b.start.getTime() - a.start.getTime();

/**
 * The partitions to read for a newest-first listing within `bounds`, newest first, each disjoint
 * from the others and small enough to read whole (or a single second, the finest there is). The
 * caller reads them in order and stops when its page is full, so only as much of the catalogue is
 * read as the page needs. With `wanted` (records the page still needs), a partition above the limit
 * is read whole when that is cheaper (see cheaperWhole).
 */
export async function* partitionsToRead(
  catalogue: CatalogueReader,
  bounds: TimeBounds,
  readLimit = PARTITION_READ_LIMIT,
  wanted?: () => number,
): AsyncGenerator<Partition> {
  async function* inside(parent: string): AsyncGenerator<Partition> {
    const children = (await catalogue.children(parent)).filter((child) => overlaps(child, bounds)).sort(newestFirst);
    for (const child of children) {
      // Records name their day … second only: a small year or month is still walked through.
      const readWhole = child.count <= readLimit || (wanted !== undefined && cheaperWhole(child, wanted()));
      if (readWhole && RECORD_PARTITION_LEVELS.includes(child.level)) yield child;
      else if (child.level === 'minute') yield* secondsOf(child).filter((second) => overlaps(second, bounds));
      else yield* inside(child.id);
    }
  }
  yield* inside('');
}
