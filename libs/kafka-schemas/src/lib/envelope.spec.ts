import { createEvent, decodeEvent, encodeEvent, MAX_EVENT_VALUE_BYTES } from './envelope';
import { validatePayload } from './validation';
import { TransactionPayload } from './transactions/transaction.payload';
import { TOPICS } from './topics';

const transaction = {
  transactionId: 'tx-1',
  customerId: 'c-1',
  amount: '12.50',
  currency: 'usd',
  timestamp: '2026-11-24T10:00:00Z',
  cardNumber: '4111 1111 1111 1111',
};

describe('event envelope', () => {
  it('wraps a valid payload keyed by its natural key', () => {
    const result = createEvent(TOPICS.transactions, transaction, { kind: 'http', name: 'test' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.key).toBe('tx-1');
    expect(result.value.envelope).toMatchObject({
      schema: 'transactions.v1',
      source: { kind: 'http', name: 'test' },
      occurredAt: '2026-11-24T10:00:00.000Z',
      payload: { currency: 'USD', amount: '12.50' },
    });
  });

  it('round-trips through encode and decode, keeping the event id', () => {
    const created = createEvent(TOPICS.transactions, transaction, { kind: 'file', name: 'a.csv' });
    if (!created.ok) throw new Error('expected a valid event');
    const decoded = decodeEvent(TOPICS.transactions, Buffer.from(encodeEvent(created.value.envelope)));
    expect(decoded.ok && decoded.value.envelope.eventId).toBe(created.value.envelope.eventId);
    expect(decoded.ok && decoded.value.envelope.source).toEqual({ kind: 'file', name: 'a.csv' });
  });

  it('accepts a bare payload and wraps it as a kafka-sourced event', () => {
    const at = new Date('2026-11-24T11:00:00Z');
    const decoded = decodeEvent(TOPICS.transactions, JSON.stringify(transaction), { messageTimestamp: at });
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value.envelope.source).toEqual({ kind: 'kafka', name: 'transactions' });
    expect(decoded.value.envelope.ingestedAt).toBe(at.toISOString());
  });

  it.each([
    ['not json', 'INVALID_JSON'],
    ['[1,2]', 'INVALID_JSON'],
    [JSON.stringify({ ...transaction, amount: 'ten' }), 'INVALID_PAYLOAD'],
    [
      JSON.stringify({ schema: 'social_posts.v1', payload: transaction, source: { kind: 'http', name: 'x' } }),
      'UNKNOWN_SCHEMA',
    ],
    [
      JSON.stringify({ schema: 'transactions.v1', payload: transaction, source: { kind: 'ftp', name: 'x' } }),
      'INVALID_ENVELOPE',
    ],
  ])('refuses %s with %s', (value, code) => {
    const decoded = decodeEvent(TOPICS.transactions, Buffer.from(value));
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error.code).toBe(code);
  });

  it('refuses a text holding the NUL character, naming the field', () => {
    const result = validatePayload(TransactionPayload, { ...transaction, merchant: 'a\u0000b' });
    expect(result).toEqual({
      ok: false,
      error: { code: 'INVALID_PAYLOAD', message: 'merchant must not contain the NUL character (U+0000)' },
    });
    expect(validatePayload(TransactionPayload, { ...transaction, merchant: 'a\u0001b' }).ok).toBe(true);
  });

  it('names the failing fields', () => {
    const result = createEvent(TOPICS.transactions, { transactionId: 'x' }, { kind: 'http', name: 't' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/customerId.*currency|currency.*customerId/s);
  });

  it('drops unknown and operator-shaped fields instead of storing them', () => {
    const result = createEvent(
      TOPICS.transactions,
      { ...transaction, $where: 'x', extra: 1 },
      { kind: 'http', name: 't' },
    );
    expect(result.ok && Object.keys(result.value.envelope.payload)).not.toContain('$where');
    expect(result.ok && Object.keys(result.value.envelope.payload)).not.toContain('extra');
  });

  describe('hostile values are one refusal each, never a throw', () => {
    const nested = (depth: number) => `${'{"x":'.repeat(depth)}1${'}'.repeat(depth)}`;

    it('refuses a bare payload with a field nested 6,000 deep as TOO_DEEP', () => {
      const value = JSON.stringify(transaction).replace(/}$/, `,"extra":${nested(6000)}}`);
      const decoded = decodeEvent(TOPICS.transactions, Buffer.from(value));
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.error.code).toBe('TOO_DEEP');
    });

    it('refuses the same nesting inside an envelope as TOO_DEEP', () => {
      const value = JSON.stringify({
        schema: 'transactions.v1',
        source: { kind: 'http', name: 'x' },
        payload: {},
      }).replace('"payload":{}', `"payload":${nested(6000)}`);
      const decoded = decodeEvent(TOPICS.transactions, value);
      expect(!decoded.ok && decoded.error.code).toBe('TOO_DEEP');
    });

    it('refuses a value over MAX_EVENT_VALUE_BYTES as TOO_LARGE without parsing it', () => {
      const decoded = decodeEvent(TOPICS.transactions, Buffer.alloc(MAX_EVENT_VALUE_BYTES + 1, 0x61));
      expect(!decoded.ok && decoded.error.code).toBe('TOO_LARGE');
      const ok = JSON.stringify({ ...transaction, merchant: 'm'.repeat(200) });
      expect(decodeEvent(TOPICS.transactions, ok).ok).toBe(true);
    });

    it('turns anything validation throws for one payload into PROCESSING_FAILED', () => {
      const hostile = { ...transaction };
      Object.defineProperty(hostile, 'customerId', {
        enumerable: true,
        get: () => {
          throw new RangeError('Maximum call stack size exceeded');
        },
      });
      const result = validatePayload(TransactionPayload, hostile);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('PROCESSING_FAILED');
        expect(result.error.message).toContain('RangeError');
      }
    });

    it('refuses an already-parsed object nested past the depth limit as TOO_DEEP', () => {
      let deep: Record<string, unknown> = {};
      for (let i = 0; i < 6000; i++) deep = { x: deep };
      const result = createEvent(TOPICS.transactions, { ...transaction, extra: deep }, { kind: 'file', name: 'f' });
      expect(!result.ok && result.error.code).toBe('TOO_DEEP');
    });
  });
});
