import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { createKafkaClient, type KafkaClient } from '@datalake/kafka-core';
import { TOPICS } from '@datalake/kafka-schemas';
import { freePort, getTestInfra, uniqueId, waitFor, type TestInfra } from '@datalake/testing';
import { sourceMetrics } from '../progress/source-metrics';
import { SourceStallMonitor } from '../progress/source-stalls';
import { startIngestApp, type IngestApp } from '../testing/ingest-app';
import { SYSLOG_MAX_MESSAGE_BYTES, truncatedSuffix } from './syslog-line';
import { TopicCollector } from '../testing/topic-collector';

/** util-linux `logger`, the real syslog client the tests send with (Debian: bsdutils). */
function loggerPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v logger'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('the syslog tests send with util-linux `logger`: install it (apt-get install bsdutils)');
  }
}

/**
 * Syslog over UDP and TCP into network_logs, sent by util-linux `logger` (RFC 5424 and 3164,
 * newline and octet-counting framing) and by raw sockets for unparseable lines.
 */
describe('syslog source (real Kafka and MongoDB)', () => {
  let infra: TestInfra;
  let kafka: KafkaClient;
  let ingest: IngestApp;
  let collector: TopicCollector;
  let port: number;
  const runId = uniqueId('sl');

  const logger = (args: string[], message: string) =>
    execFileSync(loggerPath(), ['-n', '127.0.0.1', '-P', String(port), ...args, message], { stdio: 'pipe' });
  const withText = (text: string) =>
    collector.events.filter((event) => String(event.envelope.payload['message']).includes(text));

  beforeAll(async () => {
    infra = await getTestInfra();
    kafka = createKafkaClient({ brokers: infra.kafkaBrokers, clientId: `it-${runId}` });
    port = await freePort();
    ingest = await startIngestApp(infra, {
      INGEST_SOURCES: 'syslog',
      SYSLOG_PORT: String(port),
      SYSLOG_HOST: '127.0.0.1',
      SYSLOG_FLUSH_MS: '100',
    });
    collector = new TopicCollector(kafka, TOPICS.networkLogs, runId);
    await collector.start();
  });

  afterAll(async () => {
    await ingest?.close();
    await collector?.stop();
  });

  it('lands RFC 5424 messages sent by logger over UDP, parsed, with the sender as sourceIp', async () => {
    for (let i = 0; i < 20; i++) logger(['--udp', '-t', 'payments', '-p', 'local3.warning'], `udp ${runId} #${i}`);
    await waitFor(() => withText(`udp ${runId}`).length >= 20, { description: '20 UDP syslog messages' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(withText(`udp ${runId}`)).toHaveLength(20);
    const [event] = withText(`udp ${runId} #0`);
    expect(event.envelope.source).toEqual({ kind: 'syslog', name: 'syslog' });
    expect(event.envelope.payload).toMatchObject({
      sourceIp: '127.0.0.1',
      app: 'payments',
      severity: 'warning',
      facility: 'local3',
      message: `udp ${runId} #0`,
    });
    expect(typeof event.envelope.payload['host']).toBe('string');
    expect(Date.now() - Date.parse(String(event.envelope.payload['timestamp']))).toBeLessThan(120_000);
  });

  it('lands messages over TCP with newline framing and with RFC 6587 octet counting', async () => {
    for (let i = 0; i < 10; i++) logger(['--tcp', '-t', 'nl'], `tcp-lf ${runId} #${i}`);
    for (let i = 0; i < 10; i++) logger(['--tcp', '--octet-count', '-t', 'oc'], `tcp-octet ${runId} #${i}`);
    await waitFor(() => withText(`tcp-lf ${runId}`).length >= 10 && withText(`tcp-octet ${runId}`).length >= 10, {
      description: '20 TCP syslog messages',
    });
    expect(withText(`tcp-octet ${runId} #3`)[0].envelope.payload).toMatchObject({
      app: 'oc',
      severity: 'notice',
      facility: 'user',
    });
  });

  it('reads RFC 3164 (BSD) messages', async () => {
    logger(['--udp', '--rfc3164', '-t', 'sshd', '-p', 'auth.err'], `bsd ${runId}`);
    logger(['--tcp', '--octet-count', '--rfc3164', '-t', 'cron'], `bsd-tcp ${runId}`);
    await waitFor(() => withText(`bsd ${runId}`).length === 1 && withText(`bsd-tcp ${runId}`).length === 1);
    expect(withText(`bsd ${runId}`)[0].envelope.payload).toMatchObject({
      app: 'sshd',
      severity: 'error',
      facility: 'auth',
      message: `bsd ${runId}`,
    });
  });

  it('keeps unparseable lines whole as the message instead of dropping them', async () => {
    const udp = createSocket('udp4');
    await new Promise<void>((resolve, reject) =>
      udp.send(`not syslog at all ${runId} udp`, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
    );
    udp.close();
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () =>
        socket.end(`garbage ${runId} tcp one\n<999>bad pri ${runId} tcp two\nlast ${runId} without newline`),
      );
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    const texts = [
      `not syslog at all ${runId} udp`,
      `garbage ${runId} tcp one`,
      `<999>bad pri ${runId} tcp two`,
      `last ${runId} without newline`,
    ];
    await waitFor(() => texts.every((text) => withText(text).length === 1), { description: 'the four raw lines' });
    for (const text of texts) {
      expect(withText(text)[0].envelope.payload).toEqual({
        timestamp: expect.any(String),
        sourceIp: '127.0.0.1',
        message: text,
      });
    }
  });

  it('produces a burst in batches, every message exactly once', async () => {
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let burst = '';
    for (let i = 0; i < 2000; i++)
      burst += `<14>1 2026-11-24T10:00:00.000Z host-${i % 5} burst - - - burst ${runId} #${i}\n`;
    await new Promise<void>((resolve) => socket.end(burst, () => resolve()));
    await waitFor(() => withText(`burst ${runId}`).length >= 2000, {
      description: '2000 burst messages',
      timeoutMs: 60_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const events = withText(`burst ${runId}`);
    expect(events).toHaveLength(2000);
    expect(new Set(events.map((e) => e.key)).size).toBe(2000);
    // Batches, not one produce per message: few distinct correlation ids.
    expect(new Set(events.map((e) => e.headers['x-correlation-id'])).size).toBeLessThan(100);
  });

  /** Finding 2 of issue 9: 40 UDP datagrams of 60 KB used to block the buffer for good. */
  it('after a burst of 40 UDP datagrams of 60 KB stores every later line, and every burst datagram received, cut and flagged', async () => {
    const count = async (metric: typeof sourceMetrics.syslogMessages, labels: Record<string, string>) =>
      (await metric.get()).values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
    const receivedBefore = await count(sourceMetrics.syslogMessages, { transport: 'udp' });
    const droppedBefore = await count(sourceMetrics.syslogDropped, { transport: 'udp', reason: 'buffer_full' });
    const udp = createSocket('udp4');
    const send = (payload: Buffer | string) =>
      new Promise<void>((resolve, reject) => udp.send(payload, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    for (let i = 0; i < 40; i++)
      await send(Buffer.concat([Buffer.from(`<13>b${i}-${runId} `), Buffer.alloc(60_000, 'A')]));
    for (let i = 0; i < 20; i++) await send(`<13>after-burst ${runId} #${i}`);
    udp.close();

    await waitFor(() => withText(`after-burst ${runId}`).length >= 20, {
      description: '20 lines sent after the burst',
      timeoutMs: 30_000,
    });
    const received = (await count(sourceMetrics.syslogMessages, { transport: 'udp' })) - receivedBefore;
    const receivedBurst = received - 20; // what the kernel's receive buffer let through of the burst
    const burst = () =>
      collector.events.filter(
        (e) =>
          /^b\d+-/.test(String(e.envelope.payload['message'])) && String(e.envelope.payload['message']).includes(runId),
      );
    await waitFor(() => burst().length >= receivedBurst, {
      description: `${receivedBurst} burst messages`,
      timeoutMs: 30_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    console.log(
      `syslog burst: 40 sent, ${receivedBurst} received, ${burst().length} stored (cut to ${SYSLOG_MAX_MESSAGE_BYTES} bytes), 20/20 later lines stored`,
    );
    expect(receivedBurst).toBeGreaterThan(0);
    expect(burst()).toHaveLength(receivedBurst);
    for (const event of burst()) {
      const message = String(event.envelope.payload['message']);
      expect(message.endsWith(truncatedSuffix(SYSLOG_MAX_MESSAGE_BYTES))).toBe(true);
      expect(Buffer.byteLength(message)).toBeLessThanOrEqual(
        SYSLOG_MAX_MESSAGE_BYTES + truncatedSuffix(SYSLOG_MAX_MESSAGE_BYTES).length,
      );
    }
    expect(withText(`after-burst ${runId}`)).toHaveLength(20);
    expect(
      (await count(sourceMetrics.syslogDropped, { transport: 'udp', reason: 'buffer_full' })) - droppedBefore,
    ).toBe(0);
    expect(ingest.app.get(SourceStallMonitor).stalls()).toEqual([]);
  });

  it('cuts an overlong TCP line at the maximum, flags it and reads the next line', async () => {
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () =>
        socket.end(`<13>long-tcp ${runId} ${'L'.repeat(100_000)}\n<13>next-tcp ${runId}\n`),
      );
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    await waitFor(() => withText(`long-tcp ${runId}`).length === 1 && withText(`next-tcp ${runId}`).length === 1);
    expect(String(withText(`long-tcp ${runId}`)[0].envelope.payload['message'])).toMatch(
      /^long-tcp \S+ L+ \[truncated: longer than 8192 bytes\]$/,
    );
  });
});
