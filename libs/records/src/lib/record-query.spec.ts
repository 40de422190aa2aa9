import { allOf, planListQuery } from './record-query';
import { encodeCursor } from './cursor';
import type { RecordDefinition } from './record-definition';

const definition = {
  filters: {
    customerId: (value: string) => ({ customerId: value }),
    status: (value: string) => ({ status: value.toLowerCase() }),
    minAmount: (value: string) => ({ amountValue: { $gte: Number(value) } }),
    maxAmount: (value: string) => ({ amountValue: { $lte: Number(value) } }),
  },
  narrowFilters: ['customerId'],
} as unknown as RecordDefinition;

describe('allOf', () => {
  it('keeps conditions flat so that their equalities stay top-level (FerretDB pushes down only those)', () => {
    expect(allOf([{ status: 'failed' }, { amountValue: { $gte: 5 } }, { amountValue: { $lte: 9 } }])).toEqual({
      status: 'failed',
      amountValue: { $gte: 5, $lte: 9 },
    });
  });

  it('puts conditions that cannot merge into $and, keeping their meaning', () => {
    expect(
      allOf([{ status: 'a' }, { status: 'b' }, { amountValue: { $gte: 1 } }, { amountValue: { $gte: 2 } }]),
    ).toEqual({
      status: 'a',
      amountValue: { $gte: 1 },
      $and: [{ status: 'b' }, { amountValue: { $gte: 2 } }],
    });
  });
});

describe('planListQuery', () => {
  it('walks partitions for broad filters and reads narrow ones directly', () => {
    expect(planListQuery(definition, { status: 'FAILED' } as never)).toMatchObject({
      filter: { status: 'failed' },
      narrow: false,
      limit: 50,
    });
    expect(planListQuery(definition, { customerId: 'c-1', status: 'failed' } as never).narrow).toBe(true);
  });

  it('turns from, to and the cursor into conditions and time bounds', () => {
    const cursor = encodeCursor({ timestamp: new Date('2026-12-01T03:00:00Z'), id: 'tx-9' });
    const plan = planListQuery(definition, {
      from: '2026-12-01T00:00:00Z',
      to: '2026-12-02T00:00:00Z',
      cursor,
      limit: 5,
    } as never);
    expect(plan.bounds).toEqual({
      from: new Date('2026-12-01T00:00:00Z'),
      to: new Date('2026-12-02T00:00:00Z'),
      through: new Date('2026-12-01T03:00:00Z'),
    });
    expect(plan.filter).toEqual({
      timestamp: { $gte: new Date('2026-12-01T00:00:00Z'), $lt: new Date('2026-12-02T00:00:00Z') },
      $or: [
        { timestamp: { $lt: new Date('2026-12-01T03:00:00Z') } },
        { timestamp: new Date('2026-12-01T03:00:00Z'), _id: { $lt: 'tx-9' } },
      ],
    });
    expect(plan.limit).toBe(5);
  });
});
