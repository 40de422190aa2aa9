import { urlHoldsNul } from './nul-in-url';

describe('urlHoldsNul', () => {
  it('finds U+0000 in a decoded path segment, a query name or a query value', () => {
    expect(urlHoldsNul('/social-posts/abc%00def')).toBe(true);
    expect(urlHoldsNul('/transactions?customerId=c%001')).toBe(true);
    expect(urlHoldsNul('/transactions?c%00=1')).toBe(true);
  });

  it('lets every other URL through, malformed escapes included', () => {
    expect(urlHoldsNul('/transactions/tx-1?customerId=c-1&limit=5')).toBe(false);
    expect(urlHoldsNul('/transactions/%E0%A4%A')).toBe(false);
    expect(urlHoldsNul('/transactions?note=100%25')).toBe(false);
  });
});
