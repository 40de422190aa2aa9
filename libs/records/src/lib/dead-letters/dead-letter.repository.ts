import { Binary, type AnyBulkWriteOperation, type Collection, type Db, type Filter, type IndexDescription } from 'mongodb';
import type { DeadLetterListQueryDto, DeadLetterStatus } from '@datalake/dto';
import { DEFAULT_PAGE_SIZE } from '@datalake/dto';
import { DomainError } from '@datalake/service-kit';
import { decodeCursor, encodeCursor } from '../cursor';
import { isStorageOutage } from '../record.repository';
import type { DeadLetterDocument } from './dead-letter-entry';

export const DEAD_LETTER_COLLECTION = 'dead_letters';

/**
 * FerretDB 1.x hangs on a bulkWrite with about 40 matched updates or more: every batch of index
 * writes and status changes stays below that.
 */
export const DEAD_LETTER_WRITE_CHUNK = 40;

/** Sort of every listing: newest failure first, the id breaking ties (also the cursor's order). */
const NEWEST_FIRST = { failedAt: -1, _id: -1 } as const;

/**
 * Indexes of the listing on MongoDB: newest first over the whole index, by status, by reason and by
 * both (each ends with the sort, so a page is an index range scan and the status counts are
 * index-only). `_id` serves gets, re-consumed entries and status changes.
 */
export const DEAD_LETTER_INDEXES: IndexDescription[] = [
  { key: NEWEST_FIRST, name: 'newest' },
  { key: { status: 1, ...NEWEST_FIRST }, name: 'status_newest' },
  { key: { reasonCode: 1, ...NEWEST_FIRST }, name: 'reason_newest' },
  { key: { status: 1, reasonCode: 1, ...NEWEST_FIRST }, name: 'status_reason_newest' },
];

export interface DeadLetterPage {
  items: DeadLetterDocument[];
  nextCursor: string | null;
}

export type DeadLetterCounts = Record<DeadLetterStatus, number>;

/** The stored form: the value as BSON binary (read back as Binary). */
type StoredDeadLetter = Omit<DeadLetterDocument, 'value'> & { value: Binary | Buffer };

function fromStored(stored: StoredDeadLetter): DeadLetterDocument {
  const value = stored.value instanceof Binary ? Buffer.from(stored.value.buffer) : Buffer.from(stored.value);
  return { ...stored, value };
}

/** MongoDB unreachable → 503 (DomainError UNAVAILABLE); anything else is thrown as it is. */
async function unlessOutage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError || !isStorageOutage(error)) throw error;
    throw new DomainError('UNAVAILABLE', 'the dead-letter index is unavailable (MongoDB); try again', undefined, {
      cause: error,
    });
  }
}

/** A topic's dead-letter index: one document per DLQ message, written by DeadLetterIndexer. */
export class DeadLetterRepository {
  private readonly collection: Collection<StoredDeadLetter>;

  constructor(
    db: Db,
    private readonly readTimeoutMs = 8_000,
  ) {
    this.collection = db.collection<StoredDeadLetter>(DEAD_LETTER_COLLECTION);
  }

  /** Creates the missing indexes one call each (FerretDB 1.24 fails a call that repeats an existing one). */
  async ensureIndexes(): Promise<void> {
    const existing = new Set(
      (
        await this.collection
          .listIndexes()
          .toArray()
          .catch(() => [])
      ).map((index) => index['name'] as string),
    );
    for (const index of DEAD_LETTER_INDEXES.filter((spec) => !existing.has(spec.name ?? ''))) {
      await this.collection.createIndexes([index]);
    }
  }

  /**
   * Adds entries that are not indexed yet; an entry seen again (the DLQ consumed again after a
   * restart or rebalance) keeps its status, since only missing documents are inserted.
   */
  async addMissing(entries: readonly DeadLetterDocument[]): Promise<void> {
    for (let start = 0; start < entries.length; start += DEAD_LETTER_WRITE_CHUNK) {
      const chunk = entries.slice(start, start + DEAD_LETTER_WRITE_CHUNK);
      const operations: AnyBulkWriteOperation<StoredDeadLetter>[] = chunk.map((entry) => {
        const { _id, ...fields } = entry;
        return { updateOne: { filter: { _id }, update: { $setOnInsert: fields }, upsert: true } };
      });
      await this.collection.bulkWrite(operations, { ordered: false });
    }
  }

  async list(query: DeadLetterListQueryDto): Promise<DeadLetterPage> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    // Top-level equality only (what FerretDB pushes down); the cursor's range is the index's.
    const filter: Filter<StoredDeadLetter> = {};
    if (query.status !== undefined) filter.status = query.status;
    if (query.reason !== undefined) filter.reasonCode = query.reason;
    if (query.cursor !== undefined) {
      const after = decodeCursor(query.cursor);
      filter.$or = [{ failedAt: { $lt: after.timestamp } }, { failedAt: after.timestamp, _id: { $lt: after.id } }];
    }
    const found = await unlessOutage(() =>
      this.collection
        .find(filter, { sort: NEWEST_FIRST, limit: limit + 1, maxTimeMS: this.readTimeoutMs })
        .toArray(),
    );
    const items = found.slice(0, limit).map(fromStored);
    const last = items[items.length - 1];
    const nextCursor =
      found.length > limit && last ? encodeCursor({ timestamp: last.failedAt, id: last._id }) : null;
    return { items, nextCursor };
  }

  /** Entries per status over the whole index (three index-only counts on MongoDB). */
  async counts(): Promise<DeadLetterCounts> {
    const count = (status: DeadLetterStatus) =>
      this.collection.countDocuments({ status }, { maxTimeMS: this.readTimeoutMs });
    const [pending, replayed, discarded] = await unlessOutage(() =>
      Promise.all([count('pending'), count('replayed'), count('discarded')]),
    );
    return { pending, replayed, discarded };
  }

  async findById(id: string): Promise<DeadLetterDocument | undefined> {
    const found = await unlessOutage(() => this.collection.findOne({ _id: id }, { maxTimeMS: this.readTimeoutMs }));
    return found ? fromStored(found) : undefined;
  }

  /** The entries with these ids (at most DEAD_LETTER_WRITE_CHUNK reads at once, each by `_id`). */
  async findByIds(ids: readonly string[]): Promise<Map<string, DeadLetterDocument>> {
    const found = new Map<string, DeadLetterDocument>();
    for (let start = 0; start < ids.length; start += DEAD_LETTER_WRITE_CHUNK) {
      const chunk = ids.slice(start, start + DEAD_LETTER_WRITE_CHUNK);
      const documents = await Promise.all(chunk.map((id) => this.findById(id)));
      for (const document of documents) if (document) found.set(document._id, document);
    }
    return found;
  }

  /** Oldest pending entries with this reason first (they failed first, they are sent first). */
  async findPendingByReason(reason: string, limit: number): Promise<DeadLetterDocument[]> {
    const found = await unlessOutage(() =>
      this.collection
        .find(
          { status: 'pending', reasonCode: reason },
          { sort: { failedAt: 1, _id: 1 }, limit, maxTimeMS: this.readTimeoutMs },
        )
        .toArray(),
    );
    return found.map(fromStored);
  }

  async countPendingByReason(reason: string): Promise<number> {
    return unlessOutage(() =>
      this.collection.countDocuments({ status: 'pending', reasonCode: reason }, { maxTimeMS: this.readTimeoutMs }),
    );
  }

  /**
   * Marks pending entries replayed (count +1, time set); answers the ids it changed. An entry
   * changed meanwhile by another request (replayed or discarded) is left as it is.
   */
  async markReplayed(ids: readonly string[], at: Date): Promise<Set<string>> {
    const changed = new Set<string>();
    for (let start = 0; start < ids.length; start += DEAD_LETTER_WRITE_CHUNK) {
      const chunk = ids.slice(start, start + DEAD_LETTER_WRITE_CHUNK);
      // One conditional update per id: the answer says exactly which ones this request changed.
      const results = await unlessOutage(() =>
        Promise.all(
          chunk.map((id) =>
            this.collection.updateOne(
              { _id: id, status: 'pending' },
              { $set: { status: 'replayed', replayedAt: at }, $inc: { replayCount: 1 } },
            ),
          ),
        ),
      );
      results.forEach((result, index) => {
        if (result.modifiedCount > 0) changed.add(chunk[index]);
      });
    }
    return changed;
  }

  /**
   * Marks a pending entry discarded; answers the entry as it is afterwards (a replayed or already
   * discarded one unchanged), undefined when there is no such entry.
   */
  async discard(id: string, at: Date): Promise<DeadLetterDocument | undefined> {
    await unlessOutage(() =>
      this.collection.updateOne({ _id: id, status: 'pending' }, { $set: { status: 'discarded', discardedAt: at } }),
    );
    return this.findById(id);
  }
}
