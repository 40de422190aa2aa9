import type { PinoLogger } from 'nestjs-pino';
import { KafkaUnavailableError } from '@datalake/kafka-core';
import type { SourceName } from '../../ingest.env';
import { SourcesReadinessCheck, SourceStallMonitor } from '../progress/source-stalls';
import { CheckpointStoreUnavailableError } from '../source-errors';
import { SourcesConfig } from '../sources.config';
import { IngestSource } from './ingest-source';
import { retryDelayMs } from './retry-delay';

const testLogger = () =>
  ({ setContext: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() }) as unknown as PinoLogger &
    Record<'info' | 'warn' | 'error', jest.Mock>;

const configFor = (enabled: SourceName[]) =>
  new SourcesConfig(
    new Set(enabled),
    '/tmp',
    1000,
    0,
    500,
    false,
    {},
    [],
    { host: '127.0.0.1', port: 0, flushMs: 20 },
    120,
  );

const describeProblem = {
  fields: { source: 'shop' },
  message: (problem: string, transient: boolean) => `${transient ? 'outage' : 'verdict'}: ${problem}`,
  recovered: 'shop works again',
};

/** A source whose start and units of work the tests drive. */
class ScriptedSource extends IngestSource {
  protected readonly kind = 'sqlite';
  protected readonly setting = 'sqlite';
  protected override readonly drainTimeoutMs: number | undefined;
  starts = 0;
  closedAfterDrain = false;

  constructor(config: SourcesConfig, stalls: SourceStallMonitor, logger: PinoLogger, drainTimeoutMs?: number) {
    super(config, stalls, logger);
    this.drainTimeoutMs = drainTimeoutMs;
  }

  protected start(): void {
    this.starts++;
  }

  protected override drained(): void {
    this.closedAfterDrain = true;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  work(key: string, unit: () => Promise<void>): Promise<void> {
    return this.run(key, unit);
  }

  tryOnce(input: string, unit: () => Promise<void>) {
    return this.attempt(input, unit, describeProblem);
  }

  nap(ms: number): Promise<void> {
    return this.sleep(ms);
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe(IngestSource.name, () => {
  let logger: ReturnType<typeof testLogger>;
  let stalls: SourceStallMonitor;
  let sut: ScriptedSource;

  beforeEach(async () => {
    logger = testLogger();
    stalls = new SourceStallMonitor(configFor(['sqlite']), logger);
    sut = new ScriptedSource(configFor(['sqlite']), stalls, logger);
    await sut.onApplicationBootstrap();
  });
  afterEach(() => stalls.onApplicationShutdown());

  it('starts only when INGEST_SOURCES names it, says so in readiness, and a source never started stops at once', async () => {
    expect(sut.starts).toBe(1);
    const off = new ScriptedSource(configFor(['files']), stalls, logger);
    await off.onApplicationBootstrap();
    expect(off.starts).toBe(0);
    await expect(new SourcesReadinessCheck(stalls).check()).resolves.toMatchObject({ running: ['sqlite'] });
    await off.beforeApplicationShutdown();
    expect(off.closedAfterDrain).toBe(false);
    await sut.beforeApplicationShutdown();
    expect(sut.closedAfterDrain).toBe(true);
    expect(stalls.runningSources).toEqual([]);
  });

  it('stops between chunks: shutdown waits for the chunk in flight, and no further chunk starts', async () => {
    const chunks = [deferred(), deferred(), deferred()];
    let committed = 0;
    void sut.work('shop', async () => {
      for (const chunk of chunks) {
        await chunk.promise;
        committed++; // the checkpoint of this chunk
        if (sut.isStopping) return;
      }
    });
    chunks[0].resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(committed).toBe(1);

    let stopped = false;
    const stop = sut.beforeApplicationShutdown().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(sut.isStopping).toBe(true);
    expect(stopped).toBe(false); // chunk 2 is still being produced
    expect(sut.closedAfterDrain).toBe(false);

    chunks[1].resolve();
    await stop;
    expect(committed).toBe(2);
    expect(sut.closedAfterDrain).toBe(true);
    chunks[2].resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(committed).toBe(2);
  });

  it('runs one unit per key at a time', async () => {
    const gate = deferred();
    let runs = 0;
    const unit = async () => {
      runs++;
      await gate.promise;
    };
    const first = sut.work('shop', unit);
    const second = sut.work('shop', unit);
    expect(second).toBe(first);
    gate.resolve();
    await first;
    await sut.work('shop', unit);
    expect(runs).toBe(2);
  });

  it('wakes a sleeping loop at shutdown instead of waiting out its interval', async () => {
    let rounds = 0;
    void sut.work('shop', async () => {
      while (!sut.isStopping) {
        rounds++;
        await sut.nap(60_000);
      }
    });
    const startedAt = Date.now();
    await sut.beforeApplicationShutdown();
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(rounds).toBe(1);
  });

  it('gives up waiting after drainTimeoutMs when one is set, and still closes', async () => {
    const bounded = new ScriptedSource(configFor(['sqlite']), stalls, logger, 50);
    await bounded.onApplicationBootstrap();
    void bounded.work('buffer', () => new Promise(() => undefined)); // Kafka never answers
    await bounded.beforeApplicationShutdown();
    expect(bounded.closedAfterDrain).toBe(true);
  });

  it('tells an outage from a verdict by error type, and reports the blocked input with its reason', async () => {
    const outage = await sut.tryOnce('shop', () =>
      Promise.reject(new KafkaUnavailableError('Kafka acknowledged 3 of 10 rows')),
    );
    expect(outage).toMatchObject({ ok: false, transient: true });
    expect(stalls.stalls(Date.now() + 121_000)).toEqual([
      expect.objectContaining({ name: 'shop', reason: 'Kafka acknowledged 3 of 10 rows' }),
    ]);
    await expect(
      sut.tryOnce('mongo', () => Promise.reject(new CheckpointStoreUnavailableError('MongoDB is not connected'))),
    ).resolves.toMatchObject({
      transient: true,
    });
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    await expect(sut.tryOnce('locked', () => Promise.reject(busy))).resolves.toMatchObject({ transient: true });
    // The same words in a plain error are no outage: message text decides nothing.
    const verdict = await sut.tryOnce('bad', () => Promise.reject(new Error('MongoDB is not connected')));
    expect(verdict).toMatchObject({ ok: false, transient: false });
    expect(logger.warn).toHaveBeenCalledTimes(3);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      { source: 'shop', error: 'MongoDB is not connected' },
      'verdict: MongoDB is not connected',
    );

    await expect(sut.tryOnce('shop', async () => undefined)).resolves.toEqual({ ok: true });
    expect(stalls.stalls(Date.now() + 121_000).map((stall) => stall.name)).not.toContain('shop');
  });

  it('logs a lasting problem once, its end once, and a new verdict again', async () => {
    for (let i = 1; i <= 5; i++) {
      await sut.tryOnce('shop', () => Promise.reject(new KafkaUnavailableError(`Kafka acknowledged ${i} of 10 rows`)));
    }
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      { source: 'shop', error: 'Kafka acknowledged 1 of 10 rows' },
      'outage: Kafka acknowledged 1 of 10 rows',
    );

    await sut.tryOnce('shop', async () => undefined);
    await sut.tryOnce('shop', async () => undefined);
    expect(logger.info).toHaveBeenCalledTimes(1);
    expect(logger.info).toHaveBeenCalledWith({ source: 'shop' }, 'shop works again');

    await sut.tryOnce('shop', () => Promise.reject(new Error('no such table: orders')));
    await sut.tryOnce('shop', () => Promise.reject(new Error('no such table: orders')));
    await sut.tryOnce('shop', () => Promise.reject(new Error('no such column: updated_at')));
    expect(logger.error.mock.calls.map((call) => call[1])).toEqual([
      'verdict: no such table: orders',
      'verdict: no such column: updated_at',
    ]);
  });

  it('logs a work unit that throws past attempt instead of leaving the rejection unhandled', async () => {
    await sut.work('shop', () => Promise.reject(new TypeError('boom')));
    expect(logger.error).toHaveBeenCalledWith({ input: 'shop', error: 'boom' }, 'sqlite shop failed unexpectedly');
  });
});

describe(retryDelayMs.name, () => {
  it('waits 1 s after the first failure, doubling up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((failures) => retryDelayMs(failures, 30_000))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
    expect(retryDelayMs(1_000, 10_000)).toBe(10_000);
  });
});
