import {
  BSON,
  MongoBulkWriteError,
  MongoError,
  MongoServerError,
  type AnyBulkWriteOperation,
  type Collection,
} from 'mongodb';
import { DomainError, isMongoOutage } from '@datalake/service-kit';
import type { ListQueryDto } from '@datalake/dto';
import { encodeCursor } from './cursor';
import type { RecordDefinition, RecordDocument } from './record-definition';
import { CURSOR_SORT, planListQuery } from './record-query';

export interface RejectedWrite {
  /** Position in the array given to `upsertMany`. */
  index: number;
  message: string;
}

export interface RecordPage {
  items: RecordDocument[];
  nextCursor: string | null;
}

/**
 * Documents per insertMany/bulkWrite call. FerretDB 1.24 hangs on a bulkWrite with 50 or more
 * updates that match existing documents (one SQLite connection held per statement); 40 stays clear
 * of it, and keeps one call short enough to heartbeat between calls.
 */
export const UPSERT_CHUNK_SIZE = 40;

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

/** Stores records of one kind: upserts by natural key, cursor listing, get, update, delete. */
export class RecordRepository {
  constructor(
    private readonly collection: Collection<RecordDocument>,
    private readonly definition: RecordDefinition,
  ) {}

  /**
   * Creates the missing indexes, one call each. FerretDB 1.24 crashes the connection on a
   * createIndexes call that repeats some existing indexes, so existing names are skipped.
   */
  async ensureIndexes(): Promise<void> {
    const existing = new Set(
      (await this.collection.listIndexes().toArray().catch(() => [])).map((index) => index['name'] as string),
    );
    const wanted = [{ key: CURSOR_SORT, name: 'cursor_sort' }, ...this.definition.indexes];
    for (const index of wanted.filter((spec) => !existing.has(spec.name ?? ''))) {
      await this.collection.createIndexes([index]);
    }
  }

  /**
   * Stores a batch: one document per natural key, whatever the number of deliveries. Documents the
   * server refuses for good are returned; connection problems throw (the caller retries the batch).
   * `onChunk` runs after each chunk, e.g. to heartbeat during a long batch.
   */
  async upsertMany(documents: RecordDocument[], onChunk?: () => Promise<void>): Promise<RejectedWrite[]> {
    const rejected: RejectedWrite[] = [];
    for (let start = 0; start < documents.length; start += UPSERT_CHUNK_SIZE) {
      const chunk = documents.slice(start, start + UPSERT_CHUNK_SIZE);
      for (const refusal of await this.upsertChunkOrEach(chunk)) rejected.push({ ...refusal, index: start + refusal.index });
      await onChunk?.();
    }
    return rejected;
  }

  /**
   * A chunk whose write fails as a whole for a reason other than an outage (the driver refusing to
   * serialize one document, say) is written one document at a time, so only the culprit is refused.
   */
  private async upsertChunkOrEach(chunk: RecordDocument[]): Promise<RejectedWrite[]> {
    try {
      return await this.upsertChunk(chunk);
    } catch (error) {
      if (isStorageOutage(error)) throw error;
    }
    const rejected: RejectedWrite[] = [];
    for (const [index, document] of chunk.entries()) {
      try {
        for (const refusal of await this.upsertChunk([document])) rejected.push({ ...refusal, index });
      } catch (error) {
        if (isStorageOutage(error)) throw error;
        rejected.push({ index, message: `storage refused the record: ${(error as Error).name}: ${(error as Error).message}`.slice(0, 500) });
      }
    }
    return rejected;
  }

  /**
   * Inserts first and replaces only the documents that already exist (redeliveries, updated
   * records). New records are the common case, and an insert needs no lookup: on FerretDB's SQLite
   * backend a lookup is a scan, so upserting every document was about 100 times slower.
   */
  private async upsertChunk(documents: RecordDocument[]): Promise<RejectedWrite[]> {
    const existing: number[] = [];
    const rejected: RejectedWrite[] = [];
    try {
      await this.collection.insertMany(documents, { ordered: false });
    } catch (error) {
      for (const writeError of this.writeErrorsOf(error)) {
        if (writeError.code === DUPLICATE_KEY) existing.push(writeError.index);
        else rejected.push({ index: writeError.index, message: `storage refused the record: ${writeError.errmsg ?? writeError.code}` });
      }
    }
    if (existing.length === 0) return rejected;
    const operations: AnyBulkWriteOperation<RecordDocument>[] = existing.map((index) => ({
      replaceOne: { filter: { _id: documents[index]._id }, replacement: documents[index], upsert: true },
    }));
    try {
      await this.collection.bulkWrite(operations, { ordered: false });
    } catch (error) {
      for (const writeError of this.writeErrorsOf(error)) {
        rejected.push({ index: existing[writeError.index], message: `storage refused the record: ${writeError.errmsg ?? writeError.code}` });
      }
    }
    return rejected;
  }

  /** Per-document errors of a bulk write; rethrows anything else (an outage, or a whole-call error). */
  private writeErrorsOf(error: unknown): { index: number; code: number; errmsg?: string }[] {
    if (!(error instanceof MongoBulkWriteError) || isStorageOutage(error)) throw error;
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    return writeErrors.map((e) => ({ index: e.index, code: e.code, errmsg: e.errmsg }));
  }

  async list(query: ListQueryDto): Promise<RecordPage> {
    const plan = planListQuery(this.definition, query);
    const found = await this.collection.find(plan.filter).sort(CURSOR_SORT).limit(plan.limit + 1).toArray();
    const items = found.slice(0, plan.limit);
    const last = items[items.length - 1];
    const nextCursor = found.length > plan.limit && last ? encodeCursor({ timestamp: last.timestamp, id: last._id }) : null;
    return { items, nextCursor };
  }

  async findById(id: string): Promise<RecordDocument> {
    const document = await this.collection.findOne({ _id: id });
    if (!document) throw new DomainError('NOT_FOUND', `${this.definition.resource} record ${id} not found`);
    return document;
  }

  async update(id: string, patch: Record<string, unknown>): Promise<RecordDocument> {
    const current = await this.findById(id);
    const changes = this.definition.applyUpdate(current, patch);
    const updated = await this.collection.findOneAndUpdate({ _id: id }, { $set: changes }, { returnDocument: 'after' });
    if (!updated) throw new DomainError('NOT_FOUND', `${this.definition.resource} record ${id} not found`);
    return updated;
  }

  async delete(id: string): Promise<void> {
    const result = await this.collection.deleteOne({ _id: id });
    if (result.deletedCount === 0) throw new DomainError('NOT_FOUND', `${this.definition.resource} record ${id} not found`);
  }

  count(): Promise<number> {
    return this.collection.countDocuments();
  }
}
