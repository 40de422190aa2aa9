import { MongoBulkWriteError, MongoServerError, type AnyBulkWriteOperation, type Collection } from 'mongodb';
import { MATCHED_UPDATES_PER_CALL } from './write-limits';
import { CATALOGUED_LEVELS, partitionsOf, type Partition } from './time-partitions';

/** One non-empty (or once non-empty) partition and about how many records it holds. */
export interface CatalogueEntry extends Partition {
  _id: string;
  /** Records stored in it: exact with one writer per collection, a hint otherwise (see below). */
  count: number;
}


export const DEFAULT_CATALOGUE_CACHE_MS = 1_000;
/** Parents whose children lists are kept (a walk touches at most a few per level). */
const CACHED_PARENTS = 256;
const DUPLICATE_KEY = 11000;

/** Positions of the statements that collided on `_id` with a concurrent upsert; rethrows anything else. */
function collidedUpserts(error: unknown, statements: number): number[] {
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    if (writeErrors.length > 0 && writeErrors.every((e) => e.code === DUPLICATE_KEY)) return writeErrors.map((e) => e.index);
  }
  if (error instanceof MongoServerError && error.code === DUPLICATE_KEY && statements === 1) return [0];
  throw error;
}

/**
 * The catalogue of a record collection's time partitions (years … minutes), with record counts, so
 * that a read walks only partitions that hold records, newest first, and knows which ones are
 * small enough to read whole. Kept in `<collection>_partitions` by the service that owns the
 * records.
 *
 * Counts are a guide for the reader, never a filter: a partition is read when it overlaps the
 * query, whatever its count. They are exact on MongoDB; FerretDB applies `$inc` as a
 * read-modify-write, so this process serializes its own catalogue writes, and concurrent writers
 * (several replicas on FerretDB) can make a count drift — which costs speed, never a record.
 */
export class PartitionCatalogue {
  private queue: Promise<unknown> = Promise.resolve();
  /** Children lists recently read, by parent: most reads walk the same few newest partitions. */
  private readonly cache = new Map<string, { entries: CatalogueEntry[]; readAt: number }>();

  /**
   * @param cacheMs how long a children list read from the server is reused. Writes through this
   *   object drop the lists they change at once; a partition created by another replica becomes
   *   visible within this time.
   */
  constructor(
    private readonly collection: Collection<CatalogueEntry>,
    private readonly cacheMs = DEFAULT_CATALOGUE_CACHE_MS,
  ) {}

  async ensureIndexes(existing: Set<string>): Promise<void> {
    if (!existing.has('parent')) await this.collection.createIndexes([{ key: { parent: 1 }, name: 'parent' }]);
  }

  existingIndexNames(): Promise<Set<string>> {
    return this.collection
      .listIndexes()
      .toArray()
      .then((indexes) => new Set(indexes.map((index) => index['name'] as string)))
      .catch(() => new Set<string>());
  }

  /**
   * Adds `delta` records at each timestamp to the count of every partition it falls in, creating the
   * partitions that are missing. Called with +1 per record before the records are written (so a
   * stored record is never in an uncatalogued partition) and -1 for those that turn out to exist.
   */
  adjust(timestamps: readonly Date[], delta: 1 | -1): Promise<void> {
    const run = this.queue.then(() => this.write(timestamps, delta));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The partitions directly inside `parent` (`''`: the years). */
  async children(parent: string, maxTimeMS: number): Promise<CatalogueEntry[]> {
    const cached = this.cache.get(parent);
    if (cached && Date.now() - cached.readAt < this.cacheMs) return cached.entries;
    const readAt = Date.now();
    const entries = await this.collection.find({ parent }).maxTimeMS(maxTimeMS).toArray();
    if (this.cache.size >= CACHED_PARENTS) this.cache.clear();
    this.cache.set(parent, { entries, readAt });
    return entries;
  }

  private async write(timestamps: readonly Date[], delta: 1 | -1): Promise<void> {
    const changes = new Map<string, { partition: Partition; by: number }>();
    for (const timestamp of timestamps) {
      for (const partition of partitionsOf(timestamp)) {
        if (!CATALOGUED_LEVELS.includes(partition.level)) continue;
        const change = changes.get(partition.id) ?? { partition, by: 0 };
        change.by += delta;
        changes.set(partition.id, change);
      }
    }
    const operations: AnyBulkWriteOperation<CatalogueEntry>[] = [...changes.values()].map(({ partition, by }) => ({
      updateOne: {
        filter: { _id: partition.id },
        update: { $inc: { count: by }, $setOnInsert: { ...partition } },
        upsert: true,
      },
    }));
    for (let start = 0; start < operations.length; start += MATCHED_UPDATES_PER_CALL) {
      const chunk = operations.slice(start, start + MATCHED_UPDATES_PER_CALL);
      try {
        await this.collection.bulkWrite(chunk, { ordered: false });
      } catch (error) {
        // Another writer created some of these partitions at the same moment: those upserts
        // collided on _id (the others were applied); retried, they find the partition and update it.
        const retry = collidedUpserts(error, chunk.length).map((index) => chunk[index]);
        await this.collection.bulkWrite(retry, { ordered: false });
      }
    }
    // After the write, so that no read made during it keeps the old list.
    for (const { partition } of changes.values()) this.cache.delete(partition.parent);
  }
}
