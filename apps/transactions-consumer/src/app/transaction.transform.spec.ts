import { createEvent, TOPICS } from '@datalake/kafka-schemas';
import { passesLuhn, riskFlagsOf, toTransactionDocument } from './transaction.transform';

function transform(input: Record<string, unknown>) {
  const event = createEvent(TOPICS.transactions, input, { kind: 'http', name: 'test' });
  if (!event.ok) throw new Error(event.error.message);
  return toTransactionDocument(event.value);
}

const base = { transactionId: 'tx-1', customerId: 'c-1', timestamp: '2026-11-24T10:00:00Z' };

describe('toTransactionDocument', () => {
  it('keeps amounts exact as decimal strings and integer minor units', () => {
    expect(transform({ ...base, amount: 0.1, currency: 'USD' })).toMatchObject({ amount: '0.10', amountMinor: 10 });
    expect(transform({ ...base, amount: '1234.50', currency: 'eur' })).toMatchObject({
      amount: '1234.50',
      amountMinor: 123450,
      currency: 'EUR',
    });
    expect(transform({ ...base, amount: 0.29, currency: 'USD' }).amountMinor).toBe(29);
    expect(transform({ ...base, amount: '1500', currency: 'jpy' })).toMatchObject({
      amount: '1500',
      amountMinor: 1500,
    });
  });

  it('reduces a card number with spaces or dashes to its last four digits and never keeps it whole', () => {
    const document = transform({ ...base, amount: 5, currency: 'USD', cardNumber: '4111 1111-1111 1234' });
    expect(document['cardLast4']).toBe('1234');
    // eventId is a random UUID: it held "4111" once by chance (a version-4 UUID's "4" then "111").
    expect(JSON.stringify({ ...document, eventId: '(random)' })).not.toMatch(/4111/);
    expect(document).not.toHaveProperty('cardNumber');
  });

  it('defaults status to completed and uses the natural key as id', () => {
    const document = transform({ ...base, amount: 5, currency: 'USD' });
    expect(document._id).toBe('tx-1');
    expect(document['status']).toBe('completed');
    expect(document.timestamp.toISOString()).toBe('2026-11-24T10:00:00.000Z');
  });

  it('derives risk flags', () => {
    expect(transform({ ...base, amount: '25000', currency: 'USD' })['riskFlags']).toEqual([
      'high_amount',
      'round_amount',
    ]);
    expect(transform({ ...base, amount: '-20.5', currency: 'USD', status: 'failed' })['riskFlags']).toEqual([
      'negative_amount',
      'failed_payment',
    ]);
    expect(transform({ ...base, amount: 1, currency: 'USD', cardNumber: '4111111111111112' })['riskFlags']).toEqual([
      'invalid_card_checksum',
    ]);
    expect(riskFlagsOf({ amountMinor: 999_999, currency: 'USD', status: 'completed' })).toEqual([]);
  });

  it('checks card numbers with Luhn', () => {
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
  });
});
