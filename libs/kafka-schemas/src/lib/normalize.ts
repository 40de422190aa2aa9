import { isIP } from 'node:net';

/** Largest epoch-millisecond value accepted as a timestamp (year 9999). */
const MAX_EPOCH_MS = 253402300799999;
const ISO_8601 =
  /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Parses an ISO 8601 string or epoch milliseconds (number or digit string) to a Date.
 * ISO strings without an offset are read as UTC, so the result never depends on the host's zone.
 */
export function parseTimestamp(value: unknown): Date | undefined {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 && value <= MAX_EPOCH_MS ? new Date(value) : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d{1,15}$/.test(text)) return parseTimestamp(Number(text));
  if (!ISO_8601.test(text)) return undefined;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const iso = text.replace(' ', 'T') + (hasZone || dateOnly ? '' : 'Z');
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Canonical text of an IPv4 or IPv6 address (IPv6 compressed, lower-case), or undefined. */
export function normalizeIp(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const version = isIP(text);
  if (version === 4) return text;
  if (version === 6) {
    // The WHATWG URL parser prints IPv6 hosts in RFC 5952 canonical form.
    const canonical = new URL(`http://[${text}]/`).hostname.slice(1, -1);
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
    if (mapped) {
      const high = parseInt(mapped[1], 16);
      const low = parseInt(mapped[2], 16);
      return [high >> 8, high & 255, low >> 8, low & 255].join('.');
    }
    return canonical;
  }
  return undefined;
}

/** Treats empty strings (CSV's empty cells) as absent. */
export function blankToUndefined(value: unknown): unknown {
  return typeof value === 'string' && value.trim() === '' ? undefined : value;
}

/** Converts a digit string (as CSV gives) to a number; leaves anything else for the validator. */
export function numericStringToNumber(value: unknown): unknown {
  const cleaned = blankToUndefined(value);
  if (typeof cleaned === 'string' && /^-?\d+(\.\d+)?$/.test(cleaned.trim())) return Number(cleaned);
  return cleaned;
}
