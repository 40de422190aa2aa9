import { PendingWrites, type PartialWriteError } from './pending-writes';

/** A write the test finishes by hand, recording each map it was given. */
class ControlledWrite {
  readonly calls: Map<string, number>[] = [];
  private finishers: ((error?: Error) => void)[] = [];

  readonly write = (changes: Map<string, number>): Promise<void> => {
    this.calls.push(new Map(changes));
    return new Promise((resolve, reject) => this.finishers.push((error) => (error ? reject(error) : resolve())));
  };

  finish(error?: Error): void {
    const finisher = this.finishers.shift();
    if (!finisher) throw new Error('no write in progress');
    finisher(error);
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

function counters(write: ControlledWrite, maxPending = 100, delayMs = 60_000): PendingWrites<{ by: number }> {
  return new PendingWrites<{ by: number }>({
    write: (changes) => write.write(new Map([...changes].map(([key, change]) => [key, change.by]))),
    merge: (earlier, later) => ({ by: earlier.by + later.by }),
    delayMs,
    maxPending,
  });
}

describe('PendingWrites', () => {
  it('merges changes made during a slow write into one map, written next (never a copy per flush)', async () => {
    const write = new ControlledWrite();
    const pending = counters(write);
    pending.at('a', () => ({ by: 0 })).by += 1;
    const first = pending.flush();
    await tick();
    // While the first write runs: three flushes asked for, the same keys changed again and again.
    const later: Promise<void>[] = [];
    for (let i = 0; i < 3; i++) {
      pending.at('a', () => ({ by: 0 })).by += 1;
      pending.at('b', () => ({ by: 0 })).by += 2;
      later.push(pending.flush());
    }
    expect(pending.size).toBe(2);
    write.finish();
    await first;
    await tick();
    write.finish();
    await Promise.all(later);
    expect(write.calls).toEqual([
      new Map([['a', 1]]),
      new Map([
        ['a', 3],
        ['b', 6],
      ]),
    ]);
    expect(pending.size).toBe(0);
  });

  it('merges a failed write back under the newer changes, except the keys it reports written', async () => {
    const write = new ControlledWrite();
    const pending = counters(write);
    pending.at('a', () => ({ by: 0 })).by += 1;
    pending.at('b', () => ({ by: 0 })).by += 1;
    const failed = pending.flush();
    await tick();
    pending.at('a', () => ({ by: 0 })).by += 10;
    write.finish(Object.assign(new Error('storage down'), { written: new Set(['b']) }) as PartialWriteError);
    await expect(failed).rejects.toThrow('storage down');
    const retried = pending.flush();
    await tick();
    write.finish();
    await retried;
    expect(write.calls[1]).toEqual(new Map([['a', 11]]));
  });

  it('belowLimit resolves at once under the bound and waits for the write at it', async () => {
    const write = new ControlledWrite();
    const pending = counters(write, 2);
    pending.at('a', () => ({ by: 1 }));
    await pending.belowLimit(); // one key held: no write
    expect(write.calls).toHaveLength(0);
    pending.at('b', () => ({ by: 1 }));
    let released = false;
    const waiting = pending.belowLimit().then(() => (released = true));
    await tick();
    expect(write.calls).toHaveLength(1);
    expect(released).toBe(false);
    write.finish();
    await waiting;
    expect(pending.size).toBe(0);
  });

  it('writes by itself after delayMs', async () => {
    const write = new ControlledWrite();
    const pending = counters(write, 100, 20);
    pending.at('a', () => ({ by: 5 }));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(write.calls).toEqual([new Map([['a', 5]])]);
    write.finish();
  });
});
