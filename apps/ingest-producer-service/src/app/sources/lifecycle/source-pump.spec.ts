import type { PinoLogger } from 'nestjs-pino';
import { KafkaUnavailableError } from '@datalake/kafka-core';
import type { CheckpointStore } from '../checkpoint/checkpoint.store';
import { SourceEvents } from '../progress/source-events';
import { SourceStallMonitor } from '../progress/source-stalls';
import type { ChunkResult, RowIngestor } from '../row-ingestor';
import { emptyStats, type SourcePosition, type SourceRow } from '../source-row';
import { SourcesConfig } from '../sources.config';
import { SourcePump, type SourcePumpJob } from './source-pump';

const logger = { setContext: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() } as unknown as PinoLogger;

async function* rowsOf(count: number): AsyncGenerator<SourceRow> {
  for (let line = 1; line <= count; line++) {
    yield {
      record: { n: line },
      raw: `{"n":${line}}`,
      location: `line ${line}`,
      position: { rows: line, line, offset: line * 10 },
    };
  }
}

describe(SourcePump.name, () => {
  const config = new SourcesConfig(
    new Set(),
    '/tmp',
    1000,
    0,
    2,
    false,
    {},
    [],
    { host: '127.0.0.1', port: 0, flushMs: 20 },
    120,
  );
  let stalls: SourceStallMonitor;
  let save: jest.Mock;
  let ingestRows: jest.Mock<Promise<ChunkResult>, [unknown, unknown, string, SourceRow[]]>;
  let sut: SourcePump;
  const committed: SourcePosition[] = [];
  const saved: (number | undefined)[][] = [];
  const job = (): SourcePumpJob => ({
    kind: 'tail',
    topic: 'transactions',
    name: 'transactions/live/a.ndjson',
    checkpointId: 'tail:transactions:a.ndjson',
    source: { kind: 'file', name: 'transactions/live/a.ndjson' },
    correlationId: 'tail-transactions-a.ndjson',
    stats: emptyStats(),
    logger,
    shouldStop: () => false,
    identity: { ino: 42, born: 7 },
    onCommitted: (position) => committed.push(position),
  });

  beforeEach(() => {
    stalls = new SourceStallMonitor(config, logger);
    saved.length = 0;
    // The totals as they were at each write (the store serializes them there and then).
    save = jest.fn(async (_id: string, update: { position: SourcePosition; stats: { read: number } }) => {
      saved.push([update.position.rows, update.position.ino, update.stats.read]);
    });
    ingestRows = jest.fn(async (_t, _s, _c, rows) => ({ produced: rows.length, rejected: 0, rejections: [] }));
    sut = new SourcePump(
      config,
      { save } as unknown as CheckpointStore,
      { ingestRows } as unknown as RowIngestor,
      new SourceEvents(),
      stalls,
    );
    committed.length = 0;
  });
  afterEach(() => stalls.onApplicationShutdown());

  it('commits the checkpoint after each acknowledged chunk, with the input identity and the totals', async () => {
    const { outcome, run } = await sut.pump(rowsOf(5), job());
    expect(outcome).toBe('completed');
    expect(ingestRows.mock.calls.map((call) => call[3].length)).toEqual([2, 2, 1]);
    expect(saved).toEqual([
      [2, 42, 2],
      [4, 42, 4],
      [5, 42, 5],
    ]);
    expect(save.mock.calls[2]).toEqual([
      'tail:transactions:a.ndjson',
      expect.objectContaining({ kind: 'tail', source: 'transactions/live/a.ndjson', status: 'active' }),
    ]);
    expect(committed.map((position) => position.offset)).toEqual([20, 40, 50]);
    expect(run.summary()).toMatchObject({ read: 5, produced: 5, rejected: 0 });
  });

  it('never commits past what Kafka acknowledged: an outage leaves the checkpoint at the last good chunk', async () => {
    ingestRows.mockResolvedValueOnce({ produced: 2, rejected: 0, rejections: [] });
    ingestRows.mockRejectedValueOnce(new KafkaUnavailableError('Kafka acknowledged 1 of 2 rows'));
    await expect(sut.pump(rowsOf(5), job())).rejects.toBeInstanceOf(KafkaUnavailableError);
    expect(save).toHaveBeenCalledTimes(1);
    expect(committed).toEqual([{ rows: 2, line: 2, offset: 20, ino: 42, born: 7 }]);
    // Worked on and not finished: tracked by the stall monitor until the source says otherwise.
    expect(stalls.stalls(Date.now() + 121_000)).toEqual([
      expect.objectContaining({ source: 'tail', name: 'transactions/live/a.ndjson' }),
    ]);
  });
});
