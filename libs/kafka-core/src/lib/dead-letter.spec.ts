import { DLQ_HEADERS } from '@datalake/kafka-schemas';
import { toDeadLetterMessage, type DeadLetter } from './dead-letter';
import { DEFAULT_MAX_MESSAGE_BYTES, messageSize, RECORD_BATCH_OVERHEAD_BYTES } from './message-size';

const error = { code: 'INVALID_JSON' as const, message: 'value is not JSON' };

function letter(value: Buffer, headers: DeadLetter['message']['headers'] = { 'x-correlation-id': 'c-1' }): DeadLetter {
  return { message: { key: Buffer.from('k-1'), value, headers, offset: '42' }, partition: 2, error };
}

/** Bytes of key, value and header text: what the broker counts, less the record framing. */
function contentBytes(message: ReturnType<typeof toDeadLetterMessage>): number {
  const headers = Object.entries(message.headers ?? {}).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(String(value)),
    0,
  );
  return (message.key?.length ?? 0) + message.value.length + headers;
}

describe('toDeadLetterMessage', () => {
  const failedAt = new Date('2026-12-01T00:00:00Z');

  it('copies a message that fits whole, with the original headers and the reason headers', () => {
    const copy = toDeadLetterMessage('transactions', letter(Buffer.from('not json')), failedAt);
    expect(copy.value.toString()).toBe('not json');
    expect(copy.key?.toString()).toBe('k-1');
    expect(copy.headers).toMatchObject({
      'x-correlation-id': 'c-1',
      [DLQ_HEADERS.errorCode]: 'INVALID_JSON',
      [DLQ_HEADERS.errorMessage]: 'value is not JSON',
      [DLQ_HEADERS.originalTopic]: 'transactions',
      [DLQ_HEADERS.originalPartition]: '2',
      [DLQ_HEADERS.originalOffset]: '42',
      [DLQ_HEADERS.failedAt]: '2026-12-01T00:00:00.000Z',
    });
    expect(copy.headers).not.toHaveProperty(DLQ_HEADERS.truncated);
  });

  it('truncates a value of ~1,048,400 bytes to fit the default limit and says so', () => {
    const original = Buffer.alloc(1_048_400, 0x78);
    const copy = toDeadLetterMessage('transactions', letter(original), failedAt);
    expect(copy.headers?.[DLQ_HEADERS.truncated]).toBe('true');
    expect(copy.headers?.[DLQ_HEADERS.originalBytes]).toBe('1048400');
    expect(copy.headers?.[DLQ_HEADERS.errorCode]).toBe('INVALID_JSON');
    expect(copy.headers?.['x-correlation-id']).toBe('c-1');
    expect(RECORD_BATCH_OVERHEAD_BYTES + messageSize(copy)).toBeLessThanOrEqual(DEFAULT_MAX_MESSAGE_BYTES);
    expect(copy.value.length).toBeGreaterThan(1_000_000); // most of the value is kept
    expect(original.subarray(0, copy.value.length).equals(copy.value as Buffer)).toBe(true);
  });

  it('caps to a given limit', () => {
    const copy = toDeadLetterMessage('t', letter(Buffer.alloc(10_000, 0x61)), failedAt, 4096);
    expect(contentBytes(copy)).toBeLessThanOrEqual(4096);
    expect(copy.headers?.[DLQ_HEADERS.originalBytes]).toBe('10000');
  });

  it('drops original headers that alone would not fit, keeping the reason headers', () => {
    const copy = toDeadLetterMessage('t', letter(Buffer.from('v'), { big: 'h'.repeat(8000) }), failedAt, 4096);
    expect(copy.headers).not.toHaveProperty('big');
    expect(copy.headers?.[DLQ_HEADERS.errorCode]).toBe('INVALID_JSON');
    expect(copy.headers?.[DLQ_HEADERS.truncated]).toBe('true');
    expect(contentBytes(copy)).toBeLessThanOrEqual(4096);
  });

  it('cuts a long reason message to 2,000 characters', () => {
    const long = {
      ...letter(Buffer.from('v')),
      error: { code: 'INVALID_PAYLOAD' as const, message: 'e'.repeat(5000) },
    };
    expect(String(toDeadLetterMessage('t', long, failedAt).headers?.[DLQ_HEADERS.errorMessage])).toHaveLength(2000);
  });

  it('builds the copy of a source row (no partition or offset) with its own headers, capped alike', () => {
    const row: DeadLetter = {
      message: {
        key: 'a.csv',
        value: 'r'.repeat(2_000_000),
        headers: { 'x-dlq-source': 'file:a.csv', 'x-dlq-source-location': 'line 7' },
      },
      error: { code: 'TOO_LARGE', message: 'row over the limit' },
    };
    const copy = toDeadLetterMessage('transactions', row, failedAt);
    expect(copy.headers).not.toHaveProperty(DLQ_HEADERS.originalPartition);
    expect(copy.headers).not.toHaveProperty(DLQ_HEADERS.originalOffset);
    expect(copy.headers).toMatchObject({
      'x-dlq-source-location': 'line 7',
      [DLQ_HEADERS.originalBytes]: '2000000',
      [DLQ_HEADERS.truncated]: 'true',
    });
    expect(contentBytes(copy)).toBeLessThanOrEqual(DEFAULT_MAX_MESSAGE_BYTES);
  });
});
