import { toDeadLetterMessage, type ConsumedMessage } from '@datalake/kafka-core';
import {
  deadLetterId,
  fromStoredHeaders,
  headersAsText,
  isDeadLetterId,
  payloadPreview,
  toDeadLetterDetail,
  toDeadLetterDocument,
  toDeadLetterSummary,
} from './dead-letter-entry';

/** A DLQ message as toDeadLetterMessage builds it, as a consumer reads it back. */
function consumed(
  topic: string,
  letter: Parameters<typeof toDeadLetterMessage>[1],
  offset = '7',
  failedAt = new Date('2026-12-01T10:00:00.000Z'),
): ConsumedMessage {
  const built = toDeadLetterMessage(topic, letter, failedAt);
  const headers = Object.fromEntries(
    Object.entries(built.headers ?? {}).map(([name, value]) => [name, Buffer.from(String(value))]),
  );
  return {
    key: built.key === null ? null : Buffer.from(built.key),
    value: Buffer.from(built.value),
    headers,
    offset,
    timestamp: String(failedAt.getTime() + 5),
  };
}

describe('dead-letter entries', () => {
  it('derives the id from the DLQ partition, offset and message time, the same every time', () => {
    expect(deadLetterId(2, '1234', '1764669600000')).toBe('2-1234-1764669600000');
    expect(deadLetterId(2, '1234', '1764669600000')).toBe(deadLetterId(2, '1234', '1764669600000'));
    // A recreated DLQ topic starts from offset 0 again: its message is a new entry.
    expect(deadLetterId(0, '0', '1764669600000')).not.toBe(deadLetterId(0, '0', '1764669700000'));
    // No usable time (-1 from an old message format): still a valid id.
    expect(deadLetterId(0, '7', '-1')).toBe('0-7-0');
    expect(isDeadLetterId(deadLetterId(0, '7', '-1'))).toBe(true);
    expect(isDeadLetterId('2-1234-1764669600000')).toBe(true);
    // Entries indexed before the time was part of the id stay reachable.
    expect(isDeadLetterId('2-1234')).toBe(true);
    for (const bad of ['', '2', '2-', '-1', 'a-1', '1-1-', '1-1-1-1', '1-1-x', '1-{"$gt":""}'])
      expect(isDeadLetterId(bad)).toBe(false);
  });

  it('previews at most 200 characters, whitespace collapsed, marked when cut, never half a character', () => {
    expect(payloadPreview('{"a":\n  1}')).toBe('{"a": 1}');
    const long = 'x'.repeat(1_000_000);
    const preview = payloadPreview(long);
    expect(Array.from(preview)).toHaveLength(200);
    expect(preview.endsWith('…')).toBe(true);
    const emoji = payloadPreview('😀'.repeat(300));
    expect(Array.from(emoji)).toHaveLength(200);
    expect(emoji).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(payloadPreview('a\u0000b')).toBe('a\uFFFDb');
    expect(payloadPreview('y'.repeat(200))).toBe('y'.repeat(200));
  });

  it('reads headers as text: bytes decoded, the last of a repeated header, NUL replaced', () => {
    expect(
      headersAsText({ a: Buffer.from('1'), b: ['x', Buffer.from('y')], c: undefined, 'd.e': 'f\u0000', $g: 'h' }),
    ).toEqual({ a: '1', b: 'y', 'd.e': 'f\uFFFD', $g: 'h' });
    expect(fromStoredHeaders([{ name: '__proto__', value: 'x' }])).toHaveProperty('__proto__', 'x');
  });

  it("indexes a consumer's DLQ message: reason, origin, failure time, source of its envelope", () => {
    const value = JSON.stringify({
      schema: 'datalake.transaction.v1',
      source: { kind: 'file', name: 'a.csv' },
      payload: {},
    });
    const message = consumed('transactions', {
      message: { key: 'k1', value, offset: '41', headers: { 'x-correlation-id': 'c-1' } },
      partition: 2,
      error: { code: 'INVALID_PAYLOAD', message: 'amount must be a decimal' },
    });
    const entry = toDeadLetterDocument('transactions.dlq', 1, message, new Date('2026-12-01T11:00:00Z'));
    expect(entry).toMatchObject({
      _id: `1-7-${message.timestamp}`,
      topic: 'transactions.dlq',
      originalTopic: 'transactions',
      partition: 2,
      offset: '41',
      reasonCode: 'INVALID_PAYLOAD',
      reasonMessage: 'amount must be a decimal',
      source: { kind: 'file', name: 'a.csv' },
      failedAt: new Date('2026-12-01T10:00:00.000Z'),
      key: 'k1',
      truncated: false,
      status: 'pending',
      replayCount: 0,
    });
    expect(entry.value.toString()).toBe(value);
    const detail = toDeadLetterDetail(entry);
    expect(detail.payload).toBe(value);
    expect(detail.headers['x-correlation-id']).toBe('c-1');
    expect(detail.failedAt).toBe('2026-12-01T10:00:00.000Z');
    expect(toDeadLetterSummary(entry)).not.toHaveProperty('payload');
  });

  it("indexes a source row's DLQ message with its source and location, no original partition or offset", () => {
    const message = consumed('network_logs', {
      message: {
        key: 'in.csv',
        value: 'a,b,c',
        headers: { 'x-dlq-source': 'file:in.csv', 'x-dlq-source-location': 'line 9' },
      },
      error: { code: 'INVALID_CSV_ROW', message: 'bad row' },
    });
    expect(toDeadLetterDocument('network_logs.dlq', 0, message)).toMatchObject({
      source: { kind: 'file', name: 'in.csv', location: 'line 9' },
      partition: null,
      offset: null,
      reasonCode: 'INVALID_CSV_ROW',
      payloadPreview: 'a,b,c',
    });
  });

  it('indexes a hand-made DLQ message without reason headers as UNKNOWN, and keeps the truncation flag', () => {
    const bare: ConsumedMessage = { key: null, value: null, offset: '3', timestamp: '1764583200000' };
    expect(toDeadLetterDocument('social_posts.dlq', 0, bare)).toMatchObject({
      originalTopic: 'social_posts',
      reasonCode: 'UNKNOWN',
      failedAt: new Date(1764583200000),
      source: null,
      key: null,
    });
    const cut = consumed('social_posts', {
      message: { key: null, value: 'x'.repeat(2_000_000) },
      error: { code: 'TOO_LARGE', message: 'too large' },
    });
    const entry = toDeadLetterDocument('social_posts.dlq', 0, cut);
    expect(entry.truncated).toBe(true);
    expect(entry.value.length).toBeLessThan(1_048_576);
  });
});
