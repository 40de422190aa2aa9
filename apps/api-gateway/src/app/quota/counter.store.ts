import { MongoServerError, type Collection, type Db } from 'mongodb';
import { type CountingWindow, windowOf } from './quota-window';

export interface CounterDocument {
  _id: string;
  key: string;
  windowStart: Date;
  /** End of the window; the sweeper deletes documents past it (no TTL index: FerretDB has none). */
  expiresAt: Date;
  hits?: number;
}

export interface CountedHit {
  /** Hits in the window, this one included. */
  hits: number;
  window: CountingWindow;
}

/** Hit counters per key and fixed window, shared by every gateway replica through MongoDB. */
export interface CounterStore {
  readonly kind: string;
  /** Counts one hit; once `cap` is reached the count may stop growing (callers only compare with it). */
  hit(key: string, windowMs: number, cap: number, now?: number): Promise<CountedHit>;
  /** Takes back one hit of that window (a reserved attempt that turned out not to count). */
  unhit(key: string, window: CountingWindow): Promise<void>;
}

export const QUOTAS_COLLECTION = 'quotas';
const DUPLICATE_KEY = 11000;

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

function counterFields(key: string, window: CountingWindow) {
  return { key, windowStart: new Date(window.start), expiresAt: new Date(window.end) };
}

/** MongoDB: one document per key and window, `$inc` upsert — atomic on the server. */
export class IncrementCounterStore implements CounterStore {
  readonly kind = 'increment';

  constructor(private readonly collection: Collection<CounterDocument>) {}

  async hit(key: string, windowMs: number, _cap: number, now = Date.now()): Promise<CountedHit> {
    const window = windowOf(now, windowMs);
    const _id = `${key}@${window.start}`;
    const update = () =>
      this.collection.findOneAndUpdate(
        { _id },
        { $inc: { hits: 1 }, $setOnInsert: counterFields(key, window) },
        { upsert: true, returnDocument: 'after' },
      );
    // Two first hits racing: one upsert inserts, the other may fail on the duplicate _id; retry updates.
    const document = await update().catch((error: unknown) => (isDuplicateKey(error) ? update() : Promise.reject(error)));
    return { hits: document?.hits ?? 1, window };
  }

  async unhit(key: string, window: CountingWindow): Promise<void> {
    await this.collection.updateOne({ _id: `${key}@${window.start}` }, { $inc: { hits: -1 } });
  }
}

const SLOT_DIGITS = 7;

/**
 * FerretDB 1.24 applies `$inc` as read-modify-write, so concurrent increments are lost (measured:
 * 20 parallel increments counted 2). Here each hit claims the next free slot document
 * `<key>@<window>#<n>`; the unique `_id` makes every claim exact under concurrency, on any server.
 */
export class SlotCounterStore implements CounterStore {
  readonly kind = 'slots';

  constructor(private readonly collection: Collection<CounterDocument>) {}

  async hit(key: string, windowMs: number, cap: number, now = Date.now()): Promise<CountedHit> {
    const window = windowOf(now, windowMs);
    const prefix = `${key}@${window.start}#`;
    let slot = (await this.collection.countDocuments(this.slotsOf(prefix))) + 1;
    // Past the cap nothing more is stored: a flood of refused requests costs no space.
    while (slot <= cap) {
      try {
        await this.collection.insertOne({ _id: prefix + String(slot).padStart(SLOT_DIGITS, '0'), ...counterFields(key, window) });
        return { hits: slot, window };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        slot += 1;
      }
    }
    return { hits: slot, window };
  }

  async unhit(key: string, window: CountingWindow): Promise<void> {
    // Removing the highest slot keeps the slots dense, so counting them finds the next free one.
    const prefix = `${key}@${window.start}#`;
    const top = await this.collection.findOne(this.slotsOf(prefix), { sort: { _id: -1 }, projection: { _id: 1 } });
    if (top) await this.collection.deleteOne({ _id: top._id });
  }

  private slotsOf(prefix: string) {
    return { _id: { $gte: prefix, $lt: `${prefix}\uffff` } };
  }
}

/** Picks the store for the server: slots on FerretDB (non-atomic `$inc`), `$inc` on MongoDB. */
export async function createCounterStore(db: Db): Promise<CounterStore> {
  const collection = db.collection<CounterDocument>(QUOTAS_COLLECTION);
  const existing = new Set((await collection.listIndexes().toArray().catch(() => [])).map((index) => index['name'] as string));
  if (!existing.has('expiresAt')) await collection.createIndexes([{ key: { expiresAt: 1 }, name: 'expiresAt' }]);
  const info = await db.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in info ? new SlotCounterStore(collection) : new IncrementCounterStore(collection);
}

/** Deletes counters of finished windows; every replica may run it, deletes are idempotent. */
export async function sweepExpiredCounters(db: Db, now = new Date()): Promise<number> {
  const result = await db.collection<CounterDocument>(QUOTAS_COLLECTION).deleteMany({ expiresAt: { $lt: now } });
  return result.deletedCount;
}
