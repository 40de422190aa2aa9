import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafkaClient } from '@datalake/kafka-core';
import { TOPICS } from '@datalake/kafka-schemas';
import {
  freePort,
  getTestInfra,
  startServiceProcess,
  uniqueId,
  waitFor,
  WORKSPACE_ROOT,
  type ServiceProcess,
  type TestInfra,
} from '@datalake/testing';
import { processMemory } from '../testing/process-memory';
import { TopicCollector } from '../testing/topic-collector';

const ROWS = 200_000;
/** Far below what holding the file's rows in memory would take (hundreds of MiB). */
const PEAK_RSS_LIMIT_MIB = 400;

/**
 * A 200,000-row CSV (about 22 MB) through the built service as a separate process, as it runs in
 * production: stopped with SIGTERM in the middle of the file and started again, it lands every
 * row exactly once, and the process's peak RSS stays bounded because the file is streamed chunk
 * by chunk. Needs `nx build ingest-producer-service` (npm test builds first).
 */
/** The built service as its own process, reading `inbox` only. */
async function startBuiltService(infra: TestInfra, inbox: string): Promise<ServiceProcess> {
  const port = await freePort();
  return startServiceProcess('ingest-producer-service', port, {
    KAFKA_BOOTSTRAP_SERVERS: infra.kafkaBrokers.join(','),
    MONGO_URI: infra.mongoUri,
    LOG_LEVEL: 'warn',
    INGEST_PORT: String(port),
    INGEST_DIR: inbox,
    INGEST_SOURCES: 'files',
    INGEST_FILE_STABLE_MS: '100',
    INGEST_POLL_INTERVAL_MS: '200',
  });
}

describe('a large CSV file (built service, real Kafka and MongoDB)', () => {
  let service: ServiceProcess | undefined;
  let collector: TopicCollector | undefined;
  let inbox: string;
  const runId = uniqueId('big');

  afterAll(async () => {
    await service?.stop();
    await collector?.stop();
    if (inbox) rmSync(inbox, { recursive: true, force: true });
  });

  it(`streams ${ROWS} rows through with bounded memory, each exactly once across a SIGTERM restart`, async () => {
    const infra = await getTestInfra();
    inbox = mkdtempSync(join(tmpdir(), 'ingest-big-it-'));
    const start = () => startBuiltService(infra, inbox);
    service = await start();
    collector = new TopicCollector(
      createKafkaClient({ brokers: infra.kafkaBrokers, clientId: `it-${runId}` }),
      TOPICS.transactions,
      runId,
      false,
    );
    await collector.start();

    const staging = join(inbox, 'staging');
    const generated = JSON.parse(
      execFileSync(
        process.execPath,
        [
          join(WORKSPACE_ROOT, 'tools/sample-data/generate.js'),
          '--out',
          staging,
          '--flat',
          '--topics',
          'transactions',
          '--formats',
          'csv',
          '--rows',
          String(ROWS),
          '--prefix',
          runId,
          '--json',
        ],
        { encoding: 'utf8' },
      ).trim(),
    ) as { path: string };
    const name = `transactions-${runId}.csv`;
    const baseline = processMemory(service.process.pid as number);
    const started = Date.now();
    renameSync(generated.path, join(inbox, 'transactions', name));

    // SIGTERM once a third is in Kafka: the service finishes its chunk, checkpoints and exits.
    await waitFor(() => (collector?.count ?? 0) >= ROWS / 3, {
      timeoutMs: 120_000,
      intervalMs: 100,
      description: 'a third of the rows',
    });
    const firstPeak = processMemory(service.process.pid as number)?.peakRssMiB ?? 0;
    await service.stop('SIGTERM'); // Nest re-raises the signal after its shutdown hooks ran
    const atStop = collector.count;
    expect(existsSync(join(inbox, 'transactions', name))).toBe(true);
    service = await start();

    const processed = join(inbox, 'transactions', 'processed', name);
    await waitFor(() => existsSync(processed), {
      timeoutMs: 170_000,
      intervalMs: 250,
      description: 'the file in processed/',
    });
    const seconds = (Date.now() - started) / 1000;
    const peak = Math.max(firstPeak, processMemory(service.process.pid as number)?.peakRssMiB ?? 0);
    await waitFor(() => (collector?.count ?? 0) >= ROWS, { timeoutMs: 60_000, description: `${ROWS} events in Kafka` });
    await new Promise((resolve) => setTimeout(resolve, 1000));

    console.log(
      `large CSV: ${ROWS} rows in ${seconds.toFixed(1)} s incl. a restart after ${atStop} rows = ${Math.round(ROWS / seconds)} rows/s; ` +
        `service RSS before ${baseline?.rssMiB} MiB, peak ${peak} MiB`,
    );
    expect(collector.duplicates()).toEqual([]);
    expect(collector.count).toBe(ROWS);
    expect(collector.keyCounts.size).toBe(ROWS);
    if (baseline) expect(peak).toBeLessThan(PEAK_RSS_LIMIT_MIB);
  });

  /** Issue 9 finding 14: a restart after SIGKILL used to wait out a 30 s inbox lease. */
  it('resumes a file within 15 s of a restart after SIGKILL, losing no row', async () => {
    await service?.stop();
    service = undefined;
    const rows = 60_000;
    const killRunId = uniqueId('kill');
    const infra = await getTestInfra();
    const killInbox = mkdtempSync(join(tmpdir(), 'ingest-kill-it-'));
    const start = () => startBuiltService(infra, killInbox);
    let killed: ServiceProcess | undefined = await start();
    const counter = new TopicCollector(
      createKafkaClient({ brokers: infra.kafkaBrokers, clientId: `it-${killRunId}` }),
      TOPICS.transactions,
      killRunId,
      false,
    );
    try {
      await counter.start();
      const generated = JSON.parse(
        execFileSync(
          process.execPath,
          [
            join(WORKSPACE_ROOT, 'tools/sample-data/generate.js'),
            '--out',
            join(killInbox, 'staging'),
            '--flat',
            '--topics',
            'transactions',
            '--formats',
            'csv',
            '--rows',
            String(rows),
            '--prefix',
            killRunId,
            '--json',
          ],
          { encoding: 'utf8' },
        ).trim(),
      ) as { path: string };
      const name = `transactions-${killRunId}.csv`;
      renameSync(generated.path, join(killInbox, 'transactions', name));
      await waitFor(() => counter.keyCounts.size >= rows / 3, {
        timeoutMs: 120_000,
        intervalMs: 50,
        description: 'a third of the rows',
      });
      await killed.stop('SIGKILL');
      killed = undefined;
      const keysAtKill = counter.keyCounts.size;
      const restartedAt = Date.now();
      service = await start();
      const readyAfter = (Date.now() - restartedAt) / 1000;
      await waitFor(() => counter.keyCounts.size > keysAtKill + 500, {
        timeoutMs: 60_000,
        intervalMs: 50,
        description: 'new rows after the restart',
      });
      const resumedAfter = (Date.now() - restartedAt) / 1000;
      await waitFor(() => existsSync(join(killInbox, 'transactions', 'processed', name)), {
        timeoutMs: 120_000,
        intervalMs: 250,
        description: 'the file in processed/',
      });
      await waitFor(() => counter.keyCounts.size >= rows, { timeoutMs: 60_000, description: `${rows} keys in Kafka` });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const resent = counter.count - counter.keyCounts.size;
      console.log(
        `SIGKILL after ${keysAtKill} of ${rows} rows: restarted service ready in ${readyAfter.toFixed(1)} s, producing new rows ${resumedAfter.toFixed(1)} s after the restart; ${resent} rows sent twice (consumers upsert by key), 0 lost`,
      );
      expect(counter.keyCounts.size).toBe(rows);
      expect(resent).toBeLessThanOrEqual(500); // at most the chunk between acknowledgement and checkpoint
      expect(resumedAfter).toBeLessThan(15);
    } finally {
      await killed?.stop('SIGKILL');
      await counter.stop();
      rmSync(killInbox, { recursive: true, force: true });
    }
  }, 300_000);
});
