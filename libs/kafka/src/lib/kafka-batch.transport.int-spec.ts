import { Controller, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  committedOffsets,
  createKafkaClient,
  ensureTopics,
  EventProducer,
  silentLogger,
  type ConsumedBatch,
  type KafkaClient,
  type StructuredLogger,
} from '@datalake/kafka-core';
import { getTestInfra, uniqueId, waitFor } from '@datalake/testing';
import { connectKafkaBatchTransport, KafkaBatchContext, KafkaBatchTransport } from './kafka-batch.transport';

/** What the handler saw, per call. */
interface Call {
  topic: string;
  partition: number;
  values: string[];
  contextTopic: string;
  active: boolean;
}

/**
 * A tiny Nest microservice on the real broker: the transport reaches an `@EventPattern(<topic>)`
 * method with each batch, commits only after the method resolved, hands a thrown error back to the
 * consumer unchanged (retried with backoff, nothing committed meanwhile) and stops on app.close().
 */
describe('KafkaBatchTransport: a Nest microservice whose @EventPattern handler consumes batches', () => {
  let kafka: KafkaClient;
  let producer: EventProducer;
  let app: INestApplication | undefined;
  const warnings: { message: string; context?: Record<string, unknown> }[] = [];
  const infos: string[] = [];
  const logger: StructuredLogger = {
    info: (message) => void infos.push(message),
    warn: (message, context) => void warnings.push({ message, context }),
    error: (message, context) => void warnings.push({ message, context }),
  };

  beforeAll(async () => {
    const infra = await getTestInfra();
    kafka = createKafkaClient({
      brokers: infra.kafkaBrokers,
      clientId: uniqueId('transport-it'),
      logger: silentLogger,
    });
    producer = new EventProducer(kafka, { logger: silentLogger });
    await producer.connect();
  });

  afterAll(async () => {
    await app?.close();
    await producer?.disconnect();
  });

  async function boot(
    topic: string,
    groupId: string,
    handle: (batch: ConsumedBatch, context: KafkaBatchContext) => Promise<void>,
  ) {
    @Controller()
    class EventsController {
      @EventPattern(topic)
      async store(@Payload() batch: ConsumedBatch, @Ctx() context: KafkaBatchContext): Promise<void> {
        await handle(batch, context);
      }
    }
    @Module({ controllers: [EventsController] })
    class TinyModule {}

    const nest = await NestFactory.create(TinyModule, { logger: false });
    const transport = new KafkaBatchTransport(kafka, { groupId, logger, retryInitialMs: 100, retryMaxMs: 200 });
    connectKafkaBatchTransport(nest, transport);
    await nest.init();
    await nest.startAllMicroservices();
    app = nest;
    return transport;
  }

  it('calls the @EventPattern method with each batch, commits after it resolved, retries a thrown error unchanged', async () => {
    const topic = uniqueId('it-transport-');
    const groupId = uniqueId('it-transport-group-');
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }]);
    const calls: Call[] = [];
    let failNext = true;
    const transport = await boot(topic, groupId, async (batch, context) => {
      calls.push({
        topic: batch.topic,
        partition: batch.partition,
        values: batch.messages.map((message) => String(message.value)),
        contextTopic: context.getTopic(),
        active: context.isActive(),
      });
      await context.heartbeat();
      if (failNext) {
        failNext = false;
        // Nest's default RPC filter would turn this into "Internal server error"; the log must name it.
        throw new Error('storage is down');
      }
    });
    expect(transport.topics()).toEqual([topic]);
    expect(transport.consumerStatus()?.running).toBe(true);

    await producer.send(
      topic,
      Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    );
    await waitFor(async () => (await committedOffsets(kafka, groupId, topic))[0]?.offset === '5', {
      timeoutMs: 30_000,
      description: 'offset 5 committed',
    });

    // The first call threw: the same messages came again, and only the successful call was committed.
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls[0]).toEqual({
      topic,
      partition: 0,
      values: ['v0', 'v1', 'v2', 'v3', 'v4'],
      contextTopic: topic,
      active: true,
    });
    expect(calls[1].values).toEqual(calls[0].values);
    const retry = warnings.find((warning) => warning.message.startsWith('batch failed, retrying'));
    expect(retry?.context).toMatchObject({ topic, partition: 0, firstOffset: '0', error: 'storage is down' });
    expect(transport.consumerStatus()?.partitions).toEqual([expect.objectContaining({ topic, partition: 0 })]);

    await app?.close();
    app = undefined;
    expect(transport.consumerStatus()?.running).toBe(false);
    expect(infos).toContain('stopped consuming; everything stored is committed');
  });

  it('refuses to start without an @EventPattern handler', async () => {
    @Module({})
    class EmptyModule {}
    const nest = await NestFactory.create(EmptyModule, { logger: false });
    connectKafkaBatchTransport(nest, new KafkaBatchTransport(kafka, { groupId: uniqueId('it-empty-'), logger }));
    await nest.init();
    await expect(nest.startAllMicroservices()).rejects.toThrow(/no @EventPattern/);
    await nest.close();
  });
});
