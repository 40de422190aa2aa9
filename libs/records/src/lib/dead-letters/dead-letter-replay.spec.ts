import { TOPICS } from '@datalake/kafka-schemas';
import { correctedEvent, replayRequestProblem } from './dead-letter-replay';

const valid = {
  transactionId: 'tx-1',
  customerId: 'c-1',
  amount: '12.50',
  currency: 'USD',
  timestamp: '2026-11-24T10:00:00Z',
};
const source = { kind: 'file' as const, name: 'a.csv' };

describe('replay requests', () => {
  it('needs exactly one of ids / reason, and a payload only with exactly one id', () => {
    expect(replayRequestProblem({ ids: ['0-1'] })).toBeUndefined();
    expect(replayRequestProblem({ reason: 'INVALID_PAYLOAD' })).toBeUndefined();
    expect(replayRequestProblem({ ids: ['0-1'], payload: valid })).toBeUndefined();
    expect(replayRequestProblem({})).toMatch(/exactly one of ids/);
    expect(replayRequestProblem({ ids: ['0-1'], reason: 'X' })).toMatch(/exactly one of ids/);
    expect(replayRequestProblem({ reason: 'X', payload: valid })).toMatch(/exactly one id/);
    expect(replayRequestProblem({ ids: ['0-1', '0-2'], payload: valid })).toMatch(/exactly one id/);
  });

  it('builds the corrected event keyed by natural key, from an object, its JSON text or an envelope around it', () => {
    for (const payload of [valid, JSON.stringify(valid), { schema: 'x', eventId: 'e', payload: valid }]) {
      const built = correctedEvent(TOPICS.transactions, payload, source);
      if (!built.ok) throw new Error(JSON.stringify(built.errors));
      expect(built.event.key).toBe('tx-1');
      expect(built.event.envelope.source).toEqual(source);
      expect(built.event.envelope.payload).toMatchObject({ amount: '12.50', currency: 'USD' });
    }
  });

  it('answers per-field errors for an invalid correction, unknown fields included', () => {
    const built = correctedEvent(TOPICS.transactions, { ...valid, amount: 'lots', role: 'admin' }, source);
    expect(built.ok).toBe(false);
    if (built.ok) return;
    const fields = built.errors.map((error) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['payload.amount', 'payload.role']));
    for (const bad of ['not json', '[1]', '{"a":', 'null']) {
      const answer = correctedEvent(TOPICS.transactions, bad, source);
      expect(answer).toMatchObject({ ok: false, errors: [{ field: 'payload' }] });
    }
    expect(correctedEvent(TOPICS.transactions, { ...valid, timestamp: '2026-02-30T00:00:00Z' }, source).ok).toBe(false);
  });
});
