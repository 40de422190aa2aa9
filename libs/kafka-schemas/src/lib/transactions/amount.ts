/** Currencies whose minor unit is not 1/100 (ISO 4217 exponent); all others use 2. */
const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

export function currencyExponent(currency: string): number {
  return CURRENCY_EXPONENTS[currency.toUpperCase()] ?? 2;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/**
 * Reads an amount given as a JSON number or a decimal string without going through binary
 * floating point arithmetic: `0.1` stays "0.1", `"1234.50"` stays "1234.50".
 */
export function toDecimalString(value: unknown): string | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    text = String(value); // shortest round-trip form; exponent forms (1e21) are refused below
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return undefined;
  }
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const [, sign, whole, fraction] = match;
  const integer = whole.replace(/^0+(?=\d)/, '');
  const isZero = /^0+$/.test(integer) && !/[1-9]/.test(fraction ?? '');
  return `${sign === '-' && !isZero ? '-' : ''}${integer}${fraction ? `.${fraction}` : ''}`;
}

/**
 * Converts a decimal string to integer minor units of the currency (cents for USD), or undefined
 * when it has more significant decimals than the currency allows or exceeds exact integer range.
 */
export function toMinorUnits(decimal: string, currency: string): number | undefined {
  const match = DECIMAL.exec(decimal);
  if (!match) return undefined;
  const [, sign, whole, fraction = ''] = match;
  const exponent = currencyExponent(currency);
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > exponent) return undefined;
  const digits = `${whole}${significant.padEnd(exponent, '0')}`;
  const minor = BigInt(digits) * (sign === '-' ? -1n : 1n);
  if (minor > BigInt(Number.MAX_SAFE_INTEGER) || minor < -BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(minor);
}

/** Formats minor units back as a decimal string with exactly the currency's decimals. */
export function formatMinorUnits(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`;
}
