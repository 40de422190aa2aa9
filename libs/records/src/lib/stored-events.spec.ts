import { holdsSameRecord } from './stored-events';
import type { RecordDocument } from './record-definition';

const stored: RecordDocument = {
  _id: 'tx-1',
  timestamp: new Date('2026-12-01T00:00:00Z'),
  ingestedAt: new Date('2026-12-01T00:00:01Z'),
  source: { kind: 'file', name: 'a.csv' },
  eventId: 'e-1',
  amount: '1.50',
  tags: ['x'],
};

describe('holdsSameRecord', () => {
  it('is true for the same event, and for the same record delivered as another event', () => {
    expect(holdsSameRecord(stored, { ...stored, amount: 'whatever' })).toBe(true);
    expect(holdsSameRecord(stored, { ...stored, eventId: 'e-2', ingestedAt: new Date() })).toBe(true);
  });

  it('is false when another event changes any field, nested ones included', () => {
    expect(holdsSameRecord(stored, { ...stored, eventId: 'e-2', amount: '1.51' })).toBe(false);
    expect(holdsSameRecord(stored, { ...stored, eventId: 'e-2', tags: ['x', 'y'] })).toBe(false);
    expect(holdsSameRecord(stored, { ...stored, eventId: 'e-2', source: { kind: 'file', name: 'b.csv' } })).toBe(false);
    expect(
      holdsSameRecord(stored, { ...stored, eventId: 'e-2', timestamp: new Date('2026-12-01T00:00:00.001Z') }),
    ).toBe(false);
  });
});
