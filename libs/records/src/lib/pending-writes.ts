/** What a failed write can say it finished: the keys written before it failed. */
export interface PartialWriteError extends Error {
  written?: Set<string>;
}

export interface PendingWritesOptions<V> {
  /** Writes these changes; a failure may carry `written` (keys already applied, not merged back). */
  write: (changes: Map<string, V>) => Promise<void>;
  /** One change holding both: `earlier`'s failed write merged back under `later` (may mutate `earlier`). */
  merge: (earlier: V, later: V) => V;
  /** Longest time a change waits before it is written. */
  delayMs: number;
  /** Keys waiting beyond which `belowLimit()` waits for a write (backpressure on the producer of changes). */
  maxPending: number;
}

/**
 * Changes gathered in memory by key and written together: at most `delayMs` after they were made,
 * before a read (`flush`), and before more are made once `maxPending` keys wait (`belowLimit`).
 *
 * One write at a time, and each takes every change pending when it *starts*: changes made during a
 * slow write are merged into one map by key and written next, never queued as copies. (Taking them
 * when the flush was asked for queued a copy per second behind a slow write: a backfill's live set
 * grew with every second it outran its counter writes.) A failed write merges its changes back.
 */
export class PendingWrites<V> {
  private pending = new Map<string, V>();
  private queue: Promise<unknown> = Promise.resolve();
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: PendingWritesOptions<V>) {}

  /** Keys with a change not written yet. */
  get size(): number {
    return this.pending.size;
  }

  /** The pending change of `key` (made by `create` when there is none), for the caller to add to. */
  at(key: string, create: () => V): V {
    let change = this.pending.get(key);
    if (change === undefined) {
      change = create();
      this.pending.set(key, change);
    }
    this.schedule();
    return change;
  }

  /** Writes every pending change, after the write in progress; rejects when that write fails. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const run = this.queue.then(() => this.writePending());
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** At once while fewer than `maxPending` keys wait; else once they are written. */
  async belowLimit(): Promise<void> {
    if (this.pending.size >= this.options.maxPending) await this.flush();
  }

  private async writePending(): Promise<void> {
    if (this.pending.size === 0) return;
    const changes = this.pending;
    this.pending = new Map();
    try {
      await this.options.write(changes);
    } catch (error) {
      const written = (error as PartialWriteError).written ?? new Set<string>();
      for (const [key, change] of changes) {
        if (written.has(key)) continue;
        const later = this.pending.get(key);
        this.pending.set(key, later === undefined ? change : this.options.merge(change, later));
      }
      this.schedule();
      throw error;
    }
  }

  private schedule(): void {
    if (this.timer || this.pending.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A failed write keeps its changes and is tried again; the caller's next write reports an outage.
      this.flush().catch(() => undefined);
    }, this.options.delayMs);
    this.timer.unref();
  }
}
