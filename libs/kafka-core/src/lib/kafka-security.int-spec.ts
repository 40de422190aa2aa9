import { getSecureTestInfra, isPortOpen, uniqueId, waitFor, type SecureTestInfra } from '@datalake/testing';
import { BatchConsumer } from './batch-consumer';
import { EventProducer } from './event-producer';
import { createKafkaClient } from './kafka-client';
import { readKafkaSecurity, type SaslMechanism } from './kafka-security';
import { ensureTopics } from './topic-admin';
import { KafkaInspector } from './topic-tools';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The security a service would read from its environment, for the local SASL_SSL listener. */
function securityFor(infra: SecureTestInfra, mechanism: SaslMechanism, password: string) {
  return readKafkaSecurity({
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: infra.caFile,
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: infra.kafka.username,
    KAFKA_SASL_PASSWORD: password,
  });
}

describe('Kafka over SASL_SSL with SCRAM (local broker)', () => {
  let infra: SecureTestInfra;

  beforeAll(async () => {
    infra = getSecureTestInfra();
    const [host, port] = infra.kafka.brokers[0].split(':');
    if (!(await isPortOpen(host, Number(port)))) {
      throw new Error(
        `The SASL_SSL listener ${infra.kafka.brokers[0]} of the ${infra.instance} instance does not answer: ` +
          `run \`DATALAKE_INFRA_INSTANCE=${infra.instance} bash tools/infra/local-infra.sh down\` then \`... up\`.`,
      );
    }
  });

  it.each<SaslMechanism>(['scram-sha-256', 'scram-sha-512'])(
    'produces and consumes in a group with %s',
    async (mechanism) => {
      const kafka = createKafkaClient({
        brokers: infra.kafka.brokers,
        clientId: uniqueId('sasl-it-'),
        logger: quiet,
        security: securityFor(infra, mechanism, infra.kafka.password),
      });
      const topic = uniqueId('it-sasl-');
      expect(await ensureTopics(kafka, [{ topic, numPartitions: 2 }])).toEqual([topic]);

      const producer = new EventProducer(kafka, { logger: quiet });
      await producer.connect();
      const sent = Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `${mechanism}-${i}` }));
      await producer.send(topic, sent);
      await producer.disconnect();

      const seen: string[] = [];
      const consumer = new BatchConsumer(kafka, {
        groupId: uniqueId('it-sasl-group-'),
        topics: [topic],
        logger: quiet,
        handler: async (batch) => {
          seen.push(...batch.messages.map((message) => String(message.value)));
        },
      });
      await consumer.start();
      try {
        await waitFor(() => seen.length >= sent.length, { description: `${sent.length} messages through SASL_SSL` });
      } finally {
        await consumer.stop();
      }
      expect([...seen].sort()).toEqual(sent.map((message) => message.value).sort());
    },
    60_000,
  );

  it('fails cleanly with a wrong password: an authentication error within seconds, no retry loop', async () => {
    const logged: string[] = [];
    const kafka = createKafkaClient({
      brokers: infra.kafka.brokers,
      clientId: uniqueId('sasl-wrong-'),
      logger: { ...quiet, error: (message) => logged.push(message) },
      security: securityFor(infra, 'scram-sha-512', `${infra.kafka.password}-wrong`),
    });
    const inspector = new KafkaInspector(kafka);
    const started = Date.now();
    const error = await inspector.connect().then(
      () => undefined,
      (reason: unknown) => reason as Error,
    );
    const elapsedMs = Date.now() - started;
    await inspector.disconnect().catch(() => undefined);

    expect(error).toBeInstanceOf(Error);
    expect(error?.name).toBe('KafkaJSSASLAuthenticationError');
    expect(error?.message).toMatch(/SASL SCRAM SHA512 authentication failed/i);
    expect(error?.message).not.toContain(infra.kafka.password);
    expect(elapsedMs).toBeLessThan(10_000);
    // one attempt, not kafkajs's retry schedule
    // not retriable, so kafkajs does not go through its retry schedule: one handshake, then quiet
    expect((error as Error & { retriable?: boolean }).retriable).toBe(false);
    expect(logged.filter((line) => /Response SaslAuthenticate/.test(line))).toHaveLength(1);
    const linesAfterFailure = logged.length;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(logged).toHaveLength(linesAfterFailure);
  }, 30_000);

  it('refuses a client that does not trust the broker certificate (no CA file)', async () => {
    const kafka = createKafkaClient({
      brokers: infra.kafka.brokers,
      clientId: uniqueId('sasl-untrusted-'),
      logger: quiet,
      security: { ...securityFor(infra, 'scram-sha-256', infra.kafka.password), tls: { rejectUnauthorized: true } },
      connectionTimeout: 3000,
    });
    const producer = new EventProducer(kafka, { logger: quiet });
    const started = Date.now();
    await expect(producer.connect()).rejects.toThrow(/self.signed|certificate/i);
    expect(Date.now() - started).toBeLessThan(30_000);
    await producer.disconnect().catch(() => undefined);
  }, 60_000);
});
