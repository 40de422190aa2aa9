import { spawn } from 'node:child_process';
import type { Kafka } from 'kafkajs';
import { getTestInfra, uniqueId, waitFor, WORKSPACE_ROOT } from '@datalake/testing';
import { BatchConsumer, type BatchConsumerOptions } from './batch-consumer';
import { DEFAULT_CONSUMER_SETTINGS } from './consumer-settings';
import { EventProducer } from './event-producer';
import { createKafkaClient } from './kafka-client';
import { ensureTopics } from './topic-admin';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The consumer's delivery guarantees on the real broker: what a stop, a slow step, a killed
 * predecessor and a failing dependency do to the group and its committed offsets.
 */
describe('BatchConsumer on a real broker', () => {
  let kafka: Kafka;
  let producer: EventProducer;
  let brokers: string[];

  beforeAll(async () => {
    const infra = await getTestInfra();
    brokers = infra.kafkaBrokers;
    kafka = createKafkaClient({ brokers, clientId: uniqueId('bc-it'), logger: quiet });
    producer = new EventProducer(kafka);
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
  });

  async function topicWith(count: number): Promise<string> {
    const topic = uniqueId('it-bc-');
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }]);
    for (let i = 0; i < count; i += 500) {
      const messages = Array.from({ length: Math.min(500, count - i) }, (_, j) => ({
        key: `k${i + j}`,
        value: `v${i + j}`,
      }));
      await producer.send(topic, messages);
    }
    return topic;
  }

  async function committedOffset(groupId: string, topic: string): Promise<string> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
      return offsets[0].partitions[0].offset;
    } finally {
      await admin.disconnect();
    }
  }

  function consumer(options: Omit<BatchConsumerOptions, 'logger'> & { logger?: BatchConsumerOptions['logger'] }) {
    return new BatchConsumer(kafka, { logger: quiet, retryInitialMs: 50, ...options });
  }

  it('commits every stored step when stopped mid-stream, so a restart redelivers nothing already stored', async () => {
    const total = 600;
    const topic = await topicWith(total);
    const groupId = uniqueId('it-bc-stop-');
    const storedBeforeStop = new Set<string>();
    const first = consumer({
      groupId,
      topics: [topic],
      stepMessages: 20,
      handler: async (batch) => {
        await sleep(40); // a storage write
        for (const message of batch.messages) storedBeforeStop.add(message.offset);
      },
    });
    await first.start();
    await waitFor(() => storedBeforeStop.size >= 100, { description: '100 stored messages' });
    const outcome = await first.stop();
    const stoppedAt = storedBeforeStop.size;
    expect(outcome.committed).toBe(true);
    expect(stoppedAt).toBeLessThan(total); // stopped mid-stream
    // Everything stored is committed: the committed offset is the first message not stored.
    expect(await committedOffset(groupId, topic)).toBe(String(stoppedAt));

    const delivered: string[] = [];
    const second = consumer({
      groupId,
      topics: [topic],
      handler: async (batch) => void delivered.push(...batch.messages.map((message) => message.offset)),
    });
    await second.start();
    await waitFor(() => delivered.length >= total - stoppedAt, { description: 'the rest after the restart' });
    await sleep(1000);
    await second.stop();
    const redeliveredStored = delivered.filter((offset) => storedBeforeStop.has(offset));
    console.log(
      `stop mid-stream: stored before stop ${stoppedAt}, delivered after restart ${delivered.length}, redelivered already stored ${redeliveredStored.length}`,
    );
    expect(redeliveredStored).toEqual([]);
    expect(new Set([...storedBeforeStop, ...delivered]).size).toBe(total);
  });

  it('keeps its membership and commits through a step slower than the group session', async () => {
    const topic = await topicWith(4);
    const groupId = uniqueId('it-bc-slow-');
    let joins = 0;
    const steps: string[][] = [];
    const slow = consumer({
      groupId,
      topics: [topic],
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
      stepMessages: 2,
      handler: async (batch) => {
        await sleep(8000); // longer than the 6 s session
        steps.push(batch.messages.map((message) => message.offset));
      },
    });
    // Counted through kafkajs's own event: a second join would mean the member was evicted.
    (slow as unknown as { consumer: { on: (event: string, listener: () => void) => void } }).consumer.on(
      'consumer.group_join',
      () => joins++,
    );
    await slow.start();
    await waitFor(() => steps.length >= 2, { timeoutMs: 40000, description: 'two slow steps' });
    await waitFor(async () => (await committedOffset(groupId, topic)) === '4', {
      description: 'the commit of both steps',
    });
    await slow.stop();
    expect(steps).toEqual([
      ['0', '1'],
      ['2', '3'],
    ]);
    expect(joins).toBe(1);
  }, 60000);

  it('is consuming again within 15 s after its predecessor in the group was killed with SIGKILL', async () => {
    const topic = await topicWith(10);
    const groupId = uniqueId('it-bc-kill-');
    // The predecessor: a member with the default session that takes the partition and never finishes.
    const script = `
      const { Kafka, logLevel } = require('kafkajs');
      const kafka = new Kafka({ brokers: ${JSON.stringify(brokers)}, clientId: 'doomed', logLevel: logLevel.NOTHING });
      const consumer = kafka.consumer({ groupId: ${JSON.stringify(groupId)}, sessionTimeout: ${DEFAULT_CONSUMER_SETTINGS.sessionTimeoutMs}, heartbeatInterval: ${DEFAULT_CONSUMER_SETTINGS.heartbeatIntervalMs} });
      consumer.on(consumer.events.GROUP_JOIN, () => console.log('joined'));
      (async () => {
        await consumer.connect();
        await consumer.subscribe({ topic: ${JSON.stringify(topic)}, fromBeginning: true });
        await consumer.run({ autoCommit: false, eachBatch: async ({ heartbeat }) => { for (;;) { await heartbeat(); await new Promise((r) => setTimeout(r, 500)); } } });
      })();
    `;
    const doomed = spawn(process.execPath, ['-e', script], {
      cwd: WORKSPACE_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    doomed.stdout?.on('data', (chunk) => (output += chunk));
    await waitFor(() => output.includes('joined'), { description: 'the predecessor to join' });
    await sleep(1500); // it holds the partition and heartbeats
    doomed.kill('SIGKILL');
    const restartedAt = Date.now();

    let firstStepAt = 0;
    const successor = consumer({
      groupId,
      topics: [topic],
      handler: async () => {
        firstStepAt ||= Date.now();
      },
    });
    await successor.start();
    await waitFor(() => firstStepAt > 0, { timeoutMs: 30000, description: 'the first step after the restart' });
    await successor.stop();
    const seconds = (firstStepAt - restartedAt) / 1000;
    console.log(
      `restart after SIGKILL: first batch handled ${seconds.toFixed(1)} s after the restart (session ${DEFAULT_CONSUMER_SETTINGS.sessionTimeoutMs} ms)`,
    );
    expect(seconds).toBeLessThanOrEqual(15);
  }, 60000);

  it('reports a partition whose step keeps failing as stalled, logs it once with the reason, and recovers', async () => {
    const topic = await topicWith(3);
    const groupId = uniqueId('it-bc-stall-');
    const warnings: { message: string; context?: Record<string, unknown> }[] = [];
    let down = true;
    const stalled = consumer({
      groupId,
      topics: [topic],
      stallSeconds: 3,
      retryMaxMs: 500,
      stepMessages: 1,
      logger: { ...quiet, warn: (message, context) => warnings.push({ message, context }) },
      handler: async (batch) => {
        // Two messages are stored, then storage goes away for the third.
        if (down && batch.messages[0].offset === '2') throw new Error('storage unreachable');
      },
    });
    await stalled.start();
    const report = await waitFor(() => stalled.status().partitions.find((partition) => partition.stalled), {
      timeoutMs: 20000,
      description: 'a stalled partition',
    });
    expect(report).toMatchObject({ topic, partition: 0, offset: '2', reason: 'storage unreachable' });
    // What was stored before the failure is committed, though the batch is not finished.
    expect(await committedOffset(groupId, topic)).toBe('2');
    expect(report.secondsSinceProgress).toBeGreaterThanOrEqual(3);
    await waitFor(() => warnings.some((w) => w.message.startsWith('partition makes no progress')), {
      description: 'the stall log line',
    });
    await sleep(6000); // past the stall time again: still one line for this stall
    const stallLines = warnings.filter((w) => w.message.startsWith('partition makes no progress'));
    expect(stallLines).toHaveLength(1);
    expect(stallLines[0].message).toContain('storage unreachable');
    expect(stallLines[0].context).toMatchObject({ topic, partition: 0, offset: '2' });

    down = false;
    await waitFor(async () => (await committedOffset(groupId, topic)) === '3', {
      description: 'progress after recovery',
    });
    expect(stalled.status().partitions[0]).toMatchObject({ stalled: false, secondsSinceProgress: 0 });
    await stalled.stop();
  }, 60000);

  it('starts itself again after a crash kafkajs does not restart, and stores the rest', async () => {
    const topic = await topicWith(3);
    const groupId = uniqueId('it-bc-crash-');
    const errors: { message: string; running: boolean; crashed?: string }[] = [];
    let crashes = 0;
    const crashing: BatchConsumer = consumer({
      groupId,
      topics: [topic],
      stepMessages: 1,
      logger: {
        ...quiet,
        error: (message) => errors.push({ message, ...crashing.status() }),
      },
      handler: async (batch) => {
        // Once, at offset 1: a group error kafkajs classes as not retriable (as "Failed to find group
        // coordinator" is), so kafkajs stops the consumer for good instead of rejoining.
        if (batch.messages[0].offset === '1' && crashes++ === 0)
          throw Object.assign(new Error('fenced for the test'), { type: 'FENCED_INSTANCE_ID', retriable: false });
      },
    });
    await crashing.start();
    await waitFor(async () => (await committedOffset(groupId, topic)) === '3', {
      timeoutMs: 30000,
      description: 'every message committed after the crash',
    });
    expect(crashes).toBe(2); // offset 1 was handled again after the restart
    const crashLines = errors.filter((e) => e.message.includes('starting it again'));
    expect(crashLines).toHaveLength(1);
    // While it was down, readiness saw it not running, with the reason.
    expect(crashLines[0]).toMatchObject({ running: false, crashed: expect.stringContaining('fenced for the test') });
    expect(crashing.status()).toMatchObject({ running: true });
    expect(crashing.status().crashed).toBeUndefined();
    await crashing.stop();
  }, 60000);
});
