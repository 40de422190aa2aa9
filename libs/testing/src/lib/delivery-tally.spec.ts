import { tallyDelivery } from './delivery-tally';

describe('tallyDelivery', () => {
  it('counts extra copies per natural key and acknowledged keys that were never stored', () => {
    expect(tallyDelivery(['a', 'b', 'c', 'c'], ['a', 'a', 'a', 'b', 'x'])).toEqual({
      stored: 5,
      duplicates: 2,
      lost: 1,
      lostSample: ['c'],
    });
  });

  it('reports a clean delivery as 0 lost and 0 duplicates, unacknowledged extras included', () => {
    expect(tallyDelivery(['k1', 'k2'], ['k2', 'k1', 'k3'])).toEqual({
      stored: 3,
      duplicates: 0,
      lost: 0,
      lostSample: [],
    });
  });
});
