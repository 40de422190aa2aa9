import type { CatalogueEntry } from './partition-catalogue';
import { overlaps, RECORD_PARTITION_LEVELS, secondsOf, type Partition, type TimeBounds } from './time-partitions';

/**
 * Partitions (days to seconds) holding at most this many records are read whole (one query, sorted
 * in memory by FerretDB); bigger ones are walked through their sub-partitions, and a minute above
 * it second by second. FerretDB decodes every document a query matches (~0.1–0.2 ms each, measured
 * on FerretDB 1.24/PostgreSQL), so a page of 50 should fetch not much more than 50.
 */
export const PARTITION_READ_LIMIT = 100;

export interface CatalogueReader {
  children(parent: string): Promise<CatalogueEntry[]>;
}

const newestFirst = (a: Partition, b: Partition) => b.start.getTime() - a.start.getTime();

/**
 * The partitions to read for a newest-first listing within `bounds`, newest first, each disjoint
 * from the others and small enough to read whole (or a single second, the finest there is). The
 * caller reads them in order and stops when its page is full, so only as much of the catalogue is
 * read as the page needs.
 */
export async function* partitionsToRead(
  catalogue: CatalogueReader,
  bounds: TimeBounds,
  readLimit = PARTITION_READ_LIMIT,
): AsyncGenerator<Partition> {
  async function* inside(parent: string): AsyncGenerator<Partition> {
    const children = (await catalogue.children(parent)).filter((child) => overlaps(child, bounds)).sort(newestFirst);
    for (const child of children) {
      // Records name their day … second only: a small year or month is still walked through.
      if (child.count <= readLimit && RECORD_PARTITION_LEVELS.includes(child.level)) yield child;
      else if (child.level === 'minute') yield* secondsOf(child).filter((second) => overlaps(second, bounds));
      else yield* inside(child.id);
    }
  }
  yield* inside('');
}
