import {
  BSON,
  MongoBulkWriteError,
  MongoError,
  MongoServerError,
  type AnyBulkWriteOperation,
  type Collection,
  type Db,
  type Filter,
} from 'mongodb';
import { DomainError, isMongoOutage } from '@datalake/service-kit';
import type { ListQueryDto } from '@datalake/dto';
import { encodeCursor } from './cursor';
import type { RecordDefinition, RecordDocument } from './record-definition';
import { CURSOR_SORT, planListQuery } from './record-query';
import { PartitionCatalogue, type CatalogueEntry } from './partition-catalogue';
import { MATCHED_UPDATES_PER_CALL, UPSERT_CHUNK_SIZE } from './write-limits';
import { holdsSameRecord, storedRecordsOf } from './stored-events';
import { PARTITION_READ_LIMIT, partitionsToRead } from './partition-walk';
import { PARTITIONS_FIELD, recordPartitionIds } from './time-partitions';
import { StatsRollup } from './stats/stats-rollup';
import type { StatDocument, StatInterval, StatsAnswer } from './stats/record-stats';

export interface RejectedWrite {
  /** Position in the array given to `upsertMany`. */
  index: number;
  message: string;
}

interface ChunkOutcome {
  rejected: RejectedWrite[];
  /** Positions of documents sent as new that turned out to be stored already. */
  foundStored: number[];
}

export interface RecordPage {
  items: RecordDocument[];
  nextCursor: string | null;
}

const LOOKUPS_IN_FLIGHT = 8;
/**
 * An export reads partitions of up to this many records whole (one query; FerretDB sorts them in
 * its own memory), bigger ones through their sub-partitions; records come in batches of 200.
 */
const EXPORT_PARTITION_READ_LIMIT = 2_000;
const EXPORT_BATCH_SIZE = 200;

/**
 * Longest a read may run on the server (maxTimeMS), below the gateway's 10 s upstream timeout: a
 * read the gateway has given up on stops on the server too instead of piling up behind retries.
 */
export const DEFAULT_READ_TIMEOUT_MS = 8_000;
const MAX_TIME_EXPIRED = 50;

/** Server error codes worth retrying; any other per-document error is the document's fault. */
const TRANSIENT_WRITE_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);
const DUPLICATE_KEY = 11000;

/**
 * True when an error means MongoDB cannot be reached or is not taking writes for now (retry the
 * batch later), judged by error type and server code, never by message text. Anything else a write
 * throws is about the documents written.
 */
export function isStorageOutage(error: unknown): boolean {
  if (isMongoOutage(error)) return true;
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    return writeErrors.length === 0 || writeErrors.some((e) => TRANSIENT_WRITE_CODES.has(e.code));
  }
  if (error instanceof MongoServerError) {
    return TRANSIENT_WRITE_CODES.has(Number(error.code));
  }
  // Errors about the documents themselves: serialization (BSON, too large, cyclic, too deep), other
  // driver and server refusals.
  if (error instanceof BSON.BSONError || error instanceof MongoError) return false;
  if (error instanceof TypeError || error instanceof RangeError) return false;
  // Anything else is not known to be the documents' fault: safer to retry than to refuse.
  return true;
}

export interface RecordRepositoryOptions {
  /** Server-side limit of one list or get (maxTimeMS), default DEFAULT_READ_TIMEOUT_MS. */
  readTimeoutMs?: number;
  /** Partitions up to this many records are read whole (default PARTITION_READ_LIMIT). */
  partitionReadLimit?: number;
}

/**
 * Stores records of one kind: upserts by natural key, cursor listing, get, update, delete.
 *
 * Listing newest first walks the time partitions (see time-partitions.ts) so that every query
 * sorts a bounded set of records, whatever the size of the collection: FerretDB sorts in memory
 * everything its pushed-down equality filter matches. On MongoDB the same queries are served by
 * the `partitions_time` index.
 */
export class RecordRepository {
  private readonly collection: Collection<RecordDocument>;
  private readonly catalogue: PartitionCatalogue;
  /** Counters of `GET /<resource>/stats`, kept up to date by every write below. */
  readonly rollup: StatsRollup;
  private readonly readTimeoutMs: number;
  private readonly partitionReadLimit: number;
  /** Whether the last batch was mostly records already stored (see upsertMany). */
  private expectRedeliveries = false;

  constructor(
    db: Db,
    private readonly definition: RecordDefinition,
    options: RecordRepositoryOptions = {},
  ) {
    this.collection = db.collection<RecordDocument>(definition.collection);
    this.catalogue = new PartitionCatalogue(db.collection<CatalogueEntry>(`${definition.collection}_partitions`));
    this.rollup = new StatsRollup(
      db.collection<StatDocument>(`${definition.collection}_stats`),
      definition.stats ?? {},
    );
    this.readTimeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    this.partitionReadLimit = options.partitionReadLimit ?? PARTITION_READ_LIMIT;
  }

  /**
   * Creates the missing indexes, one call each. FerretDB 1.24 crashes the connection on a
   * createIndexes call that repeats some existing indexes, so existing names are skipped.
   */
  async ensureIndexes(): Promise<void> {
    const existing = new Set(
      (
        await this.collection
          .listIndexes()
          .toArray()
          .catch(() => [])
      ).map((index) => index['name'] as string),
    );
    // Every list either walks the partitions (partitions_time) or reads a narrow filter's matches
    // (the definition's indexes); `_id` serves gets and upserts.
    const wanted = [
      { key: { [PARTITIONS_FIELD]: 1, ...CURSOR_SORT }, name: 'partitions_time' },
      ...this.definition.indexes,
    ];
    for (const index of wanted.filter((spec) => !existing.has(spec.name ?? ''))) {
      await this.collection.createIndexes([index]);
    }
    await this.catalogue.ensureIndexes(await this.catalogue.existingIndexNames());
    await this.rollup.ensureIndexes();
  }

  /**
   * Stores a batch: one document per natural key, whatever the number of deliveries. Documents the
   * server refuses for good are returned; connection problems throw (the caller retries the batch).
   * `onChunk` runs after each chunk, e.g. to heartbeat during a long batch.
   */
  async upsertMany(records: RecordDocument[], onChunk?: () => Promise<void>): Promise<RejectedWrite[]> {
    // Count and stats changes wait in memory to be written together; a backfill of sparse history
    // makes them faster than they are written, so past a bound the batch waits for that write.
    await Promise.all([this.catalogue.belowLimit(), this.rollup.belowLimit()]);
    const documents = records.map((record) => ({
      ...record,
      [PARTITIONS_FIELD]: recordPartitionIds(record.timestamp),
    }));
    const stored = this.expectRedeliveries
      ? await storedRecordsOf(this.collection, this.catalogue, documents, this.readTimeoutMs)
      : new Map<string, RecordDocument>();
    // Catalogued before they are written, as new: a stored record is never in an unlisted partition.
    await this.catalogue.count(
      documents.filter((document) => !stored.has(document._id)).map((document) => document.timestamp),
    );
    const rejected: RejectedWrite[] = [];
    const notNew: Date[] = [];
    let foundStored = stored.size;
    for (let start = 0; start < documents.length; start += UPSERT_CHUNK_SIZE) {
      const chunk = documents.slice(start, start + UPSERT_CHUNK_SIZE);
      const outcome = await this.upsertChunkOrEach(chunk, stored);
      foundStored += outcome.foundStored.length;
      for (const refusal of outcome.rejected) rejected.push({ ...refusal, index: start + refusal.index });
      for (const index of [...outcome.foundStored, ...outcome.rejected.map((refusal) => refusal.index)]) {
        if (!stored.has(chunk[index]._id)) notNew.push(chunk[index].timestamp);
      }
      await onChunk?.();
    }
    if (notNew.length > 0) this.catalogue.uncount(notNew);
    // New records are inserted blind (a duplicate key tells the few stored ones); once a batch is
    // mostly stored records (a redelivery, a re-ingest), the next ones are checked first, minute by
    // minute, which costs far less than a failed insert and a look-up per record.
    this.expectRedeliveries = foundStored * 2 > documents.length;
    return rejected;
  }

  /** Writes the partition counts still pending (before the service stops). */
  async flushCounts(): Promise<void> {
    await Promise.all([this.catalogue.flush(), this.rollup.flush()]);
  }

  /**
   * A chunk whose write fails as a whole for a reason other than an outage (the driver refusing to
   * serialize one document, say) is written one document at a time, so only the culprit is refused.
   */
  private async upsertChunkOrEach(chunk: RecordDocument[], stored: Map<string, RecordDocument>): Promise<ChunkOutcome> {
    try {
      return await this.upsertChunk(chunk, stored);
    } catch (error) {
      if (isStorageOutage(error)) throw error;
    }
    const outcome: ChunkOutcome = { rejected: [], foundStored: [] };
    for (const [index, document] of chunk.entries()) {
      try {
        const single = await this.upsertChunk([document], stored);
        for (const refusal of single.rejected) outcome.rejected.push({ ...refusal, index });
        if (single.foundStored.length > 0) outcome.foundStored.push(index);
      } catch (error) {
        if (isStorageOutage(error)) throw error;
        outcome.rejected.push({
          index,
          message: `storage refused the record: ${(error as Error).name}: ${(error as Error).message}`.slice(0, 500),
        });
      }
    }
    return outcome;
  }

  /**
   * Inserts the records not known to be stored, and replaces the stored ones that differ (a
   * redelivery of the same record changes nothing). New records are the common case, and an insert
   * needs no look-up.
   */
  private async upsertChunk(documents: RecordDocument[], stored: Map<string, RecordDocument>): Promise<ChunkOutcome> {
    const current = new Map(stored);
    const rejected: RejectedWrite[] = [];
    const toInsert = [...documents.keys()].filter((index) => !stored.has(documents[index]._id));
    const foundStored: number[] = [];
    if (toInsert.length > 0) {
      const notInserted = new Set<number>();
      try {
        await this.collection.insertMany(
          toInsert.map((index) => documents[index]),
          { ordered: false },
        );
      } catch (error) {
        for (const writeError of this.writeErrorsOf(error)) {
          const index = toInsert[writeError.index];
          notInserted.add(index);
          if (writeError.code === DUPLICATE_KEY) foundStored.push(index);
          else rejected.push({ index, message: `storage refused the record: ${writeError.errmsg ?? writeError.code}` });
        }
      }
      // Stats count what was stored: a redelivery found stored is counted below only if it changed.
      this.rollup.record(
        toInsert.filter((index) => !notInserted.has(index)).map((index) => documents[index]),
        1,
      );
    }
    for (const document of await this.storedDocuments(foundStored.map((index) => documents[index]._id)))
      current.set(document._id, document);
    const changed = [...documents.keys()].filter((index) => {
      const existing = current.get(documents[index]._id);
      return (
        (stored.has(documents[index]._id) || foundStored.includes(index)) &&
        !(existing && holdsSameRecord(existing, documents[index]))
      );
    });
    for (let start = 0; start < changed.length; start += MATCHED_UPDATES_PER_CALL) {
      const part = changed.slice(start, start + MATCHED_UPDATES_PER_CALL);
      const operations: AnyBulkWriteOperation<RecordDocument>[] = part.map((index) => ({
        replaceOne: { filter: { _id: documents[index]._id }, replacement: documents[index], upsert: true },
      }));
      const refused = new Set<number>();
      try {
        await this.collection.bulkWrite(operations, { ordered: false });
      } catch (error) {
        for (const writeError of this.writeErrorsOf(error)) {
          refused.add(part[writeError.index]);
          rejected.push({
            index: part[writeError.index],
            message: `storage refused the record: ${writeError.errmsg ?? writeError.code}`,
          });
        }
      }
      // A changed redelivery: its stored version taken back, the new one counted (an upsert of one
      // deleted meanwhile is new).
      const replaced = part.filter((index) => !refused.has(index));
      this.rollup.replaced(
        replaced
          .filter((index) => current.has(documents[index]._id))
          .map((index) => ({ before: current.get(documents[index]._id) as RecordDocument, after: documents[index] })),
      );
      this.rollup.record(
        replaced.filter((index) => !current.has(documents[index]._id)).map((index) => documents[index]),
        1,
      );
    }
    return { rejected, foundStored };
  }

  /** The stored records, looked up by `_id` a few at a time (equality: index-backed everywhere). */
  private async storedDocuments(ids: string[]): Promise<RecordDocument[]> {
    const documents: RecordDocument[] = [];
    for (let start = 0; start < ids.length; start += LOOKUPS_IN_FLIGHT) {
      const found = await Promise.all(
        ids.slice(start, start + LOOKUPS_IN_FLIGHT).map((_id) => this.collection.findOne({ _id })),
      );
      for (const document of found) if (document) documents.push(document);
    }
    return documents;
  }

  /** Per-document errors of a bulk write; rethrows anything else (an outage, or a whole-call error). */
  private writeErrorsOf(error: unknown): { index: number; code: number; errmsg?: string }[] {
    if (!(error instanceof MongoBulkWriteError) || isStorageOutage(error)) throw error;
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    return writeErrors.map((e) => ({ index: e.index, code: e.code, errmsg: e.errmsg }));
  }

  async list(query: ListQueryDto): Promise<RecordPage> {
    const plan = planListQuery(this.definition, query);
    const deadline = Date.now() + this.readTimeoutMs;
    const found = await this.readOrTimeout(async () => {
      if (plan.narrow) return this.findSorted(plan.filter, plan.limit + 1, deadline);
      const page: RecordDocument[] = [];
      const catalogue = { children: (parent: string) => this.catalogue.children(parent, this.msLeft(deadline)) };
      const wanted = () => plan.limit + 1 - page.length;
      for await (const partition of partitionsToRead(catalogue, plan.bounds, this.partitionReadLimit, wanted)) {
        const filter = { ...plan.filter, [PARTITIONS_FIELD]: partition.id } as Filter<RecordDocument>;
        page.push(...(await this.findSorted(filter, plan.limit + 1 - page.length, deadline)));
        if (page.length > plan.limit) break;
      }
      return page;
    });
    const items = found.slice(0, plan.limit).map((document) => this.withoutPartitions(document));
    const last = items[items.length - 1];
    const nextCursor =
      found.length > plan.limit && last ? encodeCursor({ timestamp: last.timestamp, id: last._id }) : null;
    return { items, nextCursor };
  }

  /**
   * Every record matching the list query, newest first, one at a time: the same partition walk as
   * `list` (or the narrow filter's matches), each partition read through a cursor of small batches,
   * so memory stays constant whatever the size. The caller pulls as fast as it can send (backpressure);
   * stopping the iteration (`return()`, e.g. the client went away) closes the open cursor.
   */
  async *exportRecords(query: ListQueryDto): AsyncGenerator<RecordDocument> {
    const plan = planListQuery(this.definition, { ...query, limit: undefined });
    const read = (filter: Filter<RecordDocument>) =>
      this.collection.find(filter).sort(CURSOR_SORT).batchSize(EXPORT_BATCH_SIZE).maxTimeMS(this.readTimeoutMs);
    if (plan.narrow) {
      for await (const document of read(plan.filter)) yield this.withoutPartitions(document);
      return;
    }
    const catalogue = { children: (parent: string) => this.catalogue.children(parent, this.readTimeoutMs) };
    for await (const partition of partitionsToRead(catalogue, plan.bounds, EXPORT_PARTITION_READ_LIMIT)) {
      const filter = { ...plan.filter, [PARTITIONS_FIELD]: partition.id } as Filter<RecordDocument>;
      for await (const document of read(filter)) yield this.withoutPartitions(document);
    }
  }

  /** The pre-aggregated stats of a range (see stats/stats-rollup.ts). */
  stats(range: { from: Date; to: Date; interval: StatInterval }): Promise<StatsAnswer> {
    return this.readOrTimeout(() => this.rollup.answer(range, this.readTimeoutMs));
  }

  async findById(id: string): Promise<RecordDocument> {
    const document = await this.readOrTimeout(() =>
      this.collection.findOne({ _id: id }, { maxTimeMS: this.readTimeoutMs }),
    );
    if (!document) throw new DomainError('NOT_FOUND', `${this.definition.resource} record ${id} not found`);
    return this.withoutPartitions(document);
  }

  private findSorted(filter: Filter<RecordDocument>, limit: number, deadline: number): Promise<RecordDocument[]> {
    return this.collection.find(filter).sort(CURSOR_SORT).limit(limit).maxTimeMS(this.msLeft(deadline)).toArray();
  }

  private msLeft(deadline: number): number {
    const left = deadline - Date.now();
    if (left <= 0) throw this.readTimedOut();
    return left;
  }

  /** A read stopped by its time limit is a 503 that says so, not a 500. */
  private async readOrTimeout<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof MongoServerError && error.code === MAX_TIME_EXPIRED) throw this.readTimedOut();
      throw error;
    }
  }

  private readTimedOut(): DomainError {
    return new DomainError(
      'UNAVAILABLE',
      `the read took longer than ${this.readTimeoutMs} ms and was stopped; narrow it with a filter or a from/to range`,
    );
  }

  private withoutPartitions(document: RecordDocument): RecordDocument {
    const { [PARTITIONS_FIELD]: _partitions, ...record } = document;
    return record as RecordDocument;
  }

  async update(id: string, patch: Record<string, unknown>): Promise<RecordDocument> {
    const current = await this.findById(id);
    const changes = this.definition.applyUpdate(current, patch);
    // The version replaced, as the server had it: the stats take back exactly what was counted.
    const before = await this.collection.findOneAndUpdate({ _id: id }, { $set: changes }, { returnDocument: 'before' });
    if (!before) throw new DomainError('NOT_FOUND', `${this.definition.resource} record ${id} not found`);
    const updated = { ...before, ...changes } as RecordDocument;
    this.rollup.replaced([{ before, after: updated }]);
    return this.withoutPartitions(updated);
  }

  async delete(id: string): Promise<void> {
    const deleted = await this.collection.findOneAndDelete({ _id: id });
    if (!deleted) throw new DomainError('NOT_FOUND', `${this.definition.resource} record ${id} not found`);
    this.catalogue.uncount([deleted.timestamp]);
    this.rollup.record([deleted], -1);
  }
}
