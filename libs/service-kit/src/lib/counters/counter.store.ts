import { MongoServerError, type Collection, type Db } from 'mongodb';
import { type CountingWindow, windowOf } from './counting-window';

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

/** Hit counters per key and fixed window, shared by every replica of a service through MongoDB. */
export interface CounterStore {
  readonly kind: string;
  /**
   * Counts one hit. `hits` above `limit` means refused; once `limit` hits are stored a store may
   * stop counting and answer `limit + 1`.
   */
  hit(key: string, windowMs: number, limit: number, now?: number): Promise<CountedHit>;
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

  async hit(key: string, windowMs: number, _limit: number, now = Date.now()): Promise<CountedHit> {
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
/** Slots read around the count to find free ones; wider than the holes concurrent claims leave. */
const SLOT_SCAN = 128;
/** Concurrent claimants pick among this many lowest free slots, so most of them win at once. */
const SLOT_SPREAD = 64;
const SLOT_ATTEMPTS = 100;

const slotId = (prefix: string, slot: number) => prefix + String(slot).padStart(SLOT_DIGITS, '0');

/**
 * FerretDB 1.24 applies `$inc` as read-modify-write, so concurrent increments are lost (measured:
 * 20 parallel increments counted 2). Here each hit claims a free slot document
 * `<key>@<window>#<n>` with n in 1..limit; the unique `_id` makes every claim exclusive on any
 * server. So at most `limit` hits pass in a window, and a hit is refused only when every slot is
 * taken; refused hits store nothing. Claimants pick randomly among the lowest free slots so a burst does not queue on one slot.
 */
export class SlotCounterStore implements CounterStore {
  readonly kind = 'slots';

  constructor(private readonly collection: Collection<CounterDocument>) {}

  async hit(key: string, windowMs: number, limit: number, now = Date.now()): Promise<CountedHit> {
    const window = windowOf(now, windowMs);
    const prefix = `${key}@${window.start}#`;
    const last = limit;
    for (let attempt = 0; attempt < SLOT_ATTEMPTS; attempt++) {
      const count = await this.collection.countDocuments(this.between(prefix, 1, last));
      // Only slots 1..last are ever stored, so `last` of them means all are taken.
      if (count >= last) return { hits: limit + 1, window };
      // First try the next slot (no contention: two round trips); after a clash, spread out.
      let slot = count + 1;
      if (attempt > 0) {
        let free = await this.freeSlots(prefix, Math.max(1, count - SLOT_SCAN), Math.min(last, count + SLOT_SCAN));
        if (free.length === 0) free = await this.freeSlots(prefix, 1, last);
        if (free.length === 0) continue;
        slot = free[Math.floor(Math.random() * Math.min(free.length, SLOT_SPREAD))];
      }
      try {
        await this.collection.insertOne({ _id: slotId(prefix, slot), ...counterFields(key, window) });
        return { hits: count + 1, window };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    throw new Error(`quota counter ${key}: too much contention`);
  }

  async unhit(key: string, window: CountingWindow): Promise<void> {
    const prefix = `${key}@${window.start}#`;
    const top = await this.collection.findOne(this.between(prefix, 1, 10 ** SLOT_DIGITS - 1), {
      sort: { _id: -1 },
      projection: { _id: 1 },
    });
    if (top) await this.collection.deleteOne({ _id: top._id });
  }

  private async freeSlots(prefix: string, low: number, high: number): Promise<number[]> {
    const taken = await this.collection.find(this.between(prefix, low, high), { projection: { _id: 1 } }).toArray();
    const used = new Set(taken.map((document) => Number(document._id.slice(prefix.length))));
    const free: number[] = [];
    for (let slot = low; slot <= high; slot++) if (!used.has(slot)) free.push(slot);
    return free;
  }

  private between(prefix: string, low: number, high: number) {
    return { _id: { $gte: slotId(prefix, low), $lte: slotId(prefix, high) } };
  }
}

/** Picks the store for the server: slots on FerretDB (non-atomic `$inc`), `$inc` on MongoDB. */
export async function createCounterStore(db: Db, collectionName: string = QUOTAS_COLLECTION): Promise<CounterStore> {
  const collection = db.collection<CounterDocument>(collectionName);
  const existing = new Set((await collection.listIndexes().toArray().catch(() => [])).map((index) => index['name'] as string));
  if (!existing.has('expiresAt')) await collection.createIndexes([{ key: { expiresAt: 1 }, name: 'expiresAt' }]);
  const info = await db.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in info ? new SlotCounterStore(collection) : new IncrementCounterStore(collection);
}

/** Deletes counters of finished windows; every replica may run it, deletes are idempotent. */
export async function sweepExpiredCounters(db: Db, now = new Date(), collectionName: string = QUOTAS_COLLECTION): Promise<number> {
  const result = await db.collection<CounterDocument>(collectionName).deleteMany({ expiresAt: { $lt: now } });
  return result.deletedCount;
}
