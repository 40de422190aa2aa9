import { isIP } from 'node:net';

/** Largest epoch-millisecond value accepted as a timestamp (year 9999). */
const MAX_EPOCH_MS = 253402300799999;
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})([T ](\d{2}):(\d{2})(:(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))?)?$/i;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

/**
 * Whether the date and time fields exist on the calendar: JavaScript's Date would roll
 * 2026-02-30 over to 2026-03-02 and 24:00 to the next day instead of refusing them.
 */
function isCalendarValid(match: RegExpExecArray): boolean {
  const [year, month, day] = [1, 2, 3].map((group) => Number(match[group]));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  const [hour, minute, second, zoneHours, zoneMinutes] = [5, 6, 8, 11, 12].map((group) => Number(match[group] ?? 0));
  return hour <= 23 && minute <= 59 && second <= 59 && zoneHours <= 23 && zoneMinutes <= 59;
}

/**
 * Parses an ISO 8601 string or epoch milliseconds (number or digit string) to a Date.
 * ISO strings without an offset are read as UTC, so the result never depends on the host's zone.
 * Only calendar-valid dates and times are accepted (no 2026-02-30, month 13, 24:00 or 23:61).
 */
export function parseTimestamp(value: unknown): Date | undefined {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 && value <= MAX_EPOCH_MS ? new Date(value) : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d{1,15}$/.test(text)) return parseTimestamp(Number(text));
  const match = ISO_8601.exec(text);
  if (!match || !isCalendarValid(match)) return undefined;
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
