import { DLQ_HEADERS } from '@datalake/kafka-schemas';
import { capDeadLetter, messageSize, RECORD_BATCH_OVERHEAD_BYTES, splitBySize } from './message-size';
import type { OutgoingRecord } from './records';

const message = (valueBytes: number, key = 'k'): OutgoingRecord => ({ key, value: 'v'.repeat(valueBytes) });
const batchBytes = (group: OutgoingRecord[]) =>
  RECORD_BATCH_OVERHEAD_BYTES + group.reduce((sum, m) => sum + messageSize(m), 0);

describe('messageSize', () => {
  it('counts key, value and every header in bytes (not characters), above their raw sum', () => {
    const plain = messageSize({ key: 'key', value: 'é' }); // é is 2 bytes in UTF-8
    expect(plain).toBeGreaterThan(3 + 2);
    const withHeaders = messageSize({ key: 'key', value: 'é', headers: { a: 'xyz', b: [Buffer.alloc(4), 'q'] } });
    expect(withHeaders - plain).toBeGreaterThanOrEqual(1 + 3 + 1 + 4 + 1 + 1);
    expect(messageSize({ key: null, value: Buffer.alloc(100) })).toBeGreaterThan(100);
  });
});

describe('splitBySize', () => {
  it('keeps every group within the limit, in order, and loses nothing', () => {
    const messages = Array.from({ length: 60 }, (_, i) => message(60_000, `k${i}`));
    const groups = splitBySize(messages, 1_048_576);
    expect(groups.length).toBeGreaterThanOrEqual(4);
    for (const group of groups) expect(batchBytes(group)).toBeLessThanOrEqual(1_048_576);
    expect(groups.flat()).toEqual(messages);
  });

  it('puts small messages together and a message that exactly fills the limit alone', () => {
    const limit = 10_000;
    const full = message(limit - RECORD_BATCH_OVERHEAD_BYTES - messageSize(message(0)));
    expect(batchBytes([full])).toBe(limit);
    const groups = splitBySize([message(10), message(10), full, message(10)], limit);
    expect(groups.map((group) => group.length)).toEqual([2, 1, 1]);
  });

  it('gives no group for no message', () => {
    expect(splitBySize([], 1000)).toEqual([]);
  });
});

describe('capDeadLetter', () => {
  it('leaves a letter that fits untouched', () => {
    const letter = { key: 'k', value: 'small', headers: { [DLQ_HEADERS.errorCode]: 'TOO_LARGE' } };
    expect(capDeadLetter(letter, 10_000)).toBe(letter);
  });

  it('cuts an oversize value to fit, at a character boundary, and says so with the original size', () => {
    const value = 'ä'.repeat(20_000); // 40,000 bytes of 2-byte characters
    const letter = { key: 'k', value, headers: { [DLQ_HEADERS.errorCode]: 'TOO_LARGE' } };
    const capped = capDeadLetter(letter, 10_001);
    expect(RECORD_BATCH_OVERHEAD_BYTES + messageSize(capped)).toBeLessThanOrEqual(10_001);
    const text = Buffer.from(capped.value).toString('utf8');
    expect(value.startsWith(text)).toBe(true); // no broken character at the end
    expect(text.length).toBeGreaterThan(4000);
    expect(capped.headers).toMatchObject({
      [DLQ_HEADERS.errorCode]: 'TOO_LARGE',
      [DLQ_HEADERS.truncated]: 'true',
      [DLQ_HEADERS.originalBytes]: '40000',
    });
  });
});
