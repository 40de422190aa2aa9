import type { PinoLogger } from 'nestjs-pino';
import { EventProducer, KafkaUnavailableError, type OutgoingMessage } from '@datalake/kafka';
import { TOPICS } from '@datalake/kafka-schemas';
import { DomainError } from '@datalake/service-kit';
import { IngestService, MAX_RECORDS_PER_REQUEST } from './ingest.service';
import { UnparseableRecord } from './unparseable-record';

class RecordingProducer {
  sent: { topic: string; messages: OutgoingMessage[] }[] = [];
  failWith?: Error;
  async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push({ topic, messages });
  }
}

const logger = { setContext: () => undefined, info: () => undefined } as unknown as PinoLogger;
const source = { kind: 'http' as const, name: 'api' };
const good = { transactionId: 't1', customerId: 'c', amount: '1.00', currency: 'EUR', timestamp: '2026-11-24T10:00:00Z' };

describe(IngestService.name, () => {
  let producer: RecordingProducer;
  let sut: IngestService;

  beforeEach(() => {
    producer = new RecordingProducer();
    sut = new IngestService(producer as unknown as EventProducer, logger);
  });

  it('produces valid records keyed by natural key with the correlation id, and reports the invalid ones', async () => {
    const result = await sut.ingest(TOPICS.transactions, [good, { transactionId: 'x' }, new UnparseableRecord('line 3 is not valid JSON')], source, 'corr-1');
    expect(result.accepted).toBe(1);
    expect(result.rejected).toBe(2);
    expect(result.errors.map((error) => error.index)).toEqual([1, 2]);
    expect(result.errors[1].message).toBe('line 3 is not valid JSON');
    const [message] = producer.sent[0].messages;
    expect(message.key).toBe('t1');
    expect(message.headers).toMatchObject({ 'x-correlation-id': 'corr-1', 'content-type': 'application/json' });
    expect(JSON.parse(String(message.value))).toMatchObject({ schema: 'transactions.v1', source, payload: { transactionId: 't1' } });
  });

  it('answers UNAVAILABLE (503) when Kafka does not acknowledge, accepting nothing', async () => {
    producer.failWith = new KafkaUnavailableError('Kafka did not acknowledge');
    await expect(sut.ingest(TOPICS.transactions, [good], source, 'c')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('refuses more than the per-request maximum', async () => {
    const records = Array.from({ length: MAX_RECORDS_PER_REQUEST + 1 }, () => good);
    await expect(sut.ingest(TOPICS.transactions, records, source, 'c')).rejects.toBeInstanceOf(DomainError);
    expect(producer.sent).toHaveLength(0);
  });
});
