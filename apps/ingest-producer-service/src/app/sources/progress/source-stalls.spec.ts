import type { PinoLogger } from 'nestjs-pino';
import { register } from 'prom-client';
import { SourcesConfig } from '../sources.config';
import { SourcesReadinessCheck, SourceStallMonitor } from './source-stalls';

describe(SourceStallMonitor.name, () => {
  const warn = jest.fn();
  const logger = { setContext: () => undefined, info: jest.fn(), warn } as unknown as PinoLogger;
  const config = new SourcesConfig(
    new Set(),
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
  let sut: SourceStallMonitor;
  const t0 = Date.now();

  beforeEach(() => {
    warn.mockClear();
    sut = new SourceStallMonitor(config, logger);
  });
  afterEach(() => sut.onApplicationShutdown());

  it('reports an input without progress past SOURCE_STALL_SECONDS once, with its reason, until it moves again', () => {
    sut.working('file', 'transactions/a.csv');
    sut.blocked('file', 'transactions/a.csv', 'Kafka is unavailable');
    expect(sut.stalls(Date.now() + 119_000)).toEqual([]);
    const later = Date.now() + 121_000;
    expect(sut.stalls(later)).toEqual([
      { source: 'file', name: 'transactions/a.csv', secondsSinceProgress: 121, reason: 'Kafka is unavailable' },
    ]);
    sut.check(later);
    sut.check(later + 5_000);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][1]).toBe(
      'file transactions/a.csv has made no progress for 121 s (SOURCE_STALL_SECONDS=120): Kafka is unavailable',
    );
    sut.progressed('file', 'transactions/a.csv');
    expect(sut.stalls(Date.now() + 60_000)).toEqual([]);
  });

  it('exports seconds since progress per source, 0 for an idle source', async () => {
    sut.working('sqlite', 'shop');
    const gauge = register.getSingleMetric('datalake_source_seconds_since_progress');
    await new Promise((resolve) => setTimeout(resolve, 250));
    const values = (await gauge?.get())?.values ?? [];
    const of = (source: string) => values.find((v) => v.labels['source'] === source)?.value;
    expect(of('sqlite')).toBeGreaterThanOrEqual(0.2);
    expect(of('file')).toBe(0);
    sut.idle('sqlite', 'shop');
    expect(sut.secondsSinceProgress('sqlite')).toBe(0);
  });

  it('reports stalled inputs in the readiness detail, naming each and why, without failing readiness', async () => {
    const check = new SourcesReadinessCheck(sut);
    await expect(check.check()).resolves.toEqual({ running: [], stalled: false, stallSeconds: 120, stalls: [] });
    jest.spyOn(Date, 'now').mockReturnValue(t0);
    sut.working('syslog', 'buffer');
    sut.blocked('syslog', 'buffer', 'Kafka did not acknowledge');
    jest.spyOn(Date, 'now').mockReturnValue(t0 + 200_000);
    await expect(check.check()).resolves.toEqual({
      running: [],
      stalled: true,
      stallSeconds: 120,
      stalls: [{ source: 'syslog', name: 'buffer', secondsSinceProgress: 200, reason: 'Kafka did not acknowledge' }],
    });
    jest.restoreAllMocks();
  });
});
