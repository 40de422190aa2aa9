import { MongoBulkWriteError, MongoServerError, type AnyBulkWriteOperation, type Collection } from 'mongodb';
import { PendingWrites } from './pending-writes';
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
    if (writeErrors.length > 0 && writeErrors.every((e) => e.code === DUPLICATE_KEY))
      return writeErrors.map((e) => e.index);
  }
  if (error instanceof MongoServerError && error.code === DUPLICATE_KEY && statements === 1) return [0];
  throw error;
}

/** How long count changes wait to be written together (a flush also runs before any catalogue read). */
export const DEFAULT_COUNT_FLUSH_MS = 1_000;
/** Partitions this process remembers as existing; beyond it, it forgets them all and re-learns. */
const KNOWN_PARTITIONS_MAX = 200_000;
/** Partition count changes held before a write must run first (a sparse backfill makes one per few records). */
export const PENDING_COUNTS_MAX = 3_000;

interface CountChange {
  partition: Partition;
  by: number;
}

/**
 * The catalogue of a record collection's time partitions (years … minutes), with record counts, so
 * that a read walks only partitions that hold records, newest first, and knows which ones are
 * small enough to read whole. Kept in `<collection>_partitions` by the service that owns the
 * records.
 *
 * A partition is created before any record is written in it, so a stored record is never in an
 * unlisted partition. Counts are a guide for the reader, never a filter: a partition is read when
 * it overlaps the query, whatever its count. So count changes are gathered in memory and written
 * together, at most `countFlushMs` later (before any catalogue read of this process, and when the
 * service stops): a backfill of sparse history touches a new minute every few records, and one
 * `$inc` per minute per batch cost more than the records' own insert. A crash loses the pending
 * changes, and concurrent writers on FerretDB (which applies `$inc` as a read-modify-write) can
 * make a count drift: either costs read speed, never a record.
 */
export class PartitionCatalogue {
  /** Children lists recently read, by parent: most reads walk the same few newest partitions. */
  private readonly cache = new Map<string, { entries: CatalogueEntry[]; readAt: number }>();
  /** Partitions known to exist in the catalogue (created or seen by this process). */
  private readonly known = new Set<string>();
  /** Count changes not written yet, by partition. */
  private readonly pending: PendingWrites<CountChange>;

  /**
   * @param cacheMs how long a children list read from the server is reused. Writes through this
   *   object drop the lists they change at once; a partition created by another replica becomes
   *   visible within this time.
   * @param countFlushMs how long count changes may wait before they are written.
   */
  constructor(
    private readonly collection: Collection<CatalogueEntry>,
    private readonly cacheMs = DEFAULT_CATALOGUE_CACHE_MS,
    countFlushMs = DEFAULT_COUNT_FLUSH_MS,
  ) {
    this.pending = new PendingWrites({
      write: (changes) => this.write(changes),
      merge: (earlier, later) => ({ partition: earlier.partition, by: earlier.by + later.by }),
      delayMs: countFlushMs,
      maxPending: PENDING_COUNTS_MAX,
    });
  }

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
   * Makes sure every partition of these timestamps exists before records are written there, and
   * counts one more record at each (written later). Called with the records about to be inserted;
   * those that turn out to exist already are taken back with `uncount`.
   */
  async count(timestamps: readonly Date[]): Promise<void> {
    const missing = new Map<string, Partition>();
    for (const timestamp of timestamps) {
      for (const partition of cataloguedPartitionsOf(timestamp)) {
        if (!this.known.has(partition.id)) missing.set(partition.id, partition);
      }
    }
    // Not queued behind a count flush: inserting a partition never conflicts with an `$inc` of it.
    if (missing.size > 0) await this.create([...missing.values()]);
    this.change(timestamps, 1);
  }

  /** Counts one record less at each timestamp (written later). */
  uncount(timestamps: readonly Date[]): void {
    this.change(timestamps, -1);
  }

  /** Writes the pending count changes now (e.g. before the service stops). */
  flush(): Promise<void> {
    return this.pending.flush();
  }

  /** Waits for a write when many count changes are held (before a batch adds more). */
  belowLimit(): Promise<void> {
    return this.pending.belowLimit();
  }

  /** The partitions directly inside `parent` (`''`: the years), with the counts of this process's writes. */
  async children(parent: string, maxTimeMS: number): Promise<CatalogueEntry[]> {
    const cached = this.cache.get(parent);
    if (cached && Date.now() - cached.readAt < this.cacheMs) return cached.entries;
    if (this.pending.size > 0) await this.flush();
    const readAt = Date.now();
    const entries = await this.collection.find({ parent }).maxTimeMS(maxTimeMS).toArray();
    if (this.cache.size >= CACHED_PARENTS) this.cache.clear();
    this.cache.set(parent, { entries, readAt });
    this.remember(entries.map((entry) => entry._id));
    return entries;
  }

  private change(timestamps: readonly Date[], delta: 1 | -1): void {
    for (const timestamp of timestamps) {
      for (const partition of cataloguedPartitionsOf(timestamp)) {
        this.pending.at(partition.id, () => ({ partition, by: 0 })).by += delta;
      }
    }
  }

  private remember(ids: readonly string[]): void {
    if (this.known.size + ids.length > KNOWN_PARTITIONS_MAX) this.known.clear();
    for (const id of ids) this.known.add(id);
  }

  /** Inserts the partitions (count 0); those another writer created meanwhile are left as they are. */
  private async create(partitions: Partition[]): Promise<void> {
    const entries = partitions.map((partition) => ({ ...partition, _id: partition.id, count: 0 }));
    try {
      await this.collection.insertMany(entries, { ordered: false });
    } catch (error) {
      collidedInserts(error);
    }
    this.remember(partitions.map((partition) => partition.id));
    for (const partition of partitions) this.cache.delete(partition.parent);
  }

  private async write(changes: Map<string, CountChange>): Promise<void> {
    const operations: AnyBulkWriteOperation<CatalogueEntry>[] = [...changes.values()]
      .filter(({ by }) => by !== 0)
      .map(({ partition, by }) => ({
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

function cataloguedPartitionsOf(timestamp: Date): Partition[] {
  return partitionsOf(timestamp).filter((partition) => CATALOGUED_LEVELS.includes(partition.level));
}

/** Accepts an insert that failed only on duplicate keys (partitions that exist); rethrows anything else. */
function collidedInserts(error: unknown): void {
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    if (writeErrors.length > 0 && writeErrors.every((e) => e.code === DUPLICATE_KEY)) return;
  }
  if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return;
  throw error;
}
