import { RecordingProducer, silentLogger as logger } from './sources/testing/recording-producer';
import { EventProducer, KafkaUnavailableError, ProduceFailedError } from '@datalake/kafka-core';
import { JSON_LIMITS, TOPICS } from '@datalake/kafka-schemas';
import { DomainError } from '@datalake/service-kit';
import { IngestService, MAX_RECORDS_PER_REQUEST } from './ingest.service';
import { UnparseableRecord } from './unparseable-record';

const source = { kind: 'http' as const, name: 'api' };
const tx = (id: string, extra: Record<string, unknown> = {}) => ({
  transactionId: id,
  customerId: 'c',
  amount: '1.00',
  currency: 'EUR',
  timestamp: '2026-11-24T10:00:00Z',
  ...extra,
});
const good = tx('t1');

describe(IngestService.name, () => {
  let producer: RecordingProducer;
  let sut: IngestService;

  beforeEach(() => {
    producer = new RecordingProducer();
    sut = new IngestService(producer as unknown as EventProducer, logger);
  });

  it('produces valid records keyed by natural key with the correlation id, and reports the invalid ones with a code', async () => {
    const result = await sut.ingest(
      TOPICS.transactions,
      [good, { transactionId: 'x' }, new UnparseableRecord('line 3 is not valid JSON')],
      source,
      'corr-1',
    );
    expect(result).toMatchObject({ accepted: 1, rejected: 2 });
    expect(result).not.toHaveProperty('notStored');
    expect(result.errors.map((error) => [error.index, error.code])).toEqual([
      [1, 'INVALID_PAYLOAD'],
      [2, 'INVALID_JSON'],
    ]);
    expect(result.errors[1].message).toBe('line 3 is not valid JSON');
    const [message] = producer.sent[0].messages;
    expect(message.key).toBe('t1');
    expect(message.headers).toMatchObject({ 'x-correlation-id': 'corr-1', 'content-type': 'application/json' });
    expect(JSON.parse(String(message.value))).toMatchObject({
      schema: 'transactions.v1',
      source,
      payload: { transactionId: 't1' },
    });
  });

  it('refuses a record over the record size limit on its own, producing its neighbours', async () => {
    const big = tx('big', { merchant: 'm'.repeat(JSON_LIMITS.maxRecordBytes) });
    const result = await sut.ingest(TOPICS.transactions, [tx('a'), big, tx('b')], source, 'c');
    expect(result).toMatchObject({ accepted: 2, rejected: 1 });
    expect(result.errors).toEqual([
      {
        index: 1,
        code: 'TOO_LARGE',
        message: expect.stringMatching(
          new RegExp(`^record is \\d+ bytes; at most ${JSON_LIMITS.maxRecordBytes} bytes are accepted per record$`),
        ),
      },
    ]);
    expect(producer.sent[0].messages.map((m) => m.key)).toEqual(['a', 'b']);
  });

  it('refuses a record that does not fit the Kafka message limit, saying its size and the limit', async () => {
    producer.maxMessageBytes = 5000;
    const log = (host: string, message: string) => ({
      timestamp: '2026-11-10T00:00:00Z',
      sourceIp: '10.1.1.1',
      host,
      message,
    });
    const result = await sut.ingest(TOPICS.networkLogs, [log('a', 'm'.repeat(6000)), log('b', 'short')], source, 'c');
    expect(result.accepted).toBe(1);
    expect(result.errors).toEqual([
      {
        index: 0,
        code: 'TOO_LARGE',
        message: expect.stringMatching(/^record is \d+ bytes as a Kafka message; the message limit is 5000 bytes$/),
      },
    ]);
  });

  it('refuses a record nested deeper than the depth limit', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 6000; i++) deep = { d: deep };
    const result = await sut.ingest(TOPICS.transactions, [tx('a', { merchant: deep })], source, 'c');
    expect(result).toMatchObject({ accepted: 0, rejected: 1, errors: [{ index: 0, code: 'TOO_DEEP' }] });
    expect(producer.sent).toHaveLength(0);
  });

  it('answers 202 with exactly the acknowledged records when Kafka fails part-way, and every other record in errors', async () => {
    // records 0 and 2 are valid and acknowledged, 3 in flight (unknown), 4 and 5 never sent; 1 is invalid
    producer.failWith = (messages) => new ProduceFailedError('Kafka did not acknowledge', messages.length, 2, 1);
    const records = [tx('a'), { transactionId: 'x' }, tx('b'), tx('c'), tx('d'), tx('e')];
    const result = await sut.ingest(TOPICS.transactions, records, source, 'c');
    expect(result.accepted).toBe(2);
    expect(result.rejected).toBe(4);
    expect(result.notStored).toBe(2);
    expect(result.outcomeUnknown).toBe(1);
    expect(result.errors.map((error) => [error.index, error.code])).toEqual([
      [1, 'INVALID_PAYLOAD'],
      [3, 'OUTCOME_UNKNOWN'],
      [4, 'NOT_STORED'],
      [5, 'NOT_STORED'],
    ]);
    expect(result.errors[1].message).toMatch(/may have been stored.*safe/);
  });

  it('answers UNAVAILABLE (503) "no record was accepted" when nothing was sent', async () => {
    producer.failWith = (messages) => new ProduceFailedError('Kafka is down', messages.length, 0, 0);
    const error = await sut.ingest(TOPICS.transactions, [good], source, 'c').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/no record was accepted/) });
  });

  it('answers UNAVAILABLE saying records may have been stored and a retry is safe when the outcome is unknown', async () => {
    producer.failWith = (messages) => new ProduceFailedError('timed out', messages.length, 0, messages.length);
    const error = (await sut
      .ingest(TOPICS.transactions, [tx('a'), tx('b')], source, 'c')
      .catch((e: unknown) => e)) as DomainError;
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).not.toMatch(/no record was accepted/);
    expect(error.message).toMatch(/2 record\(s\) may have been stored.*Retrying the request is safe/);
    expect(error.details).toEqual({ accepted: 0, notStored: 0, outcomeUnknown: 2 });
  });

  it('treats a Kafka failure without detail as of unknown outcome, never as "not stored"', async () => {
    producer.failWith = () => new KafkaUnavailableError('Kafka did not acknowledge');
    await expect(sut.ingest(TOPICS.transactions, [good], source, 'c')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/may have been stored/),
    });
  });

  it('refuses more than the per-request maximum', async () => {
    const records = Array.from({ length: MAX_RECORDS_PER_REQUEST + 1 }, () => good);
    await expect(sut.ingest(TOPICS.transactions, records, source, 'c')).rejects.toBeInstanceOf(DomainError);
    expect(producer.sent).toHaveLength(0);
  });
});
