import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafkaClient } from '@datalake/kafka-core';
import { DLQ_HEADERS, JSON_LIMITS, TOPICS } from '@datalake/kafka-schemas';
import { getTestInfra, uniqueId, waitFor, type TestInfra } from '@datalake/testing';
import { IngestService } from './ingest.service';
import type { FileDoneEvent } from './sources/progress/source-events';
import { startIngestApp, type IngestApp } from './sources/testing/ingest-app';
import { TopicCollector } from './sources/testing/topic-collector';

const source = { kind: 'http' as const, name: 'api' };
const log = (host: string, message: string) => ({
  timestamp: '2026-11-10T00:00:00Z',
  sourceIp: '10.1.1.1',
  host,
  message,
});

/**
 * Sizes against the real broker (default 1 MiB message limit): large valid ingests are cut into
 * requests that fit, oversize records are refused one by one, and nothing after them is lost —
 * through HTTP's IngestService and through the file inbox alike.
 */
describe('ingest limits (real Kafka and MongoDB)', () => {
  let infra: TestInfra;
  let ingest: IngestApp;
  let service: IngestService;
  let collector: TopicCollector;
  let inbox: string;
  const runId = uniqueId('lim');

  beforeAll(async () => {
    infra = await getTestInfra();
    inbox = mkdtempSync(join(tmpdir(), 'ingest-limits-it-'));
    ingest = await startIngestApp(infra, {
      INGEST_DIR: inbox,
      INGEST_SOURCES: 'files',
      INGEST_FILE_STABLE_MS: '100',
      INGEST_POLL_INTERVAL_MS: '200',
    });
    service = ingest.app.get(IngestService);
    collector = new TopicCollector(
      createKafkaClient({ brokers: infra.kafkaBrokers, clientId: `it-${runId}` }),
      TOPICS.networkLogs,
      runId,
    );
    await collector.start();
  });

  afterAll(async () => {
    await collector?.stop();
    await ingest?.close();
    if (inbox) rmSync(inbox, { recursive: true, force: true });
  });

  const hosts = (prefix: string) =>
    collector.eventsWhere('host', prefix).map((event) => String(event.envelope.payload['host']));

  it('acknowledges 60 network logs of 60 KB in one call (3.6 MB), and single records after it are all stored', async () => {
    const big = Array.from({ length: 60 }, (_, i) => log(`${runId}-big-${i}`, 'm'.repeat(60_000)));
    await expect(service.ingest(TOPICS.networkLogs, big, source, 'it-big')).resolves.toEqual({
      accepted: 60,
      rejected: 0,
      errors: [],
    });
    for (let i = 0; i < 20; i++) {
      const answer = await service.ingest(
        TOPICS.networkLogs,
        [log(`${runId}-single-${i}`, 'small')],
        source,
        `it-single-${i}`,
      );
      expect(answer).toEqual({ accepted: 1, rejected: 0, errors: [] });
    }
    await waitFor(() => hosts(`${runId}-big-`).length >= 60 && hosts(`${runId}-single-`).length >= 20, {
      timeoutMs: 30_000,
      description: '60 big and 20 single network logs',
    });
    await new Promise((resolve) => setTimeout(resolve, 1000)); // any duplicate would arrive by now
    expect(new Set(hosts(`${runId}-big-`)).size).toBe(60);
    expect(hosts(`${runId}-big-`)).toHaveLength(60);
    expect(new Set(hosts(`${runId}-single-`)).size).toBe(20);
    expect(hosts(`${runId}-single-`)).toHaveLength(20);
  });

  it('refuses a record over the size limit with its own error and produces its neighbours', async () => {
    const records = [
      log(`${runId}-n-0`, 'a'),
      log(`${runId}-n-1`, 'm'.repeat(JSON_LIMITS.maxRecordBytes)),
      log(`${runId}-n-2`, 'c'),
    ];
    const answer = await service.ingest(TOPICS.networkLogs, records, source, 'it-neighbours');
    expect(answer).toEqual({
      accepted: 2,
      rejected: 1,
      errors: [
        {
          index: 1,
          code: 'TOO_LARGE',
          message: expect.stringMatching(
            new RegExp(`bytes; at most ${JSON_LIMITS.maxRecordBytes} bytes are accepted per record$`),
          ),
        },
      ],
    });
    await waitFor(() => hosts(`${runId}-n-`).length >= 2, { timeoutMs: 30_000, description: 'the two neighbours' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(hosts(`${runId}-n-`).sort()).toEqual([`${runId}-n-0`, `${runId}-n-2`]);
  });

  const fileDone = (name: string) =>
    new Promise<FileDoneEvent>((resolve) => {
      const listener = (event: FileDoneEvent) => {
        if (event.name.endsWith(name)) {
          ingest.events.off('file', listener);
          resolve(event);
        }
      };
      ingest.events.on('file', listener);
    });

  /** Writes the lines beside the inbox and renames them in, so the file appears whole. */
  function drop(name: string, lines: string[]): void {
    const staging = join(inbox, 'staging');
    mkdirSync(staging, { recursive: true });
    writeFileSync(join(staging, name), `${lines.join('\n')}\n`);
    renameSync(join(staging, name), join(inbox, TOPICS.networkLogs, name));
  }

  it('moves an inbox file of 60 lines of 60 KB to processed/ with every line in Kafka', async () => {
    const name = `${runId}-big.ndjson`;
    const done = fileDone(name);
    drop(
      name,
      Array.from({ length: 60 }, (_, i) => JSON.stringify(log(`${runId}-file-${i}`, 'm'.repeat(60_000)))),
    );
    await expect(done).resolves.toMatchObject({ outcome: 'processed', stats: { read: 60, produced: 60, rejected: 0 } });
    await waitFor(() => hosts(`${runId}-file-`).length >= 60, {
      timeoutMs: 30_000,
      description: '60 lines of the file',
    });
    expect(new Set(hosts(`${runId}-file-`)).size).toBe(60);
  });

  it('dead-letters 120 invalid 10 KB lines (a 1.2 MB DLQ batch) and an oversize line, cut to fit with its original size', async () => {
    const name = `${runId}-bad.ndjson`;
    const done = fileDone(name);
    const invalid = Array.from({ length: 120 }, (_, i) =>
      JSON.stringify({ host: `${runId}-bad-${i}`, message: 'x'.repeat(10_000) }),
    );
    // Just under the reader's 1 MiB line limit: the raw line plus the DLQ headers is over the message limit.
    const head = JSON.stringify({ ...log(`${runId}-huge`, 'a'), padding: '' });
    const oversize = head.replace('"padding":""', `"padding":"${'p'.repeat(1_048_500 - Buffer.byteLength(head))}"`);
    expect(Buffer.byteLength(oversize)).toBe(1_048_500);
    drop(name, [...invalid, oversize, JSON.stringify(log(`${runId}-after`, 'still stored'))]);
    await expect(done).resolves.toMatchObject({
      outcome: 'processed',
      stats: { read: 122, produced: 1, rejected: 121 },
    });
    await waitFor(() => collector.letters.filter((letter) => letter.value.includes(runId)).length >= 121, {
      timeoutMs: 30_000,
      description: '121 dead letters',
    });
    const letters = collector.letters.filter((letter) => letter.value.includes(runId));
    expect(letters.filter((letter) => letter.headers[DLQ_HEADERS.errorCode] === 'INVALID_PAYLOAD')).toHaveLength(120);
    const [huge] = letters.filter((letter) => letter.value.includes(`${runId}-huge`));
    expect(huge.headers).toMatchObject({
      [DLQ_HEADERS.errorCode]: 'TOO_LARGE',
      [DLQ_HEADERS.truncated]: 'true',
      [DLQ_HEADERS.originalBytes]: String(Buffer.byteLength(oversize)),
    });
    expect(oversize.startsWith(huge.value)).toBe(true);
    await waitFor(() => hosts(`${runId}-after`).length >= 1, {
      timeoutMs: 30_000,
      description: 'the valid line after the bad ones',
    });
  });
});
