import { formatMinorUnits, toDecimalString, toMinorUnits } from './amount';

describe('amount', () => {
  it.each([
    [0.1, '0.1'],
    ['1234.50', '1234.50'],
    [' 007.25 ', '7.25'],
    [-12, '-12'],
    ['-0.00', '0.00'],
  ])('reads %p exactly as %p', (input, expected) => {
    expect(toDecimalString(input)).toBe(expected);
  });

  it.each([['1e21'], [1e21], ['12,50'], [NaN], [Infinity], [{ $gt: 1 }], ['']])('refuses %p', (input) => {
    expect(toDecimalString(input)).toBeUndefined();
  });

  it('converts to minor units per currency exponent without float rounding', () => {
    expect(toMinorUnits('0.1', 'USD')).toBe(10);
    expect(toMinorUnits('1234.50', 'EUR')).toBe(123450);
    expect(toMinorUnits('0.29', 'USD')).toBe(29); // 0.29 * 100 is 28.999999999999996 in floats
    expect(toMinorUnits('1500', 'JPY')).toBe(1500);
    expect(toMinorUnits('1.234', 'KWD')).toBe(1234);
    expect(toMinorUnits('-5.5', 'usd')).toBe(-550);
  });

  it('refuses more decimals than the currency has', () => {
    expect(toMinorUnits('10.005', 'USD')).toBeUndefined();
    expect(toMinorUnits('1.5', 'JPY')).toBeUndefined();
    expect(toMinorUnits('10.50000', 'USD')).toBe(1050);
  });

  it('formats minor units back with the currency decimals', () => {
    expect(formatMinorUnits(123450, 'USD')).toBe('1234.50');
    expect(formatMinorUnits(5, 'USD')).toBe('0.05');
    expect(formatMinorUnits(-550, 'USD')).toBe('-5.50');
    expect(formatMinorUnits(1500, 'JPY')).toBe('1500');
    expect(formatMinorUnits(1234, 'KWD')).toBe('1.234');
  });
});
