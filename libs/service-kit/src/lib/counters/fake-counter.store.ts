import type { CountedHit, CounterStore } from './counter.store';
import { windowOf } from './counting-window';

/** In-memory CounterStore for unit tests (no MongoDB). */
export class FakeCounterStore implements CounterStore {
  readonly kind = 'fake';
  readonly counts = new Map<string, number>();
  failing = false;

  async hit(key: string, windowMs: number, limit: number, now = Date.now()): Promise<CountedHit> {
    if (this.failing) throw new Error('connection refused');
    const window = windowOf(now, windowMs);
    const id = `${key}@${window.start}`;
    const hits = Math.min((this.counts.get(id) ?? 0) + 1, limit + 1);
    this.counts.set(id, hits);
    return { hits, window };
  }

  async unhit(key: string, hit: CountedHit): Promise<void> {
    const id = `${key}@${hit.window.start}`;
    this.counts.set(id, Math.max(0, (this.counts.get(id) ?? 0) - 1));
  }
}
