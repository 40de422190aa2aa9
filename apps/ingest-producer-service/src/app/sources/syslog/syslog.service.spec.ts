import { createSocket } from 'node:dgram';
import type { PinoLogger } from 'nestjs-pino';
import { register } from 'prom-client';
import { KafkaUnavailableError } from '@datalake/kafka-core';
import { SourceEvents } from '../progress/source-events';
import { SourcesReadinessCheck, SourceStallMonitor } from '../progress/source-stalls';
import type { ChunkResult, RowIngestor } from '../row-ingestor';
import type { SourceRow } from '../source-row';
import { SourcesConfig } from '../sources.config';
import { SYSLOG_BUFFER_MAX_BYTES } from './syslog-buffer';
import { SyslogService } from './syslog.service';

const quietLogger = () =>
  ({ setContext: () => undefined, info: () => undefined, warn: jest.fn(), error: jest.fn() }) as unknown as PinoLogger;

async function counter(name: string, labels: Record<string, string>): Promise<number> {
  const metric = register.getSingleMetric(name);
  const values = (await metric?.get())?.values ?? [];
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .reduce((sum, v) => sum + v.value, 0);
}

const until = async (condition: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/**
 * SyslogService with RowIngestor replaced by a function (Kafka itself is exercised in
 * syslog.int-spec.ts): the buffer's bounds, drop counter, cut lines and refused batches.
 */
describe(SyslogService.name, () => {
  let sut: SyslogService;
  let monitor: SourceStallMonitor;
  let ingest: jest.Mock<Promise<ChunkResult>, [unknown, unknown, string, SourceRow[]]>;
  const udp = createSocket('udp4');
  const send = (text: string | Buffer) =>
    new Promise<void>((resolve, reject) =>
      udp.send(text, sut.ports.udp as number, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
    );
  let done: SourceRow[] = [];
  const produced = () => done;
  const ok = (rows: SourceRow[]): ChunkResult => {
    done.push(...rows);
    return { produced: rows.length, rejected: 0, rejections: [] };
  };

  beforeEach(async () => {
    const config = new SourcesConfig(
      new Set(['syslog']),
      '/tmp',
      1000,
      0,
      500,
      false,
      {},
      [],
      { host: '127.0.0.1', port: 0, flushMs: 20 },
      1,
    );
    const logger = quietLogger();
    monitor = new SourceStallMonitor(config, logger);
    ingest = jest.fn();
    done = [];
    sut = new SyslogService(
      config,
      { ingestRows: ingest } as unknown as RowIngestor,
      new SourceEvents(),
      monitor,
      logger,
    );
    await sut.onApplicationBootstrap();
  });

  afterEach(async () => {
    ingest.mockImplementation(async (_t, _s, _c, rows) => ok(rows));
    await sut.beforeApplicationShutdown();
    monitor.onApplicationShutdown();
  }, 15_000);

  afterAll(() => udp.close());

  it('cuts a 60,000-byte line at 8 KiB and flags it in the message', async () => {
    ingest.mockImplementation(async (_t, _s, _c, rows) => ok(rows));
    await send(Buffer.concat([Buffer.from('<13>big '), Buffer.alloc(60_000, 'A')]));
    await until(() => done.length === 1);
    expect(done[0].raw).toHaveLength(8192);
    expect(String((done[0].record as { message: string }).message)).toMatch(
      /^big A+ \[truncated: longer than 8192 bytes\]$/,
    );
    expect(await counter('datalake_syslog_truncated_total', { transport: 'udp' })).toBeGreaterThanOrEqual(1);
  });

  it('while Kafka does not answer, keeps at most its bound and drops (and counts) the UDP flood past it', async () => {
    ingest.mockImplementation(() => new Promise(() => undefined)); // Kafka hangs
    const receivedBefore = await counter('datalake_syslog_messages_total', { transport: 'udp' });
    const droppedBefore = await counter('datalake_syslog_dropped_total', { transport: 'udp', reason: 'buffer_full' });
    const line = Buffer.concat([Buffer.from('<13>flood '), Buffer.alloc(7_990, 'F')]);
    for (let i = 0; i < 2_600; i++) {
      await send(line);
      if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const received = (await counter('datalake_syslog_messages_total', { transport: 'udp' })) - receivedBefore;
    const dropped =
      (await counter('datalake_syslog_dropped_total', { transport: 'udp', reason: 'buffer_full' })) - droppedBefore;
    const inFlight = ingest.mock.calls.reduce((n, call) => n + call[3].length, 0);
    expect(dropped).toBeGreaterThan(0);
    expect(sut.buffered * line.length).toBeLessThanOrEqual(SYSLOG_BUFFER_MAX_BYTES + line.length);
    // Every datagram received is accounted for: waiting, being produced, or dropped and counted.
    expect(sut.buffered + inFlight + dropped).toBe(received);
  });

  it('drops only the message a batch fails on for good, and produces the others', async () => {
    ingest.mockImplementation(async (_t, _s, _c, rows) => {
      if (rows.some((row) => row.raw.includes('poison'))) throw new RangeError('Maximum call stack size exceeded');
      return ok(rows);
    });
    const droppedBefore = await counter('datalake_syslog_dropped_total', { transport: 'udp', reason: 'refused' });
    for (let i = 0; i < 20; i++) await send(`<13>line ${i}${i === 7 ? ' poison' : ''}`);
    await until(() => produced().length === 19);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(produced().map((row) => row.raw)).toHaveLength(19);
    expect(produced().some((row) => row.raw.includes('poison'))).toBe(false);
    expect(
      (await counter('datalake_syslog_dropped_total', { transport: 'udp', reason: 'refused' })) - droppedBefore,
    ).toBe(1);
  });

  it('retries an outage without dropping, and reports the stall in readiness until Kafka is back', async () => {
    let outage = true;
    ingest.mockImplementation(async (_t, _s, _c, rows) => {
      if (outage) throw new KafkaUnavailableError('Kafka did not acknowledge');
      return ok(rows);
    });
    for (let i = 0; i < 5; i++) await send(`<13>kept ${i}`);
    const readiness = new SourcesReadinessCheck(monitor);
    await until(() => monitor.stalls().length > 0, 5_000); // SOURCE_STALL_SECONDS=1 here
    await expect(readiness.check()).resolves.toMatchObject({
      stalled: true,
      stalls: [
        {
          source: 'syslog',
          name: 'buffer',
          secondsSinceProgress: expect.any(Number),
          reason: 'Kafka did not acknowledge',
        },
      ],
    });
    expect(monitor.secondsSinceProgress('syslog')).toBeGreaterThanOrEqual(1);
    outage = false;
    await until(() => produced().length === 5, 15_000);
    expect(produced().map((row) => row.raw)).toEqual([0, 1, 2, 3, 4].map((i) => `<13>kept ${i}`));
    await expect(readiness.check()).resolves.toMatchObject({ stalled: false, stalls: [] });
    expect(monitor.secondsSinceProgress('syslog')).toBe(0);
  }, 30_000);
});
