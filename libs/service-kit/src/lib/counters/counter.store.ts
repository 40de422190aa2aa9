import { MongoServerError, type Collection, type Db } from 'mongodb';
import { type CountingWindow, windowOf } from './counting-window';
import { firstFreeSlot, SlotHints, type WindowSlots } from './slot-hints';

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
  /** The slot document this hit holds (SlotCounterStore), so that `unhit` frees exactly it. */
  slot?: number;
}

/** Hit counters per key and fixed window, shared by every replica of a service through MongoDB. */
export interface CounterStore {
  readonly kind: string;
  /**
   * Counts one hit. `hits` above `limit` means refused; once `limit` hits are stored a store may
   * stop counting and answer `limit + 1`.
   */
  hit(key: string, windowMs: number, limit: number, now?: number): Promise<CountedHit>;
  /** Takes back a counted hit (a reserved attempt that turned out not to count). */
  unhit(key: string, hit: CountedHit): Promise<void>;
}

export const QUOTAS_COLLECTION = 'quotas';
const DUPLICATE_KEY = 11000;

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

function ignoreDuplicate(error: unknown): void {
  if (!isDuplicateKey(error)) throw error;
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
    const document = await update().catch((error: unknown) =>
      isDuplicateKey(error) ? update() : Promise.reject(error),
    );
    return { hits: document?.hits ?? 1, window };
  }

  async unhit(key: string, hit: CountedHit): Promise<void> {
    await this.collection.updateOne({ _id: `${key}@${hit.window.start}` }, { $inc: { hits: -1 } });
  }
}

const SLOT_DIGITS = 7;
/** Claims one hit may try before giving up (503); each lost claim moves the hint past a taken slot. */
const SLOT_ATTEMPTS = 100;
/** Slots probed at once when looking for the ones taken-back hits freed. */
const PROBE_BATCH = 32;
const RELEASED = 'released';

const slotId = (prefix: string, slot: number) => prefix + String(slot).padStart(SLOT_DIGITS, '0');

/**
 * FerretDB 1.24 applies `$inc` as read-modify-write, so concurrent increments are lost (measured:
 * 20 parallel increments counted 2), and it filters `_id` ranges in memory, so counting a key's
 * documents reads the whole collection. Here each hit claims a slot document `<key>@<window>#<n>`
 * (n in 1..limit) with one insert: the unique `_id` makes every claim exclusive on any server, so
 * at most `limit` hits pass in a window. Each process hands out slot numbers from a hint
 * (WindowSlots): a claim costs one insert; after duplicates (other replicas hold those slots) the
 * hint moves to the first free slot with O(log limit) `_id` look-ups. A hit is refused, storing
 * nothing, once every slot is known taken; if a hit of the window was taken back (a marker document says so,
 * written before the slot is deleted) the slots are probed first. Only `_id` equality is used:
 * O(1) round trips per hit, whatever the collection holds.
 */
export class SlotCounterStore implements CounterStore {
  readonly kind = 'slots';
  private readonly hints = new SlotHints();

  constructor(private readonly collection: Collection<CounterDocument>) {}

  async hit(key: string, windowMs: number, limit: number, now = Date.now()): Promise<CountedHit> {
    const window = windowOf(now, windowMs);
    const prefix = `${key}@${window.start}#`;
    const slots = this.hints.of(prefix, window.end, now);
    for (let attempt = 0; attempt < SLOT_ATTEMPTS; attempt++) {
      if (slots.search) await slots.search;
      const slot = slots.take(limit) ?? (await this.releasedSlot(prefix, slots, limit));
      if (slot === undefined) return { hits: limit + 1, window };
      if (await this.claim(prefix, slot, key, window, slots)) return { hits: slots.hitsWith(slot), window, slot };
      // Another replica holds it. Replicas taking turns are one slot apart: try the next one first;
      // losing twice means this process's hint is far behind: find the first free slot, once for all waiting hits.
      // A failed search only leaves the hint where it was: the next claim meets the same error itself.
      if (attempt > 0) {
        slots.search ??= this.skipTaken(prefix, slots, limit)
          .catch(() => undefined)
          .finally(() => (slots.search = undefined));
      }
    }
    throw new Error(`quota counter ${key}: too much contention`);
  }

  async unhit(key: string, hit: CountedHit): Promise<void> {
    if (hit.slot === undefined) return;
    const prefix = `${key}@${hit.window.start}#`;
    const slots = this.hints.of(prefix, hit.window.end, Date.now());
    if (!slots.releaseSeen) {
      // Marker first: a replica that finds none knows no slot of the window has been freed, so its refusal is exact.
      await this.collection
        .insertOne({ _id: prefix + RELEASED, ...counterFields(key, hit.window) })
        .catch(ignoreDuplicate);
      slots.releaseSeen = true;
    }
    await this.collection.deleteOne({ _id: slotId(prefix, hit.slot) });
    slots.giveBack(hit.slot);
  }

  /** true: this hit holds `slot`; false: someone else does. Any other failure leaves the slot to retry. */
  private async claim(
    prefix: string,
    slot: number,
    key: string,
    window: CountingWindow,
    slots: WindowSlots,
  ): Promise<boolean> {
    try {
      await this.collection.insertOne({ _id: slotId(prefix, slot), ...counterFields(key, window) });
      slots.held(slot);
      return true;
    } catch (error) {
      if (!isDuplicateKey(error)) {
        // The insert may or may not have landed: try the slot again later (a duplicate then tells).
        slots.giveBack(slot);
        throw error;
      }
      slots.held(slot);
      return false;
    }
  }

  private async skipTaken(prefix: string, slots: WindowSlots, limit: number): Promise<void> {
    slots.skipTo(await firstFreeSlot(slots.nextSlot, limit, (slot) => this.isTaken(prefix, slot)));
  }

  /** Every slot was handed out here: a free one can only be one that a taken-back hit left. */
  private async releasedSlot(prefix: string, slots: WindowSlots, limit: number): Promise<number | undefined> {
    if (!slots.releaseSeen) {
      if (!(await this.isTaken(prefix, RELEASED))) return undefined;
      slots.releaseSeen = true;
    }
    for (let low = 1; low <= limit; low += PROBE_BATCH) {
      const batch = Array.from({ length: Math.min(PROBE_BATCH, limit - low + 1) }, (_, i) => low + i);
      const taken = await Promise.all(batch.map((slot) => this.isTaken(prefix, slot)));
      const free = batch.filter((_, i) => !taken[i]);
      if (free.length > 0) {
        slots.giveBack(...free);
        return slots.take(limit);
      }
    }
    return undefined;
  }

  private async isTaken(prefix: string, slot: number | typeof RELEASED): Promise<boolean> {
    const _id = typeof slot === 'number' ? slotId(prefix, slot) : prefix + slot;
    return (await this.collection.findOne({ _id }, { projection: { _id: 1 } })) !== null;
  }
}

/** Picks the store for the server: slots on FerretDB (non-atomic `$inc`), `$inc` on MongoDB. */
export async function createCounterStore(db: Db, collectionName: string = QUOTAS_COLLECTION): Promise<CounterStore> {
  const collection = db.collection<CounterDocument>(collectionName);
  const existing = new Set(
    (
      await collection
        .listIndexes()
        .toArray()
        .catch(() => [])
    ).map((index) => index['name'] as string),
  );
  if (!existing.has('expiresAt')) await collection.createIndexes([{ key: { expiresAt: 1 }, name: 'expiresAt' }]);
  const info = await db.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in info ? new SlotCounterStore(collection) : new IncrementCounterStore(collection);
}

/** Deletes counters of finished windows; every replica may run it, deletes are idempotent. */
export async function sweepExpiredCounters(
  db: Db,
  now = new Date(),
  collectionName: string = QUOTAS_COLLECTION,
): Promise<number> {
  const result = await db.collection<CounterDocument>(collectionName).deleteMany({ expiresAt: { $lt: now } });
  return result.deletedCount;
}
