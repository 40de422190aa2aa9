import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafkaClient } from '@datalake/kafka';
import { TOPICS } from '@datalake/kafka-schemas';
import { freePort, getTestInfra, startServiceProcess, uniqueId, waitFor, WORKSPACE_ROOT, type ServiceProcess } from '@datalake/testing';
import { processMemory } from '../testing/process-memory';
import { TopicCollector } from '../testing/topic-collector';

const ROWS = 200_000;
/** Far below what holding the file's rows in memory would take (hundreds of MiB). */
const PEAK_RSS_LIMIT_MIB = 400;

/**
 * A 200,000-row CSV (about 22 MB) through the built service as a separate process, as it runs in
 * production: every row lands exactly once and the process's peak RSS stays bounded, because the
 * file is streamed chunk by chunk. Needs `nx build ingest-producer-service` (npm test builds first).
 */
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

  it(`streams ${ROWS} rows through with bounded memory, each exactly once`, async () => {
    const infra = await getTestInfra();
    inbox = mkdtempSync(join(tmpdir(), 'ingest-big-it-'));
    const port = await freePort();
    service = await startServiceProcess('ingest-producer-service', port, {
      KAFKA_BOOTSTRAP_SERVERS: infra.kafkaBrokers.join(','),
      MONGO_URI: infra.mongoUri,
      LOG_LEVEL: 'warn',
      INGEST_PORT: String(port),
      INGEST_DIR: inbox,
      INGEST_SOURCES: 'files',
      INGEST_FILE_STABLE_MS: '100',
      INGEST_POLL_INTERVAL_MS: '200',
    });
    const pid = service.process.pid as number;
    collector = new TopicCollector(createKafkaClient({ brokers: infra.kafkaBrokers, clientId: `it-${runId}` }), TOPICS.transactions, runId, false);
    await collector.start();

    const staging = join(inbox, 'staging');
    const generated = JSON.parse(
      execFileSync(
        process.execPath,
        [join(WORKSPACE_ROOT, 'tools/sample-data/generate.js'), '--out', staging, '--flat', '--topics', 'transactions', '--formats', 'csv', '--rows', String(ROWS), '--prefix', runId, '--json'],
        { encoding: 'utf8' },
      ).trim(),
    ) as { path: string };
    const baseline = processMemory(pid);
    const started = Date.now();
    renameSync(generated.path, join(inbox, 'transactions', `transactions-${runId}.csv`));
    const processed = join(inbox, 'transactions', 'processed', `transactions-${runId}.csv`);
    await waitFor(() => existsSync(processed), { timeoutMs: 170_000, intervalMs: 250, description: 'the file in processed/' });
    const seconds = (Date.now() - started) / 1000;
    const memory = processMemory(pid);
    await waitFor(() => (collector?.count ?? 0) >= ROWS, { timeoutMs: 60_000, description: `${ROWS} events in Kafka` });
    await new Promise((resolve) => setTimeout(resolve, 1000));

    console.log(
      `large CSV: ${ROWS} rows in ${seconds.toFixed(1)} s = ${Math.round(ROWS / seconds)} rows/s; ` +
        `service RSS before ${baseline?.rssMiB} MiB, peak ${memory?.peakRssMiB} MiB`,
    );
    expect(collector.count).toBe(ROWS);
    expect(collector.keyCounts.size).toBe(ROWS);
    if (memory) expect(memory.peakRssMiB).toBeLessThan(PEAK_RSS_LIMIT_MIB);
  });
});
