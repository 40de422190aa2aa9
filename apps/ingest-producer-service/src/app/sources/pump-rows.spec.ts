import { pumpRows, type PumpOptions } from './pump-rows';
import type { ChunkResult } from './row-ingestor';
import { emptyStats, type SourcePosition, type SourceRow } from './source-row';

const row = (n: number): SourceRow => ({
  record: { n },
  raw: String(n),
  location: `line ${n}`,
  position: { rows: n, offset: n * 10 },
});

async function* rowsOf(count: number, failAfter?: number): AsyncGenerator<SourceRow> {
  for (let n = 1; n <= count; n++) {
    if (failAfter !== undefined && n > failAfter) throw new Error('broken input');
    yield row(n);
  }
}

/** A fake produce + checkpoint pair that records what was acknowledged and committed, in order. */
function harness(options: { failChunk?: number } = {}) {
  const log: string[] = [];
  const produced: number[] = [];
  const commits: SourcePosition[] = [];
  let chunks = 0;
  const pump: Omit<PumpOptions, 'chunkSize'> = {
    stats: emptyStats(),
    ingest: async (rows): Promise<ChunkResult> => {
      chunks++;
      if (chunks === options.failChunk) throw new Error('Kafka unavailable');
      produced.push(...rows.map((r) => (r.record as { n: number }).n));
      log.push(`ack ${rows.length}`);
      return {
        produced: rows.length - 1,
        rejected: 1,
        rejections: [{ location: rows[0].location, code: 'INVALID_PAYLOAD', message: 'bad' }],
      };
    },
    commit: async (position) => {
      commits.push(position);
      log.push(`commit ${position.rows}`);
    },
  };
  return { log, produced, commits, pump };
}

describe(pumpRows.name, () => {
  it('produces in chunks and commits each chunk only after it was acknowledged', async () => {
    const sut = harness();
    await expect(pumpRows(rowsOf(7), { ...sut.pump, chunkSize: 3 })).resolves.toBe('completed');
    expect(sut.log).toEqual(['ack 3', 'commit 3', 'ack 3', 'commit 6', 'ack 1', 'commit 7']);
    expect(sut.pump.stats).toEqual({ read: 7, produced: 4, rejected: 3 });
  });

  it('stops between chunks with the checkpoint at the last acknowledged row', async () => {
    const sut = harness();
    let stop = false;
    const outcome = await pumpRows(rowsOf(10), {
      ...sut.pump,
      chunkSize: 4,
      commit: async (position, stats, chunk) => {
        await sut.pump.commit(position, stats, chunk);
        stop = position.rows >= 4;
      },
      shouldStop: () => stop,
    });
    expect(outcome).toBe('stopped');
    expect(sut.produced).toEqual([1, 2, 3, 4]);
    expect(sut.commits.at(-1)).toEqual({ rows: 4, offset: 40 });
  });

  it('resumed from that checkpoint, neither repeats nor skips a row', async () => {
    const first = harness();
    let stop = false;
    await pumpRows(rowsOf(10), {
      ...first.pump,
      chunkSize: 3,
      commit: async (p, s, c) => {
        await first.pump.commit(p, s, c);
        stop = true;
      },
      shouldStop: () => stop,
    });
    const checkpoint = first.commits.at(-1)?.rows ?? 0;
    async function* resumed() {
      for await (const r of rowsOf(10)) if (r.position.rows > checkpoint) yield r;
    }
    const second = harness();
    await pumpRows(resumed(), { ...second.pump, chunkSize: 3 });
    expect([...first.produced, ...second.produced]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('does not commit a chunk Kafka refused, and lets the error through', async () => {
    const sut = harness({ failChunk: 2 });
    await expect(pumpRows(rowsOf(9), { ...sut.pump, chunkSize: 3 })).rejects.toThrow('Kafka unavailable');
    expect(sut.commits.map((c) => c.rows)).toEqual([3]);
  });

  it('produces the rows read before a broken part of the input, then reports it', async () => {
    const sut = harness();
    await expect(pumpRows(rowsOf(10, 5), { ...sut.pump, chunkSize: 3 })).rejects.toThrow('broken input');
    expect(sut.produced).toEqual([1, 2, 3, 4, 5]);
    expect(sut.commits.at(-1)?.rows).toBe(5);
  });

  it('cuts a chunk early once its raw rows reach the size budget, so large rows never make a huge chunk', async () => {
    const sut = harness();
    async function* largeRows(): AsyncGenerator<SourceRow> {
      for (let n = 1; n <= 7; n++) yield { ...row(n), raw: 'x'.repeat(n === 5 ? 10 : 400) };
    }
    await pumpRows(largeRows(), { ...sut.pump, chunkSize: 500, maxChunkChars: 1000 });
    // 400 + 400 + 400 reaches 1000 at the third row; then 400 + 10 + 400 + 400.
    expect(sut.log.filter((entry) => entry.startsWith('ack'))).toEqual(['ack 3', 'ack 4']);
    expect(sut.commits.map((c) => c.rows)).toEqual([3, 7]);
  });

  it('closes the reader when it stops early', async () => {
    let closed = false;
    async function* reader() {
      try {
        yield* rowsOf(100);
      } finally {
        closed = true;
      }
    }
    const sut = harness();
    await pumpRows(reader(), { ...sut.pump, chunkSize: 5, shouldStop: () => sut.commits.length > 0 });
    expect(closed).toBe(true);
  });
});
