import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Long, type AnyBulkWriteOperation, type Collection } from 'mongodb';
import type { RecordDocument } from '../record-definition';
import { DEFAULT_COUNT_FLUSH_MS } from '../partition-catalogue';
import { PendingWrites, type PartialWriteError } from '../pending-writes';
import { MATCHED_UPDATES_PER_CALL } from '../write-limits';
import {
  addRecord,
  answerStats,
  bucketStart,
  emptyContribution,
  intervalMs,
  mergeContribution,
  scopeOf,
  STAT_INTERVALS,
  TOP_VALUES_PER_DOCUMENT,
  type Contribution,
  type StatDocument,
  type StatInterval,
  type StatsAnswer,
  type StatsSpec,
} from './record-stats';

/** Bucket documents whose top-list keys this process remembers; beyond it, it forgets and re-reads them. */
const KNOWN_DOCUMENTS_MAX = 5_000;
/**
 * Bucket changes held before a write must run first: a backfill of sparse history touches three
 * new buckets every few records, and holding them unbounded grew a consumer past 200 MiB.
 */
export const PENDING_BUCKETS_MAX = 3_000;

interface PendingBucket {
  scope: string;
  start: Date;
  change: Contribution;
}

/**
 * Statistics pre-aggregated at write time, in `<collection>_stats`: one document per bucket
 * (minute, hour, day) per WRITER (one per process), counters summed over the writers on read.
 *
 * Why per writer: FerretDB applies `$inc` as read-modify-write, so increments of one document from
 * several connections can be lost. Each process increments only its own documents, and its
 * flushes run one after the other (a single queue), so no two updates of a document overlap — on
 * FerretDB and on MongoDB, whatever the number of consumer replicas.
 *
 * Like the partition catalogue's counts, changes are gathered in memory and written together at
 * most `flushMs` later (before any stats read of this process, and when the service stops). A
 * process killed without stopping loses its last `flushMs` of changes (see docs/STORAGE.md).
 */
export class StatsRollup {
  readonly writer = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly pending: PendingWrites<PendingBucket>;
  /** Top-list keys present in this writer's bucket documents (to keep each list under its cap). */
  private readonly knownKeys = new Map<string, Map<string, Set<string>>>();

  constructor(
    private readonly collection: Collection<StatDocument>,
    private readonly spec: StatsSpec,
    flushMs = DEFAULT_COUNT_FLUSH_MS,
  ) {
    this.pending = new PendingWrites({
      write: (changes) => this.write(changes),
      // A failed write's changes merged back under the newer ones (see STORAGE.md: a chunk that failed
      // half-way on an outage may be applied twice).
      merge: (earlier, later) => {
        mergeContribution(earlier.change, later.change);
        return earlier;
      },
      delayMs: flushMs,
      maxPending: PENDING_BUCKETS_MAX,
    });
  }

  async ensureIndexes(): Promise<void> {
    const existing = await this.collection
      .listIndexes()
      .toArray()
      .then((indexes) => new Set(indexes.map((index) => index['name'] as string)))
      .catch(() => new Set<string>());
    // Serves every stats read: scope equality, then the start range (see answer()).
    if (!existing.has('scope_start'))
      await this.collection.createIndexes([{ key: { scope: 1, start: 1 }, name: 'scope_start' }]);
  }

  /** Counts these records (+1) or takes them back (-1), in the buckets of their timestamps. */
  record(records: readonly RecordDocument[], sign: 1 | -1): void {
    for (const record of records) {
      const one = emptyContribution();
      addRecord(one, record, this.spec, sign);
      for (const interval of STAT_INTERVALS) {
        const start = bucketStart(record.timestamp, interval);
        const id = `${interval}:${start.toISOString()}:${this.writer}`;
        const bucket = this.pending.at(id, () => ({
          scope: scopeOf(start, interval),
          start,
          change: emptyContribution(),
        }));
        mergeContribution(bucket.change, one);
      }
    }
  }

  /** An edit: the old version taken back, the new one counted. */
  replaced(pairs: readonly { before: RecordDocument; after: RecordDocument }[]): void {
    if (pairs.length === 0) return;
    this.record(
      pairs.map((pair) => pair.before),
      -1,
    );
    this.record(
      pairs.map((pair) => pair.after),
      1,
    );
  }

  /** Writes the pending changes now (before a read, before the service stops). */
  flush(): Promise<void> {
    return this.pending.flush();
  }

  /** Waits for a write when many bucket changes are held (before a batch adds more). */
  belowLimit(): Promise<void> {
    return this.pending.belowLimit();
  }

  /** The stats of [from, to) by `interval`, summed over every writer's bucket documents. */
  async answer(range: { from: Date; to: Date; interval: StatInterval }, maxTimeMS: number): Promise<StatsAnswer> {
    await this.flush();
    const first = bucketStart(range.from, range.interval);
    const scopes = new Set<string>();
    for (let t = first.getTime(); t < range.to.getTime(); t += intervalMs(range.interval)) {
      scopes.add(scopeOf(new Date(t), range.interval));
    }
    const documents: StatDocument[] = [];
    for (const scope of scopes) {
      documents.push(
        ...(await this.collection
          .find({ scope, start: { $gte: first, $lt: range.to } }, { useBigInt64: true, maxTimeMS })
          .toArray()),
      );
    }
    return answerStats(documents, range, this.spec, this.spec.formatSum ?? ((_group, minor) => minor.toString()));
  }

  private async write(changes: Map<string, PendingBucket>): Promise<void> {
    const ids = [...changes.keys()];
    const written = new Set<string>();
    try {
      for (let start = 0; start < ids.length; start += MATCHED_UPDATES_PER_CALL) {
        const chunk = ids.slice(start, start + MATCHED_UPDATES_PER_CALL);
        const operations: AnyBulkWriteOperation<StatDocument>[] = [];
        for (const id of chunk) operations.push(await this.updateOf(id, changes.get(id) as PendingBucket));
        await this.collection.bulkWrite(operations, { ordered: false });
        for (const id of chunk) written.add(id);
      }
    } catch (error) {
      throw Object.assign(error as PartialWriteError, { written });
    }
  }

  /** One `$inc` of this writer's bucket document; top-list values beyond the cap go to `overflow`. */
  private async updateOf(id: string, bucket: PendingBucket): Promise<AnyBulkWriteOperation<StatDocument>> {
    const inc: Record<string, number | Long> = {};
    const set: Record<string, boolean> = {};
    for (const [path, by] of bucket.change.counts) if (by !== 0) inc[path] = by;
    for (const [path, by] of bucket.change.sums) if (by !== 0n) inc[path] = Long.fromBigInt(by);
    if (bucket.change.tops.size > 0) {
      const known = await this.keysOf(id);
      for (const [name, values] of bucket.change.tops) {
        const keys = known.get(name) ?? new Set<string>();
        known.set(name, keys);
        for (const [value, by] of values) {
          if (by === 0) continue;
          if (keys.has(value) || keys.size < TOP_VALUES_PER_DOCUMENT) {
            keys.add(value);
            inc[`tops.${name}.${value}`] = by;
          } else {
            inc[`overflow.${name}`] = ((inc[`overflow.${name}`] as number | undefined) ?? 0) + by;
            set[`capped.${name}`] = true;
          }
        }
      }
    }
    const update: Record<string, unknown> = {
      $setOnInsert: { scope: bucket.scope, start: bucket.start, writer: this.writer },
    };
    if (Object.keys(inc).length > 0) update['$inc'] = inc;
    if (Object.keys(set).length > 0) update['$set'] = set;
    return { updateOne: { filter: { _id: id }, update, upsert: true } };
  }

  /** The top-list keys of this writer's document, remembered or read once. */
  private async keysOf(id: string): Promise<Map<string, Set<string>>> {
    const remembered = this.knownKeys.get(id);
    if (remembered) return remembered;
    if (this.knownKeys.size >= KNOWN_DOCUMENTS_MAX) this.knownKeys.clear();
    const stored = await this.collection.findOne({ _id: id }, { projection: { tops: 1 } });
    const keys = new Map<string, Set<string>>(
      Object.entries(stored?.tops ?? {}).map(([name, values]) => [name, new Set(Object.keys(values))]),
    );
    this.knownKeys.set(id, keys);
    return keys;
  }
}
