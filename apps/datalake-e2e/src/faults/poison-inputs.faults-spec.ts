import { writeFileSync, renameSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { uniqueId, waitFor } from '@datalake/testing';
import { call } from '../support/api';
import type { Stack } from '../support/stack';
import { adminToken, allReady, listAll, readiness, startCorpusStack } from '../bad-input/support/corpus-stack';
import { deepJson } from '../bad-input/support/corpus-case';
import { countCopies, formatTallies, tally, type DeliveryTally } from '../bad-input/support/delivery-tally';
import { KafkaTap } from '../bad-input/support/kafka-tap';
import { sendSyslog } from '../bad-input/support/syslog-sender';

/**
 * Fault scenario 7 (issue 9): the oversize and poison inputs of findings 1–4, run as the issue
 * writes them, each followed by valid records that must be stored. Prints sent / acknowledged /
 * stored / refused / duplicates / lost per step and asserts lost = 0 and duplicates = 0.
 */
describe('fault scenario 7: oversize and poison inputs, each followed by valid records', () => {
  let stack: Stack;
  let gateway: string;
  let admin: string;
  let tap: KafkaTap;
  const tag = uniqueId('p7');
  const tallies: DeliveryTally[] = [];
  const WAIT_MS = 90_000;
  const STEP_MS = 240_000;

  /** A network log whose message starts with its identity, padded to `bytes`. */
  const bigLog = (host: string, identity: string, bytes: number) => ({
    timestamp: '2026-11-10T00:00:00Z',
    sourceIp: '10.1.1.1',
    host,
    message: `${identity} ${'m'.repeat(Math.max(0, bytes - identity.length - 1))}`,
  });
  const identityOf = (record: { message?: string }) => (record.message ?? '').split(' ')[0];
  const logsOfHost = (host: string) => listAll(gateway, admin, 'network-logs', { host });

  /**
   * Waits until `expected` records of `host` are stored — and every identity in `required`
   * among them — or the time is up, and says how long it took.
   */
  async function storedOf(host: string, expected: number, since: number, required: ReadonlySet<string> = new Set()) {
    let items: { message?: string }[] = [];
    await waitFor(
      async () => {
        items = await logsOfHost(host);
        const identities = new Set(items.map(identityOf));
        return (
          items.length >= expected &&
          [...required].every((identity) => !identity.startsWith(`${host}-`) || identities.has(identity))
        );
      },
      { timeoutMs: WAIT_MS, intervalMs: 1000, description: `${expected} records of ${host}` },
    ).catch(() => undefined);
    return { items, ...countCopies(items, identityOf), seconds: (Date.now() - since) / 1000 };
  }

  beforeAll(async () => {
    stack = await startCorpusStack();
    gateway = stack.url('api-gateway');
    admin = await adminToken(stack);
    tap = new KafkaTap(stack.env['KAFKA_BOOTSTRAP_SERVERS'].split(','), stack.env['KAFKA_TOPIC_PREFIX']);
    await tap.start(['network_logs']);
  }, 120_000);

  afterAll(async () => {
    // The fault table, as the closing note of the issue quotes it.
    console.log(`fault scenario 7 (poison inputs)\n${formatTallies(tallies)}`);
    await tap?.stop();
    await stack?.stop();
  }, 60_000);

  afterEach(async () => {
    expect(await readiness(stack)).toEqual(allReady(stack));
  }, 30_000);

  it(
    'finding 1: 60 network logs of 60 KB in one POST /ingest, then 20 single records',
    async () => {
      const host = `${tag}-f1`;
      const followHost = `${tag}-f1n`;
      const big = Array.from({ length: 60 }, (_, i) => bigLog(host, `${host}-${i}`, 60_000));
      const answer = await call(gateway, '/ingest/network_logs', { token: admin, json: big });
      const singles = [];
      for (let i = 0; i < 20; i++) {
        singles.push(
          await call(gateway, '/ingest/network_logs', {
            token: admin,
            json: bigLog(followHost, `${followHost}-${i}`, 200),
          }),
        );
      }
      const since = Date.now();
      // Exactly the records a 202 acknowledged: all but the ones its errors[] name.
      const refusedIndexes = new Set<number>(
        answer.status === 202 ? (answer.body.errors as { index: number }[]).map((error) => error.index) : [],
      );
      const acknowledged = new Set<string>([
        ...(answer.status === 202
          ? big.map((record) => identityOf(record)).filter((_, i) => !refusedIndexes.has(i))
          : []),
        ...singles.flatMap((single, i) =>
          single.status === 202 && single.body.accepted === 1 ? [`${followHost}-${i}`] : [],
        ),
      ]);
      const bigAcknowledged = [...acknowledged].filter((identity) => identity.startsWith(`${host}-`)).length;
      const stored = await storedOf(host, bigAcknowledged, since, acknowledged);
      const follow = await storedOf(followHost, acknowledged.size - bigAcknowledged, since, acknowledged);
      const storedIdentities = new Set([...stored.items, ...follow.items].map(identityOf));
      tallies.push(
        tally({
          step: '1. 60 × 60 KB POST /ingest + 20 singles',
          sent: 80,
          acknowledged: acknowledged.size,
          stored: stored.distinct + follow.distinct,
          refused: refusedIndexes.size,
          duplicates: stored.duplicates + follow.duplicates,
          recoverySeconds: follow.seconds,
          handedOver: false,
          // Records stored without a 202 are not lost; acknowledged ones missing are.
          storedOfAcknowledged: [...acknowledged].filter((identity) => storedIdentities.has(identity)).length,
        }),
      );
      const row = tallies[tallies.length - 1];
      expect({ status: answer.status, body: answer.body }).toEqual({
        status: 202,
        body: { accepted: 60, rejected: 0, errors: [] },
      });
      expect(singles.map((single) => single.status)).toEqual(Array(20).fill(202));
      expect({ lost: row.lost, duplicates: row.duplicates, stored: row.stored }).toEqual({
        lost: 0,
        duplicates: 0,
        stored: 80,
      });
    },
    STEP_MS,
  );

  it(
    'finding 2: 40 syslog UDP datagrams of 60 KB, then 20 normal lines',
    async () => {
      const port = Number(stack.env['SYSLOG_PORT']);
      const marker = `${tag}-f2`;
      const followHost = `${tag}-f2n`;
      const droppedBefore = await syslogDropped();
      await sendSyslog(
        port,
        Array.from({ length: 40 }, (_, i) => ({
          transport: 'udp' as const,
          payload: Buffer.concat([Buffer.from(`<13>${marker}-${i} `), Buffer.alloc(60_000, 0x41)]),
        })),
      );
      await sendSyslog(
        port,
        Array.from({ length: 20 }, (_, i) => ({
          transport: 'udp' as const,
          payload: Buffer.from(`<13>Nov 24 10:00:00 ${followHost} corpus: ${followHost}-${i} normal line\n`),
        })),
      );
      const since = Date.now();
      const follow = await storedOf(followHost, 20, since);
      // The burst: stored (whole, or cut and flagged), dead-lettered, or counted as dropped.
      let burstStored = 0;
      let burstRefused = 0;
      let burstDuplicates = 0;
      await waitFor(
        async () => {
          const records = await listAll(gateway, admin, 'network-logs', { sourceIp: '127.0.0.1' });
          // `<marker>-<i> ` names one datagram (the normal lines' host `<marker>n` does not match).
          const identity = new RegExp(`${marker}-\\d+ `);
          const burst = records.filter((record) => identity.test(JSON.stringify(record)));
          const copies = countCopies(burst, (record) => (JSON.stringify(record).match(identity) ?? [''])[0]);
          const letters = tap.lettersWhere((letter) => identity.test(letter.value?.toString('utf8') ?? ''));
          burstStored = copies.distinct;
          burstDuplicates = copies.duplicates;
          burstRefused = letters.length + ((await syslogDropped()) - droppedBefore);
          return burstStored + burstRefused >= 40;
        },
        { timeoutMs: 30_000, intervalMs: 1000, description: 'the 40 large datagrams accounted for' },
      ).catch(() => undefined);
      const row = tally({
        step: '2. 40 × 60 KB syslog UDP + 20 lines',
        sent: 60,
        acknowledged: 0, // UDP: no acknowledgement
        stored: burstStored + follow.distinct,
        refused: burstRefused,
        duplicates: burstDuplicates + follow.duplicates,
        recoverySeconds: follow.seconds,
        handedOver: true,
      });
      tallies.push(row);
      expect(follow.distinct).toBe(20);
      expect({ lost: row.lost, duplicates: row.duplicates }).toEqual({ lost: 0, duplicates: 0 });
    },
    STEP_MS,
  );

  /** Sends a poison value on `partition`, then 20 valid bare payloads on the same partition. */
  async function poisonThenValid(step: string, host: string, partition: number, poison: Buffer | string) {
    const poisonKey = `${host}-poison`;
    await tap.send('network_logs', [{ key: poisonKey, partition, value: poison }]);
    const valid = Array.from({ length: 20 }, (_, i) => ({
      key: `${host}-${i}`,
      partition,
      value: JSON.stringify(bigLog(host, `${host}-${i}`, 100)),
    }));
    await tap.send('network_logs', valid);
    const since = Date.now();
    const stored = await storedOf(host, 20, since);
    await waitFor(() => tap.lettersWithKey('network_logs', poisonKey).length > 0, {
      timeoutMs: 15_000,
      description: 'the poison in the DLQ',
    }).catch(() => undefined);
    const letters = tap.lettersWithKey('network_logs', poisonKey);
    const row = tally({
      step,
      sent: 21,
      acknowledged: 21, // the broker acknowledged every send of the test's producer
      stored: stored.distinct,
      refused: Math.min(letters.length, 1),
      duplicates: stored.duplicates + Math.max(0, letters.length - 1),
      recoverySeconds: stored.seconds,
      handedOver: true,
    });
    tallies.push(row);
    return { row, letters };
  }

  it(
    'finding 3a: a bare payload nested 6,000 deep on the Kafka topic, then 20 valid records',
    async () => {
      const host = `${tag}-f3a`;
      const { row, letters } = await poisonThenValid(
        '3a. 6,000-deep bare payload + 20',
        host,
        0,
        `{"timestamp":"2026-11-10T00:00:00Z","sourceIp":"10.1.1.1","x":${deepJson(6000)}}`,
      );
      expect(letters.map((letter) => KafkaTap.errorCodeOf(letter))).toEqual(['TOO_DEEP']);
      expect({ lost: row.lost, duplicates: row.duplicates, stored: row.stored }).toEqual({
        lost: 0,
        duplicates: 0,
        stored: 20,
      });
    },
    STEP_MS,
  );

  it(
    'finding 3b: a non-JSON Kafka value of 1,048,400 bytes, then 20 valid records',
    async () => {
      const host = `${tag}-f3b`;
      const { row, letters } = await poisonThenValid(
        '3b. 1,048,400-byte non-JSON + 20',
        host,
        1,
        Buffer.alloc(1_048_400, 0x7a),
      );
      expect(letters).toHaveLength(1);
      expect(letters[0]?.headers).toMatchObject({
        'x-dlq-truncated': expect.stringMatching(/^(true|1|yes)$/),
        'x-dlq-original-bytes': '1048400',
      });
      expect({ lost: row.lost, duplicates: row.duplicates, stored: row.stored }).toEqual({
        lost: 0,
        duplicates: 0,
        stored: 20,
      });
    },
    STEP_MS,
  );

  /** Drops a file into the network_logs inbox (written whole, then renamed in). */
  function drop(name: string, lines: string[]): void {
    const dir = join(stack.env['INGEST_DIR'], 'network_logs');
    const staging = join(dir, `.${name}.tmp`);
    writeFileSync(staging, `${lines.join('\n')}\n`);
    renameSync(staging, join(dir, name));
  }

  const whereIs = (name: string) => {
    const dir = join(stack.env['INGEST_DIR'], 'network_logs');
    for (const sub of ['processed', 'failed'])
      if (existsSync(join(dir, sub)) && readdirSync(join(dir, sub)).includes(name)) return sub;
    return existsSync(join(dir, name)) ? 'inbox' : 'gone';
  };

  it(
    'finding 4a: an inbox NDJSON of 60 lines of 60 KB, then a small valid file',
    async () => {
      const host = `${tag}-f4a`;
      const afterHost = `${tag}-f4a-after`;
      drop(
        `${host}.ndjson`,
        Array.from({ length: 60 }, (_, i) => JSON.stringify(bigLog(host, `${host}-${i}`, 60_000))),
      );
      drop(
        `${afterHost}.ndjson`,
        Array.from({ length: 5 }, (_, i) => JSON.stringify(bigLog(afterHost, `${afterHost}-${i}`, 100))),
      );
      const since = Date.now();
      const stored = await storedOf(host, 60, since);
      const after = await storedOf(afterHost, 5, since);
      const row = tally({
        step: '4a. inbox 60 × 60 KB NDJSON + file of 5',
        sent: 65,
        acknowledged:
          (whereIs(`${host}.ndjson`) === 'processed' ? 60 : 0) +
          (whereIs(`${afterHost}.ndjson`) === 'processed' ? 5 : 0),
        stored: stored.distinct + after.distinct,
        refused: 0,
        duplicates: stored.duplicates + after.duplicates,
        recoverySeconds: Math.max(stored.seconds, after.seconds),
        handedOver: true,
      });
      tallies.push(row);
      expect([whereIs(`${host}.ndjson`), whereIs(`${afterHost}.ndjson`)]).toEqual(['processed', 'processed']);
      expect({ lost: row.lost, duplicates: row.duplicates, stored: row.stored }).toEqual({
        lost: 0,
        duplicates: 0,
        stored: 65,
      });
    },
    STEP_MS,
  );

  it(
    'finding 4b: 120 invalid 10 KB lines in one inbox file, then a small valid file',
    async () => {
      const name = `${tag}-f4b.ndjson`;
      const afterHost = `${tag}-f4b-after`;
      drop(
        name,
        Array.from({ length: 120 }, (_, i) => `{"broken ${i}": "${'q'.repeat(10_000)}`),
      );
      drop(
        `${afterHost}.ndjson`,
        Array.from({ length: 5 }, (_, i) => JSON.stringify(bigLog(afterHost, `${afterHost}-${i}`, 100))),
      );
      const since = Date.now();
      const after = await storedOf(afterHost, 5, since);
      const lettersOf = () =>
        tap.lettersWhere((letter) => letter.headers['x-dlq-source'] === `file:network_logs/${name}`);
      await waitFor(() => lettersOf().length >= 120 && whereIs(name) === 'processed', {
        timeoutMs: WAIT_MS,
        intervalMs: 1000,
        description: '120 dead letters',
      }).catch(() => undefined);
      const letters = countCopies(lettersOf(), (letter) => letter.headers['x-dlq-source-location'] ?? '');
      const row = tally({
        step: '4b. inbox 120 invalid 10 KB lines + file of 5',
        sent: 125,
        acknowledged:
          (whereIs(name) === 'processed' ? 120 : 0) + (whereIs(`${afterHost}.ndjson`) === 'processed' ? 5 : 0),
        stored: after.distinct,
        refused: letters.distinct,
        duplicates: after.duplicates + letters.duplicates,
        recoverySeconds: (Date.now() - since) / 1000,
        handedOver: true,
      });
      tallies.push(row);
      expect([whereIs(name), whereIs(`${afterHost}.ndjson`)]).toEqual(['processed', 'processed']);
      expect({ lost: row.lost, duplicates: row.duplicates, refused: row.refused, stored: row.stored }).toEqual({
        lost: 0,
        duplicates: 0,
        refused: 120,
        stored: 5,
      });
    },
    STEP_MS,
  );

  /** The ingest service's dropped-syslog counter (UDP datagrams refused for a full buffer). */
  async function syslogDropped(): Promise<number> {
    const text = await fetch(`${stack.managementUrl('ingest-producer-service')}/metrics`).then((response) =>
      response.text(),
    );
    return text
      .split('\n')
      .filter((line) => line.startsWith('datalake_syslog_dropped_total'))
      .reduce((sum, line) => sum + Number(line.split(' ').pop() ?? 0), 0);
  }
});
