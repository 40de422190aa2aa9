import { RecordingProducer, silentLogger as logger } from './testing/recording-producer';
import {
  EventProducer,
  KafkaUnavailableError,
  messageSize,
  ProduceFailedError,
  RECORD_BATCH_OVERHEAD_BYTES,
} from '@datalake/kafka-core';
import { DLQ_HEADERS, JSON_LIMITS, TOPICS } from '@datalake/kafka-schemas';
import { IngestService } from '../ingest.service';
import { UnparseableRecord } from '../unparseable-record';
import { RowIngestor } from './row-ingestor';
import type { SourceRow } from './source-row';

const log = (host: string, extra: Record<string, unknown> = {}) => ({
  timestamp: '2026-11-10T00:00:00Z',
  sourceIp: '10.1.1.1',
  host,
  message: 'm',
  ...extra,
});
const rowOf = (n: number, record: unknown, raw = JSON.stringify(record)): SourceRow => ({
  record,
  raw,
  location: `line ${n}`,
  position: { rows: n },
});

describe(RowIngestor.name, () => {
  let producer: RecordingProducer;
  let sut: RowIngestor;

  beforeEach(() => {
    producer = new RecordingProducer();
    const asProducer = producer as unknown as EventProducer;
    sut = new RowIngestor(new IngestService(asProducer, logger), asProducer);
  });

  it('dead-letters an oversize row as TOO_LARGE with its value cut to fit and says so, and produces its neighbours', async () => {
    const hugeRecord = log('big', { note: 'n'.repeat(JSON_LIMITS.maxRecordBytes + 200_000) });
    const rows = [rowOf(1, log('a')), rowOf(2, hugeRecord), rowOf(3, log('b'))];
    const result = await sut.ingestRows(TOPICS.networkLogs, { kind: 'file', name: 'f.ndjson' }, 'corr', rows);
    expect(result).toMatchObject({ produced: 2, rejected: 1, rejections: [{ location: 'line 2', code: 'TOO_LARGE' }] });
    const [records, dlq] = producer.sent;
    expect(records.messages.map((m) => m.key)).toHaveLength(2);
    expect(dlq.topic).toBe('network_logs.dlq');
    const [letter] = dlq.messages;
    expect(RECORD_BATCH_OVERHEAD_BYTES + messageSize(letter)).toBeLessThanOrEqual(producer.maxMessageBytes);
    expect(letter.headers).toMatchObject({
      [DLQ_HEADERS.errorCode]: 'TOO_LARGE',
      [DLQ_HEADERS.truncated]: 'true',
      [DLQ_HEADERS.originalBytes]: String(Buffer.byteLength(rows[1].raw)),
      'x-dlq-source-location': 'line 2',
    });
    expect(rows[1].raw.startsWith(String(letter.value))).toBe(true);
  });

  it("keeps a small bad row whole, with the reader's parse code", async () => {
    const bad: SourceRow = {
      ...rowOf(1, new UnparseableRecord('line 1 has 3 fields, the header has 4')),
      raw: 'a,b,c',
      parseErrorCode: 'INVALID_CSV_ROW',
    };
    await sut.ingestRows(TOPICS.networkLogs, { kind: 'file', name: 'f.csv' }, 'corr', [bad]);
    const [letter] = producer.sent[0].messages;
    expect(letter.value).toBe('a,b,c');
    expect(letter.headers?.[DLQ_HEADERS.errorCode]).toBe('INVALID_CSV_ROW');
    expect(letter.headers).not.toHaveProperty(DLQ_HEADERS.truncated);
  });

  it('fails the chunk as transient when Kafka took only part of it, so the checkpoint stays and nothing is dead-lettered', async () => {
    producer.failWith = (messages) => new ProduceFailedError('timed out', messages.length, 1, 1);
    const rows = [rowOf(1, log('a')), rowOf(2, log('b')), rowOf(3, { bad: true })];
    await expect(sut.ingestRows(TOPICS.networkLogs, { kind: 'file', name: 'f' }, 'corr', rows)).rejects.toBeInstanceOf(
      KafkaUnavailableError,
    );
    expect(producer.sent).toHaveLength(0);
  });
});
