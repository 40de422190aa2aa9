import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Kafka } from 'kafkajs';
import { createKafkaClient } from '@datalake/kafka';
import { DLQ_HEADERS, TOPICS, type Topic } from '@datalake/kafka-schemas';
import { getTestInfra, uniqueId, waitFor, WORKSPACE_ROOT, type TestInfra } from '@datalake/testing';
import { SOURCE_DLQ_HEADERS } from '../row-ingestor';
import type { FileDoneEvent } from '../progress/source-events';
import { startIngestApp, type IngestApp } from '../testing/ingest-app';
import { TopicCollector } from '../testing/topic-collector';

const GENERATOR = join(WORKSPACE_ROOT, 'tools', 'sample-data', 'generate.js');
const FORMAT_EXTENSION = { csv: 'csv', ndjson: 'ndjson', json: 'json', sqlite: 'sqlite' } as const;
type Format = keyof typeof FORMAT_EXTENSION;

/**
 * The file inbox against the real Kafka and MongoDB: files of each format dropped into a temporary
 * INGEST_DIR land in Kafka exactly once — also when the service stops in the middle of a file and
 * starts again — bad rows go to the DLQ, unreadable files to failed/ with a report.
 */
describe('file inbox (real Kafka and MongoDB)', () => {
  let infra: TestInfra;
  let kafka: Kafka;
  let inbox: string;
  let ingest: IngestApp | undefined;
  const collectors = new Map<Topic, TopicCollector>();
  const runId = uniqueId('fi');

  const start = async () => {
    ingest = await startIngestApp(infra, {
      INGEST_DIR: inbox,
      INGEST_SOURCES: 'files,tail',
      INGEST_FILE_STABLE_MS: '100',
      INGEST_POLL_INTERVAL_MS: '200',
      INGEST_CHUNK_SIZE: '100',
    });
    return ingest;
  };
  const stop = async () => {
    await ingest?.close();
    ingest = undefined;
  };
  const collector = (topic: Topic) => collectors.get(topic) as TopicCollector;

  /** Writes a sample file with the project's generator (write-then-rename) into `dir`. */
  function generate(topic: Topic, format: Format, rows: number, prefix: string, extra: string[] = [], dir = join(inbox, topic)): string {
    const line = execFileSync(
      process.execPath,
      [GENERATOR, '--out', dir, '--flat', '--topics', topic, '--formats', format, '--rows', String(rows), '--prefix', prefix, '--json', ...extra],
      { encoding: 'utf8' },
    );
    return (JSON.parse(line.trim()) as { path: string }).path;
  }

  const fileDone = (name: string) =>
    new Promise<FileDoneEvent>((resolve) => {
      const listener = (event: FileDoneEvent) => {
        if (event.name.endsWith(`/${name}`)) {
          ingest?.events.off('file', listener);
          resolve(event);
        }
      };
      ingest?.events.on('file', listener);
    });

  /** Waits until `count` events of the prefix arrived, then a little longer to catch any extra. */
  async function expectExactly(topic: Topic, field: string, prefix: string, count: number): Promise<void> {
    await waitFor(() => collector(topic).eventsWhere(field, prefix).length >= count, {
      timeoutMs: 60_000,
      description: `${count} ${topic} events with ${field} ${prefix}*`,
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const events = collector(topic).eventsWhere(field, prefix);
    expect(events).toHaveLength(count);
    expect(new Set(events.map((event) => event.key)).size).toBe(count);
  }

  beforeAll(async () => {
    infra = await getTestInfra();
    kafka = createKafkaClient({ brokers: infra.kafkaBrokers, clientId: `it-${runId}` });
    inbox = mkdtempSync(join(tmpdir(), 'ingest-inbox-it-'));
    for (const topic of [TOPICS.transactions, TOPICS.socialPosts, TOPICS.networkLogs]) {
      // The service creates missing topics at start: start it once before reading them.
      collectors.set(topic, new TopicCollector(kafka, topic, runId));
    }
    await start();
    await Promise.all([...collectors.values()].map((c) => c.start()));
  });

  afterAll(async () => {
    await stop();
    await Promise.all([...collectors.values()].map((c) => c.stop()));
    rmSync(inbox, { recursive: true, force: true });
  });

  it.each<[Topic, Format, string]>([
    [TOPICS.transactions, 'csv', 'transactionId'],
    [TOPICS.transactions, 'ndjson', 'transactionId'],
    [TOPICS.transactions, 'json', 'transactionId'],
    [TOPICS.transactions, 'sqlite', 'transactionId'],
    [TOPICS.socialPosts, 'json', 'postId'],
    [TOPICS.networkLogs, 'csv', 'message'],
  ])('lands every row of a %s .%s file exactly once and moves it to processed/', async (topic, format, field) => {
    const prefix = `${runId}-${format}${topic.length}`;
    const done = fileDone(`${topic}-${prefix}.${FORMAT_EXTENSION[format]}`);
    const path = generate(topic, format, 250, prefix);
    const event = await done;
    expect(event).toMatchObject({ outcome: 'processed', stats: { read: 250, produced: 250, rejected: 0 } });
    expect(event.path).toBe(join(inbox, topic, 'processed', `${topic}-${prefix}.${FORMAT_EXTENSION[format]}`));
    expect(existsSync(path)).toBe(false);
    const marker = field === 'message' ? `conn=${prefix}-` : prefix;
    if (field === 'message') {
      await waitFor(() => collector(topic).events.filter((e) => String(e.envelope.payload['message']).includes(marker)).length >= 250);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(collector(topic).events.filter((e) => String(e.envelope.payload['message']).includes(marker))).toHaveLength(250);
    } else {
      await expectExactly(topic, field, prefix, 250);
      const sample = collector(topic).eventsWhere(field, prefix)[0];
      expect(sample.envelope.source).toEqual({ kind: 'file', name: `${topic}/${topic}-${prefix}.${FORMAT_EXTENSION[format]}` });
    }
  });

  it.each<Format>(['csv', 'ndjson', 'json', 'sqlite'])(
    'resumes a .%s file after a stop in the middle, neither resending nor skipping a row',
    async (format) => {
      const prefix = `${runId}-restart-${format}`;
      const name = `transactions-${prefix}.${FORMAT_EXTENSION[format]}`;
      const rows = 3000;
      // Stop once some chunks are in Kafka: the service finishes its chunk and keeps the checkpoint.
      const midway = new Promise<void>((resolve) => {
        ingest?.events.on('progress', (event) => {
          if (event.name.endsWith(name) && event.stats.read >= 500) resolve();
        });
      });
      const path = generate(TOPICS.transactions, format, rows, prefix);
      await midway;
      await stop();
      expect(existsSync(path)).toBe(true);
      const partial = collector(TOPICS.transactions).eventsWhere('transactionId', prefix).length;
      expect(partial).toBeGreaterThanOrEqual(500);
      expect(partial).toBeLessThan(rows);

      await start();
      const done = await fileDone(name);
      expect(done).toMatchObject({ outcome: 'processed', stats: { read: rows, produced: rows } });
      await expectExactly(TOPICS.transactions, 'transactionId', prefix, rows);
    },
  );

  it('produces the good rows of a file with bad ones, sends the bad ones to the DLQ and reports them', async () => {
    const prefix = `${runId}-bad`;
    const name = `transactions-${prefix}.csv`;
    const done = fileDone(name);
    const dir = join(inbox, 'staging');
    mkdirSync(dir, { recursive: true });
    const staged = generate(TOPICS.transactions, 'csv', 40, prefix, [], dir);
    const lines = readFileSync(staged, 'utf8').trimEnd().split('\n');
    lines[3] = lines[3].replace(/,(USD|EUR|GBP|JPY|CHF|CAD|AUD),/, ',DOLLARS,'); // line 4: bad currency
    lines[10] = `${lines[10]},one-field-too-many`; // line 11
    lines[20] = lines[20].replace(/^([^,]+,[^,]+,)[^,]+/, '$1twelve'); // line 21: bad amount
    writeFileSync(staged, `${lines.join('\n')}\n`);
    renameSync(staged, join(inbox, TOPICS.transactions, name));

    const event = await done;
    expect(event).toMatchObject({ outcome: 'processed', stats: { read: 40, produced: 37, rejected: 3 } });
    await expectExactly(TOPICS.transactions, 'transactionId', prefix, 37);
    await waitFor(() => collector(TOPICS.transactions).letters.filter((l) => l.value.includes(prefix)).length >= 3);
    const letters = collector(TOPICS.transactions).letters.filter((l) => l.value.includes(prefix));
    expect(letters.map((l) => l.headers[SOURCE_DLQ_HEADERS.location]).sort()).toEqual(['line 11', 'line 21', 'line 4']);
    const badCurrency = letters.find((l) => l.headers[SOURCE_DLQ_HEADERS.location] === 'line 4');
    expect(badCurrency?.value).toBe(lines[3]);
    expect(badCurrency?.headers).toMatchObject({
      [DLQ_HEADERS.errorCode]: 'INVALID_PAYLOAD',
      [DLQ_HEADERS.originalTopic]: 'transactions',
      [SOURCE_DLQ_HEADERS.source]: `file:transactions/${name}`,
    });
    expect(badCurrency?.headers[DLQ_HEADERS.errorMessage]).toContain('currency');
    const report = JSON.parse(readFileSync(`${event.path}.report.json`, 'utf8'));
    expect(report).toMatchObject({ rowsRead: 40, rowsProduced: 37, rowsRejected: 3 });
    expect(report.rejections.map((r: { location: string }) => r.location).sort()).toEqual(['line 11', 'line 21', 'line 4']);
  });

  it.each<[string, string, (path: string) => void, string]>([
    ['a CSV whose header lacks required columns', 'wrong-header.csv', (p) => writeFileSync(p, `transaction_id,amount\n${runId}-x,1\n`), 'WRONG_HEADER'],
    ['broken JSON', 'broken.json', (p) => writeFileSync(p, `[{"transactionId":"${runId}-j"`), 'INVALID_JSON'],
    ['a .db file that is not SQLite', 'not-sqlite.db', (p) => writeFileSync(p, 'plain text '.repeat(100)), 'SQLITE_NOTADB'],
    [
      'a SQLite file without the topic table',
      'no-table.sqlite',
      (p) => {
        const db = new Database(p);
        db.exec('CREATE TABLE other (x TEXT)');
        db.close();
      },
      'NO_TABLE',
    ],
  ])('moves %s to failed/ beside an error report', async (_case, file, write, code) => {
    const name = `${runId}-${file}`;
    const done = fileDone(name);
    const staged = join(inbox, `.${name}.tmp`);
    write(staged);
    renameSync(staged, join(inbox, TOPICS.transactions, name));
    const event = await done;
    expect(event.outcome).toBe('failed');
    expect(event.path).toBe(join(inbox, TOPICS.transactions, 'failed', name));
    const report = JSON.parse(readFileSync(`${event.path}.error.json`, 'utf8'));
    expect(report).toMatchObject({ file: `transactions/${name}`, topic: 'transactions', code, rowsProduced: 0 });
    expect(typeof report.error).toBe('string');
  });

  it('does not ingest the same file twice when it is dropped again', async () => {
    const prefix = `${runId}-again`;
    const name = `transactions-${prefix}.ndjson`;
    const keep = join(inbox, 'keep');
    mkdirSync(keep, { recursive: true });
    const original = generate(TOPICS.transactions, 'ndjson', 30, prefix, [], keep);
    const { mtime } = statSync(original);
    const dropCopy = () => {
      const staged = join(inbox, `.${name}.tmp`);
      copyFileSync(original, staged);
      utimesSync(staged, mtime, mtime);
      renameSync(staged, join(inbox, TOPICS.transactions, name));
    };
    let done = fileDone(name);
    dropCopy();
    expect((await done).outcome).toBe('processed');
    done = fileDone(name);
    dropCopy();
    expect((await done).outcome).toBe('skipped');
    await expectExactly(TOPICS.transactions, 'transactionId', prefix, 30);
    expect(readdirSync(join(inbox, TOPICS.transactions, 'processed')).filter((n) => n.startsWith(`transactions-${prefix}`))).toHaveLength(2);
  });

  it('shares one inbox between two instances without producing a file twice', async () => {
    const second = await startIngestApp(infra, {
      INGEST_DIR: inbox,
      INGEST_SOURCES: 'files',
      INGEST_FILE_STABLE_MS: '100',
      INGEST_POLL_INTERVAL_MS: '200',
      INGEST_CHUNK_SIZE: '100',
    });
    try {
      const prefixes = [1, 2, 3, 4].map((n) => `${runId}-shared${n}`);
      const staging = join(inbox, 'staging-shared');
      const files = prefixes.map((prefix) => generate(TOPICS.transactions, 'ndjson', 400, prefix, [], staging));
      for (const file of files) renameSync(file, join(inbox, TOPICS.transactions, file.slice(staging.length + 1)));
      for (const prefix of prefixes) await expectExactly(TOPICS.transactions, 'transactionId', prefix, 400);
      await waitFor(() => readdirSync(join(inbox, TOPICS.transactions)).every((name) => !name.includes('-shared')), {
        description: 'the shared files moved out of the inbox',
      });
    } finally {
      await second.close();
    }
  });

  it.each<['ndjson' | 'csv']>([['ndjson'], ['csv']])('follows a growing .%s file in live/ across a restart', async (format) => {
    const prefix = `${runId}-live-${format}`;
    const path = join(inbox, TOPICS.transactions, 'live', `orders-${prefix}.${format}`);
    const row = (n: number) => ({
      transactionId: `${prefix}-${n}`,
      customerId: 'c-live',
      amount: `${n}.50`,
      currency: 'EUR',
      timestamp: new Date(Date.UTC(2026, 10, 24, 0, 0, n)).toISOString(),
      merchant: n % 7 === 0 ? 'Comma, Quote "Shop"' : 'Shop',
    });
    const columns = ['transactionId', 'customerId', 'amount', 'currency', 'timestamp', 'merchant'] as const;
    const line = (n: number) => {
      const r = row(n);
      return format === 'ndjson'
        ? `${JSON.stringify(r)}\n`
        : `${columns.map((c) => (/[",]/.test(r[c]) ? `"${r[c].replace(/"/g, '""')}"` : r[c])).join(',')}\n`;
    };
    const append = (from: number, to: number) => {
      let text = '';
      for (let n = from; n <= to; n++) text += line(n);
      writeFileSync(path, text, { flag: 'a' });
    };
    if (format === 'csv') writeFileSync(path, `${columns.join(',')}\n`);
    append(1, 50);
    await expectExactly(TOPICS.transactions, 'transactionId', `${prefix}-`, 50);
    // A writer in the middle of a line: the partial line waits for its end.
    const next = line(51);
    writeFileSync(path, next.slice(0, 20), { flag: 'a' });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(collector(TOPICS.transactions).eventsWhere('transactionId', `${prefix}-`)).toHaveLength(50);
    await stop();
    writeFileSync(path, next.slice(20), { flag: 'a' });
    append(52, 80);
    await start();
    append(81, 120);
    await expectExactly(TOPICS.transactions, 'transactionId', `${prefix}-`, 120);
  });
});
