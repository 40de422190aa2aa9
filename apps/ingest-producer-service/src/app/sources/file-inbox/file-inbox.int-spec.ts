import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getConnectionToken } from '@nestjs/mongoose';
import Database from 'better-sqlite3';
import type { Connection } from 'mongoose';
import { createKafkaClient, type KafkaClient } from '@datalake/kafka-core';
import { DLQ_HEADERS, TOPICS, type Topic } from '@datalake/kafka-schemas';
import { getTestInfra, uniqueId, waitFor, WORKSPACE_ROOT, type TestInfra } from '@datalake/testing';
import { CHECKPOINT_COLLECTION, LEASE_MS } from '../checkpoint/checkpoint.store';
import { SOURCE_DLQ_HEADERS } from '../row-ingestor';
import type { FileDoneEvent } from '../progress/source-events';
import { startIngestApp, type IngestApp } from '../testing/ingest-app';
import { TopicCollector } from '../testing/topic-collector';
import { fileCheckpointId } from './inbox-file';

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
  let kafka: KafkaClient;
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
  function generate(
    topic: Topic,
    format: Format,
    rows: number,
    prefix: string,
    extra: string[] = [],
    dir = join(inbox, topic),
  ): string {
    const line = execFileSync(
      process.execPath,
      [
        GENERATOR,
        '--out',
        dir,
        '--flat',
        '--topics',
        topic,
        '--formats',
        format,
        '--rows',
        String(rows),
        '--prefix',
        prefix,
        '--json',
        ...extra,
      ],
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
      await waitFor(
        () =>
          collector(topic).events.filter((e) => String(e.envelope.payload['message']).includes(marker)).length >= 250,
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(
        collector(topic).events.filter((e) => String(e.envelope.payload['message']).includes(marker)),
      ).toHaveLength(250);
    } else {
      await expectExactly(topic, field, prefix, 250);
      const sample = collector(topic).eventsWhere(field, prefix)[0];
      expect(sample.envelope.source).toEqual({
        kind: 'file',
        name: `${topic}/${topic}-${prefix}.${FORMAT_EXTENSION[format]}`,
      });
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
    expect(report.rejections.map((r: { location: string }) => r.location).sort()).toEqual([
      'line 11',
      'line 21',
      'line 4',
    ]);
  });

  it.each<[string, string, (path: string) => void, string]>([
    [
      'a CSV whose header lacks required columns',
      'wrong-header.csv',
      (p) => writeFileSync(p, `transaction_id,amount\n${runId}-x,1\n`),
      'WRONG_HEADER',
    ],
    ['broken JSON', 'broken.json', (p) => writeFileSync(p, `[{"transactionId":"${runId}-j"`), 'INVALID_JSON'],
    [
      'a .db file that is not SQLite',
      'not-sqlite.db',
      (p) => writeFileSync(p, 'plain text '.repeat(100)),
      'SQLITE_NOTADB',
    ],
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
    expect(
      readdirSync(join(inbox, TOPICS.transactions, 'processed')).filter((n) => n.startsWith(`transactions-${prefix}`)),
    ).toHaveLength(2);
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

  it.each<['ndjson' | 'csv']>([['ndjson'], ['csv']])(
    'follows a growing .%s file in live/ across a restart',
    async (format) => {
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
    },
  );
});

/**
 * Hostile and oversize inbox input (issue 9): links and special files are refused unread, an
 * empty file is reported, one oversize or too-deep row is one bad row, a file of big rows ends in
 * processed/, and a lease left by a killed instance holds its file for at most LEASE_MS.
 */
describe('file inbox: hostile and oversize input (real Kafka and MongoDB)', () => {
  let infra: TestInfra;
  let inbox: string;
  let outside: string;
  let ingest: IngestApp;
  const collectors = new Map<Topic, TopicCollector>();
  const runId = uniqueId('fh');
  const collector = (topic: Topic) => collectors.get(topic) as TopicCollector;

  const fileDone = (name: string) =>
    new Promise<FileDoneEvent>((resolve) => {
      const listener = (event: FileDoneEvent) => {
        if (event.name.endsWith(`/${name}`)) {
          ingest.events.off('file', listener);
          resolve(event);
        }
      };
      ingest.events.on('file', listener);
    });
  /** Writes a file outside the inbox, then renames it in (the safe way to drop a file). */
  const drop = (topic: Topic, name: string, content: string | Buffer) => {
    const staged = join(outside, name);
    writeFileSync(staged, content);
    renameSync(staged, join(inbox, topic, name));
  };

  beforeAll(async () => {
    infra = await getTestInfra();
    const kafka = createKafkaClient({ brokers: infra.kafkaBrokers, clientId: `it-${runId}` });
    inbox = mkdtempSync(join(tmpdir(), 'ingest-hostile-it-'));
    outside = mkdtempSync(join(tmpdir(), 'ingest-outside-it-'));
    ingest = await startIngestApp(infra, {
      INGEST_DIR: inbox,
      INGEST_SOURCES: 'files',
      INGEST_FILE_STABLE_MS: '100',
      INGEST_POLL_INTERVAL_MS: '200',
      INGEST_CHUNK_SIZE: '100',
    });
    for (const topic of [TOPICS.transactions, TOPICS.networkLogs]) {
      const c = new TopicCollector(kafka, topic, runId);
      collectors.set(topic, c);
      await c.start();
    }
  });

  afterAll(async () => {
    await ingest?.close();
    await Promise.all([...collectors.values()].map((c) => c.stop()));
    rmSync(inbox, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  const csvHeader = 'transaction_id,customer_id,amount,currency,timestamp,merchant\n';
  const csvLine = (id: string, merchant = 'Shop') => `${id},c-1,12.50,EUR,2026-11-24T10:00:00Z,${merchant}\n`;

  it('refuses a symbolic link to a CSV-shaped file without reading it: the link goes to failed/, its report quotes nothing of the target', async () => {
    const secret = `secret-${runId}`;
    const target = join(outside, `target-${runId}.csv`);
    writeFileSync(target, `${csvHeader}${csvLine(`${runId}-link-1`, secret)}`);
    const name = `link-${runId}.csv`;
    const done = fileDone(name);
    symlinkSync(target, join(inbox, TOPICS.transactions, name));
    const event = await done;
    expect(event.outcome).toBe('failed');
    const moved = join(inbox, TOPICS.transactions, 'failed', name);
    expect(lstatSync(moved).isSymbolicLink()).toBe(true); // the link itself was moved
    expect(readFileSync(target, 'utf8')).toContain(secret); // the target is untouched
    const reportText = readFileSync(`${moved}.error.json`, 'utf8');
    expect(JSON.parse(reportText)).toMatchObject({
      file: `transactions/${name}`,
      code: 'NOT_A_REGULAR_FILE',
      rowsRead: 0,
      rowsProduced: 0,
    });
    for (const leak of [secret, outside, 'transaction_id', `${runId}-link-1`]) expect(reportText).not.toContain(leak);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(
      collector(TOPICS.transactions).events.filter((e) => JSON.stringify(e.envelope).includes(`${runId}-link`)),
    ).toHaveLength(0);
    expect(collector(TOPICS.transactions).letters.filter((l) => l.value.includes(secret))).toHaveLength(0);
  });

  it('moves a 0-byte file to failed/ with an EMPTY_FILE report', async () => {
    const name = `empty-${runId}.csv`;
    const done = fileDone(name);
    drop(TOPICS.transactions, name, '');
    const event = await done;
    expect(event.outcome).toBe('failed');
    const report = JSON.parse(readFileSync(`${event.path}.error.json`, 'utf8'));
    expect(report).toMatchObject({ file: `transactions/${name}`, code: 'EMPTY_FILE', rowsRead: 0, rowsProduced: 0 });
  });

  it('produces rows 1, 3, 4 and 5 of a CSV whose row 2 has a 1.2 MB field; row 2 goes to the DLQ and the report', async () => {
    const prefix = `${runId}-bigfield`;
    const name = `${prefix}.csv`;
    const done = fileDone(name);
    const rows = [1, 2, 3, 4, 5].map((n) => csvLine(`${prefix}-${n}`, n === 2 ? `"${'x'.repeat(1_200_000)}"` : 'Shop'));
    drop(TOPICS.transactions, name, `${csvHeader}${rows.join('')}`);
    const event = await done;
    expect(event).toMatchObject({ outcome: 'processed', stats: { read: 5, produced: 4, rejected: 1 } });
    await waitFor(() => collector(TOPICS.transactions).eventsWhere('transactionId', `${prefix}-`).length >= 4);
    await waitFor(() => collector(TOPICS.transactions).letters.some((l) => l.value.includes(`${prefix}-2`)));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const ids = collector(TOPICS.transactions)
      .eventsWhere('transactionId', `${prefix}-`)
      .map((e) => e.envelope.payload['transactionId']);
    expect(ids.sort()).toEqual([1, 3, 4, 5].map((n) => `${prefix}-${n}`));
    const letter = collector(TOPICS.transactions).letters.find((l) => l.value.includes(`${prefix}-2`));
    expect(letter?.headers).toMatchObject({
      [DLQ_HEADERS.errorCode]: 'TOO_LARGE',
      [SOURCE_DLQ_HEADERS.location]: 'line 3',
    });
    const report = JSON.parse(readFileSync(`${event.path}.report.json`, 'utf8'));
    expect(report.rejections).toEqual([
      { location: 'line 3', code: 'TOO_LARGE', reason: expect.stringContaining('at most 921600 bytes') },
    ]);
  });

  it('produces the items around a JSON item nested 6,000 deep; that item goes to the DLQ as TOO_DEEP', async () => {
    const prefix = `${runId}-deep`;
    const name = `${prefix}.json`;
    const done = fileDone(name);
    const item = (n: number) =>
      JSON.stringify({
        transactionId: `${prefix}-${n}`,
        customerId: 'c',
        amount: 1,
        currency: 'EUR',
        timestamp: '2026-11-24T10:00:00Z',
      });
    const deep = `{"transactionId":"${prefix}-2","x":${'['.repeat(6000)}${']'.repeat(6000)}}`;
    drop(TOPICS.transactions, name, `[${item(1)},${deep},${item(3)}]`);
    const event = await done;
    expect(event).toMatchObject({ outcome: 'processed', stats: { read: 3, produced: 2, rejected: 1 } });
    await waitFor(() => collector(TOPICS.transactions).letters.some((l) => l.value.includes(`${prefix}-2`)));
    expect(collector(TOPICS.transactions).letters.find((l) => l.value.includes(`${prefix}-2`))?.headers).toMatchObject({
      [DLQ_HEADERS.errorCode]: 'TOO_DEEP',
      [SOURCE_DLQ_HEADERS.location]: 'item 2',
    });
    await waitFor(() => collector(TOPICS.transactions).eventsWhere('transactionId', `${prefix}-`).length >= 2);
  });

  // Depends on the producer splitting produce requests by bytes (branch feat/produce): 100 rows
  // of 60 KB make a 6 MB chunk, over the broker's 1 MiB request limit.
  it('moves a file of 60 NDJSON lines of 60 KB to processed/, every line produced', async () => {
    const prefix = `${runId}-60k`;
    const name = `${prefix}.ndjson`;
    const done = fileDone(name);
    const lines = Array.from({ length: 60 }, (_, i) =>
      JSON.stringify({
        timestamp: '2026-11-10T00:00:00Z',
        sourceIp: '10.1.1.1',
        host: `big-${i}`,
        message: `${prefix} ${i} ${'m'.repeat(60_000)}`,
      }),
    );
    drop(TOPICS.networkLogs, name, `${lines.join('\n')}\n`);
    const event = await done;
    expect(event).toMatchObject({ outcome: 'processed', stats: { read: 60, produced: 60, rejected: 0 } });
    await waitFor(
      () =>
        collector(TOPICS.networkLogs).events.filter((e) =>
          String(e.envelope.payload['message']).startsWith(`${prefix} `),
        ).length >= 60,
      {
        timeoutMs: 60_000,
      },
    );
  }, 120_000);

  it(`takes over a file whose lease a killed instance left behind within ${LEASE_MS / 1000} s, not 30`, async () => {
    const prefix = `${runId}-lease`;
    const name = `${prefix}.ndjson`;
    const staged = join(outside, name);
    writeFileSync(
      staged,
      `${JSON.stringify({ transactionId: `${prefix}-1`, customerId: 'c', amount: 1, currency: 'EUR', timestamp: '2026-11-24T10:00:00Z' })}\n`,
    );
    // The lease as a SIGKILLed instance leaves it: taken, just renewed, never released.
    const id = await fileCheckpointId(TOPICS.transactions, staged, statSync(staged));
    const claimedAt = Date.now();
    await ingest.app
      .get<Connection>(getConnectionToken())
      .db?.collection(CHECKPOINT_COLLECTION)
      .insertOne({
        _id: id as never,
        kind: 'file',
        source: `transactions/${name}`,
        status: 'active',
        position: { rows: 0 },
        stats: { read: 0, produced: 0, rejected: 0 },
        owner: 'killed-instance',
        leaseUntil: new Date(claimedAt + LEASE_MS),
        createdAt: new Date(),
        updatedAt: new Date(),
      });
    const done = fileDone(name);
    renameSync(staged, join(inbox, TOPICS.transactions, name));
    const event = await done;
    const seconds = (Date.now() - claimedAt) / 1000;
    console.log(
      `inbox lease left by a killed instance: file taken over and processed ${seconds.toFixed(1)} s after the last renewal`,
    );
    expect(event.outcome).toBe('processed');
    expect(seconds).toBeGreaterThanOrEqual(LEASE_MS / 1000 - 0.5);
    expect(seconds).toBeLessThan(15);
  }, 30_000);
});
