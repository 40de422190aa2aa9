import type { Kafka, ProducerRecord } from 'kafkajs';
import { EventProducer, KafkaUnavailableError, MessageTooLargeError, ProduceFailedError } from './event-producer';
import { messageSize, RECORD_BATCH_OVERHEAD_BYTES } from './message-size';
import type { OutgoingRecord } from './records';

type Behaviour = 'ack' | 'fail' | 'hang';

/** Stands in for kafkajs: records every request and answers each as the test scripts it. */
class FakeKafka {
  readonly producers: FakeProducer[] = [];
  /** Answers for the next requests, in order, across producers; 'ack' once empty. */
  script: Behaviour[] = [];
  failConnects = 0;
  log: string[] = [];

  producer(): FakeProducer {
    const producer = new FakeProducer(this, this.producers.length);
    this.producers.push(producer);
    return producer;
  }
}

class FakeProducer {
  readonly events = { DISCONNECT: 'producer.disconnect' };
  readonly requests: ProducerRecord[] = [];
  connected = false;
  disconnects = 0;

  constructor(
    private readonly kafka: FakeKafka,
    readonly id: number,
  ) {}

  on(): void {
    // events are not simulated
  }

  async connect(): Promise<void> {
    if (this.kafka.failConnects > 0) {
      this.kafka.failConnects--;
      throw new Error('Connection error: ECONNREFUSED');
    }
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    this.disconnects++;
  }

  send(record: ProducerRecord): Promise<unknown> {
    this.requests.push(record);
    const behaviour = this.kafka.script.shift() ?? 'ack';
    this.kafka.log.push(`start ${record.messages[0].key}`);
    if (behaviour === 'hang') return new Promise(() => undefined);
    if (behaviour === 'fail') return Promise.reject(new Error('The broker received an out of order sequence number'));
    return new Promise((resolve) =>
      setTimeout(() => {
        this.kafka.log.push(`ack ${record.messages[0].key}`);
        resolve([]);
      }, 5),
    );
  }
}

const limit = 200_000;
const messages = (count: number, valueBytes: number, prefix = 'k'): OutgoingRecord[] =>
  Array.from({ length: count }, (_, i) => ({ key: `${prefix}${i}`, value: 'x'.repeat(valueBytes) }));

function setup(sendTimeoutMs = 1000) {
  const kafka = new FakeKafka();
  const sut = new EventProducer(kafka as unknown as Kafka, {
    maxMessageBytes: limit,
    sendTimeoutMs,
    topicPrefix: 'p.',
  });
  return { kafka, sut };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe(EventProducer.name, () => {
  it('cuts a send into requests within the byte limit, in order, all on one producer', async () => {
    const { kafka, sut } = setup();
    await sut.connect();
    const batch = messages(30, 30_000);
    await sut.send('t', batch);
    const [producer] = kafka.producers;
    expect(kafka.producers).toHaveLength(1);
    expect(producer.requests.length).toBeGreaterThanOrEqual(5);
    for (const request of producer.requests) {
      expect(request.topic).toBe('p.t');
      expect(request.acks).toBe(-1);
      const bytes =
        RECORD_BATCH_OVERHEAD_BYTES + request.messages.reduce((sum, m) => sum + messageSize(m as OutgoingRecord), 0);
      expect(bytes).toBeLessThanOrEqual(limit);
    }
    expect(producer.requests.flatMap((request) => request.messages)).toEqual(batch);
  });

  it('refuses a message that cannot fit alone before sending anything', async () => {
    const { kafka, sut } = setup();
    await sut.connect();
    const batch = [...messages(2, 10), { key: 'big', value: 'x'.repeat(limit) }];
    const error = await caught(sut.send('t', batch));
    expect(error).toBeInstanceOf(MessageTooLargeError);
    expect(error).toMatchObject({ index: 2, limit });
    expect((error as MessageTooLargeError).bytes).toBeGreaterThan(limit);
    expect(kafka.producers[0].requests).toHaveLength(0);
    expect(sut.fits(batch[2])).toBe(false);
    expect(sut.fits(batch[0])).toBe(true);
  });

  it('reports acknowledged, unknown and unsent messages when a request fails mid-way, then sends on a new producer', async () => {
    const { kafka, sut } = setup();
    await sut.connect();
    kafka.script = ['ack', 'fail'];
    const batch = messages(30, 30_000);
    const error = (await caught(sut.send('t', batch))) as ProduceFailedError;
    expect(error).toBeInstanceOf(ProduceFailedError);
    expect(error).toBeInstanceOf(KafkaUnavailableError);
    const [first, second] = kafka.producers[0].requests;
    expect(error.total).toBe(30);
    expect(error.acknowledged).toBe(first.messages.length);
    expect(error.outcomeUnknown).toBe(second.messages.length);
    expect(error.notSent).toBe(30 - first.messages.length - second.messages.length);
    expect(error.notSent).toBeGreaterThan(0);
    expect(error.outcomeOf(0)).toBe('acknowledged');
    expect(error.outcomeOf(first.messages.length)).toBe('unknown');
    expect(error.outcomeOf(29)).toBe('not-sent');
    expect(error.message).toMatch(/out of order sequence number/);
    // The failed producer is gone; the next send connects a new one and succeeds.
    expect(kafka.producers[0].disconnects).toBeGreaterThanOrEqual(1);
    await sut.send('t', messages(1, 10, 'after'));
    expect(kafka.producers).toHaveLength(2);
    expect(kafka.producers[1].requests[0].messages[0].key).toBe('after0');
  });

  it('gives up at its deadline with the request in flight as of unknown outcome', async () => {
    const { kafka, sut } = setup(80);
    await sut.connect();
    kafka.script = ['hang'];
    const started = Date.now();
    const error = (await caught(sut.send('t', messages(3, 10)))) as ProduceFailedError;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ total: 3, acknowledged: 0, outcomeUnknown: 3, notSent: 0 });
    await sut.send('t', messages(1, 10));
    expect(kafka.producers).toHaveLength(2);
  });

  it('says nothing was sent when no new producer can connect', async () => {
    const { kafka, sut } = setup();
    await sut.connect();
    kafka.script = ['fail'];
    await caught(sut.send('t', messages(2, 10)));
    kafka.failConnects = 1;
    const error = (await caught(sut.send('t', messages(4, 10)))) as ProduceFailedError;
    expect(error).toMatchObject({ total: 4, acknowledged: 0, outcomeUnknown: 0, notSent: 4 });
    expect(sut.isConnected).toBe(false);
    await sut.send('t', messages(1, 10)); // Kafka is back
    expect(sut.isConnected).toBe(true);
  });

  it('runs concurrent sends one after the other, so a rebuild never happens under another send', async () => {
    const { kafka, sut } = setup();
    await sut.connect();
    await Promise.all([sut.send('t', messages(2, 120_000, 'a')), sut.send('t', messages(1, 10, 'b'))]);
    expect(kafka.log).toEqual(['start a0', 'ack a0', 'start a1', 'ack a1', 'start b0', 'ack b0']);
  });

  it('answers "not sent" to a send whose deadline passed while waiting for its turn', async () => {
    const { kafka, sut } = setup(60);
    await sut.connect();
    kafka.script = ['hang'];
    const first = caught(sut.send('t', messages(1, 10, 'a')));
    const second = (await caught(sut.send('t', messages(2, 10, 'b')))) as ProduceFailedError;
    expect(second).toMatchObject({ total: 2, acknowledged: 0, outcomeUnknown: 0, notSent: 2 });
    expect(await first).toMatchObject({ outcomeUnknown: 1 });
    expect(kafka.producers[0].requests.map((request) => request.messages[0].key)).toEqual(['a0']);
  });

  it('lowers its limit to a smaller topic limit, never raises it', () => {
    const { sut } = setup();
    sut.adoptMessageLimit(500_000);
    expect(sut.maxMessageBytes).toBe(limit);
    sut.adoptMessageLimit(100_000);
    expect(sut.maxMessageBytes).toBe(100_000);
  });
});
