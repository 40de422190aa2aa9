/**
 * What one process knows about the slots `1..limit` of one key and window (SlotCounterStore). It
 * is only a hint: the unique `_id` of each slot document decides who holds a slot. Handing slots
 * out synchronously means concurrent hits of one process never claim the same slot.
 */
export class WindowSlots {
  /** The lowest slot never handed out by this process (nor skipped as taken). */
  private next = 1;
  /** Slots to try before `next`: taken back here, or claimed with an unknown outcome. */
  private readonly retry: number[] = [];
  /** The highest slot known to be held (by anyone). */
  private highest = 0;
  /** A search for the first free slot after this process's hint fell behind; hits wait for it. */
  search?: Promise<void>;
  /** Some hit of this window was taken back (by any process): a full hint is no proof of a full window. */
  releaseSeen = false;

  constructor(readonly end: number) {}

  /** The slot the next hit claims, or undefined when every slot up to `limit` was handed out or is known taken. */
  take(limit: number): number | undefined {
    const retried = this.retry.pop();
    if (retried !== undefined && retried <= limit) return retried;
    return this.next <= limit ? this.next++ : undefined;
  }

  /** The first slot `take` would hand out from the sequence (where a search for a free slot starts). */
  get nextSlot(): number {
    return this.next;
  }

  /** `slot` is held (by this hit or another process). */
  held(slot: number): void {
    this.highest = Math.max(this.highest, slot);
  }

  /** Slots up to `slot` are taken: hand out from `slot` on. */
  skipTo(slot: number): void {
    this.next = Math.max(this.next, slot);
  }

  /** `slot` is free again or may be: the next hits try it first. */
  giveBack(...slots: number[]): void {
    for (const slot of slots) if (!this.retry.includes(slot)) this.retry.push(slot);
    this.retry.sort((a, b) => b - a);
  }

  /** Hits counted in the window as far as this process knows, `slot` included (what X-RateLimit-Remaining shows). */
  hitsWith(slot: number): number {
    return Math.max(slot, this.highest);
  }
}

/** Windows forgotten once they end; checked at most this often. */
const PRUNE_EVERY_MS = 60_000;
/** Keys remembered at most; forgetting one only costs its next hit a search. */
const MAX_WINDOWS = 100_000;

/** The WindowSlots of every key and window this process has counted, until each window ends. */
export class SlotHints {
  private readonly windows = new Map<string, WindowSlots>();
  private prunedAt = 0;

  constructor(private readonly maxWindows = MAX_WINDOWS) {}

  of(id: string, end: number, now: number): WindowSlots {
    this.prune(now);
    let slots = this.windows.get(id);
    if (!slots) {
      slots = new WindowSlots(end);
      this.windows.set(id, slots);
      if (this.windows.size > this.maxWindows) this.windows.delete(this.windows.keys().next().value as string);
    }
    return slots;
  }

  get size(): number {
    return this.windows.size;
  }

  private prune(now: number): void {
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    for (const [id, slots] of this.windows) if (slots.end <= now) this.windows.delete(id);
  }
}

/**
 * The first free slot from `from` on, with O(log distance) probes (galloping, then binary search),
 * assuming slots fill from the bottom; `limit + 1` when all are taken. A wrong guess (a hole left
 * by a claim still in flight) costs only a duplicate-key retry: the insert decides.
 */
export async function firstFreeSlot(
  from: number,
  limit: number,
  isTaken: (slot: number) => Promise<boolean>,
): Promise<number> {
  if (from > limit) return limit + 1;
  if (!(await isTaken(from))) return from;
  let taken = from;
  let free = limit + 1;
  for (let step = 1; taken + step <= limit; step *= 2) {
    const probe = taken + step;
    if (!(await isTaken(probe))) {
      free = probe;
      break;
    }
    taken = probe;
  }
  while (free - taken > 1) {
    const middle = Math.floor((taken + free) / 2);
    if (await isTaken(middle)) taken = middle;
    else free = middle;
  }
  return free;
}
