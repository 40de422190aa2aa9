import type { RecordDocument } from '../record-definition';

/**
 * What a resource's statistics count, declared by its definition; the rollup machinery is shared.
 * Each name becomes a field of the stats answer (`byStatus`, `topHosts`, `amounts`).
 */
export interface StatsSpec {
  /** Answer field → stored field whose value is counted (`byStatus: 'status'`). */
  counts?: Record<string, string>;
  /** Answer field → stored field (string or string array) whose 10 most frequent values are answered. */
  tops?: Record<string, string>;
  /** Answer field → integer amounts summed exactly per group (`amounts: {group: 'currency', minor: 'amountMinor'}`). */
  sums?: Record<string, { group: string; minor: string }>;
  /** Writes a group's exact sum of minor units as a decimal string (e.g. by ISO 4217 exponent); default the integer. */
  formatSum?: DecimalFormatter;
}

export const STAT_INTERVALS = ['minute', 'hour', 'day'] as const;
export type StatInterval = (typeof STAT_INTERVALS)[number];

/** Stored value keys are cut to this many characters (before escaping): longer values share a key. */
export const MAX_KEY_LENGTH = 100;
/** Distinct values one writer keeps per top list per bucket document; later new values go to `overflow`. */
export const TOP_VALUES_PER_DOCUMENT = 500;
/** How many values a top list answers. */
export const TOP_LIST_SIZE = 10;
/** Key counted when a record has no value for a counted field. */
export const MISSING_VALUE = '(none)';

/**
 * A value made safe as a MongoDB field name: `%`, `.` and `$` percent-encoded (no dot paths, no
 * operators), cut to MAX_KEY_LENGTH characters first; the empty string is `%`.
 */
export function escapeKey(value: string): string {
  const cut = [...value].slice(0, MAX_KEY_LENGTH).join('');
  if (cut === '') return '%';
  return cut.replace(/[%.$\u0000]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
}

export function unescapeKey(key: string): string {
  if (key === '%') return '';
  return key.replace(/%([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Start of the bucket of `interval` holding `time` (UTC). */
export function bucketStart(time: Date, interval: StatInterval): Date {
  const t = new Date(time.getTime());
  t.setUTCMilliseconds(0);
  t.setUTCSeconds(0);
  if (interval === 'hour' || interval === 'day') t.setUTCMinutes(0);
  if (interval === 'day') t.setUTCHours(0);
  return t;
}

const INTERVAL_MS: Record<StatInterval, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export function intervalMs(interval: StatInterval): number {
  return INTERVAL_MS[interval];
}

/**
 * The documents of one interval are grouped by a coarser scope (minute docs by day, hours by month,
 * days by year) so that a read is one equality filter per scope — the only filter FerretDB pushes
 * down — plus a range on `start` (MongoDB serves both with the `scope_start` index).
 */
export function scopeOf(start: Date, interval: StatInterval): string {
  const iso = start.toISOString();
  const prefix = interval === 'minute' ? iso.slice(0, 10) : interval === 'hour' ? iso.slice(0, 7) : iso.slice(0, 4);
  return `${interval}:${prefix}`;
}

/** The counter changes one record makes in a bucket document, by dotted field path. */
export interface Contribution {
  /** Count changes (`count`, `bySource.http`, `counts.byStatus.completed`, `sums.amounts.USD.count`). */
  counts: Map<string, number>;
  /** Exact integer sums (`sums.amounts.USD.minor`). */
  sums: Map<string, bigint>;
  /** Top-list value changes: list name → escaped value → change. */
  tops: Map<string, Map<string, number>>;
}

export function emptyContribution(): Contribution {
  return { counts: new Map(), sums: new Map(), tops: new Map() };
}

const add = <K>(map: Map<K, number>, key: K, by: number) => map.set(key, (map.get(key) ?? 0) + by);

const textOf = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : undefined;

/** Adds `sign` × one record to `into` (sign -1 takes a record back: an edit's old version, a delete). */
export function addRecord(into: Contribution, record: RecordDocument, spec: StatsSpec, sign: 1 | -1): void {
  add(into.counts, 'count', sign);
  add(into.counts, `bySource.${escapeKey(textOf(record.source?.kind) ?? MISSING_VALUE)}`, sign);
  for (const [name, field] of Object.entries(spec.counts ?? {})) {
    add(into.counts, `counts.${name}.${escapeKey(textOf(record[field]) ?? MISSING_VALUE)}`, sign);
  }
  for (const [name, field] of Object.entries(spec.tops ?? {})) {
    const raw = record[field];
    const values = Array.isArray(raw) ? raw.map(textOf) : [textOf(raw)];
    // A value repeated in one record (a hashtag twice) counts once: "records mentioning it".
    for (const value of new Set(values.filter((v): v is string => v !== undefined))) {
      const list = into.tops.get(name) ?? new Map<string, number>();
      add(list, escapeKey(value), sign);
      into.tops.set(name, list);
    }
  }
  for (const [name, { group, minor }] of Object.entries(spec.sums ?? {})) {
    const amount = record[minor];
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) continue;
    const path = `sums.${name}.${escapeKey(textOf(record[group]) ?? MISSING_VALUE)}`;
    add(into.counts, `${path}.count`, sign);
    into.sums.set(`${path}.minor`, (into.sums.get(`${path}.minor`) ?? 0n) + BigInt(sign) * BigInt(amount));
  }
}

/** Adds `from` into `into` (pending changes of the same bucket document). */
export function mergeContribution(into: Contribution, from: Contribution): void {
  for (const [path, by] of from.counts) add(into.counts, path, by);
  for (const [path, by] of from.sums) into.sums.set(path, (into.sums.get(path) ?? 0n) + by);
  for (const [name, values] of from.tops) {
    const list = into.tops.get(name) ?? new Map<string, number>();
    for (const [value, by] of values) add(list, value, by);
    into.tops.set(name, list);
  }
}

/** One writer's counters of one bucket, as stored (maps keyed by escaped values). */
export interface StatDocument {
  _id: string;
  scope: string;
  start: Date;
  writer: string;
  count?: number;
  bySource?: Record<string, number>;
  counts?: Record<string, Record<string, number>>;
  tops?: Record<string, Record<string, number>>;
  /** Per top list: changes of values this writer could not keep (cap reached): the list is approximate. */
  overflow?: Record<string, number>;
  /** Per top list: set once a value went to overflow. */
  capped?: Record<string, boolean>;
  sums?: Record<string, Record<string, { count?: number; minor?: number | bigint }>>;
}

export interface StatsAnswer {
  from: string;
  to: string;
  interval: StatInterval;
  total: number;
  bySource: Record<string, number>;
  series: { start: string; count: number; bySource: Record<string, number> }[];
  /** True when every top list is exact (no writer reached its cap in the range). */
  topsExact?: boolean;
  [breakdown: string]: unknown;
}

/** Currencies' exponents come from the caller (libs/kafka-schemas knows ISO 4217). */
export type DecimalFormatter = (group: string, minor: bigint) => string;

function addInto(target: Record<string, number>, source: Record<string, number> | undefined): void {
  for (const [key, value] of Object.entries(source ?? {})) target[key] = (target[key] ?? 0) + Number(value);
}

function unescaped(counts: Record<string, number>): Record<string, number> {
  // A value taken back entirely (all its records edited or deleted) is not answered.
  return Object.fromEntries(
    Object.entries(counts)
      .filter(([, count]) => count !== 0)
      .map(([key, count]) => [unescapeKey(key), count]),
  );
}

/**
 * The stats answer from the bucket documents of every writer in [from, to): documents of the same
 * bucket are summed, every bucket is listed (zeros included), oldest first.
 */
export function answerStats(
  documents: readonly StatDocument[],
  range: { from: Date; to: Date; interval: StatInterval },
  spec: StatsSpec,
  formatDecimal: DecimalFormatter,
): StatsAnswer {
  const { from, to, interval } = range;
  const step = intervalMs(interval);
  const series = new Map<number, { count: number; bySource: Record<string, number> }>();
  for (let t = bucketStart(from, interval).getTime(); t < to.getTime(); t += step) {
    series.set(t, { count: 0, bySource: {} });
  }
  const bySource: Record<string, number> = {};
  const counts: Record<string, Record<string, number>> = {};
  const tops: Record<string, Record<string, number>> = {};
  const sums: Record<string, Map<string, { count: number; minor: bigint }>> = {};
  let topsExact = true;
  let total = 0;
  for (const document of documents) {
    const bucket = series.get(new Date(document.start).getTime());
    if (!bucket) continue;
    const count = Number(document.count ?? 0);
    bucket.count += count;
    total += count;
    addInto(bucket.bySource, document.bySource);
    addInto(bySource, document.bySource);
    for (const name of Object.keys(spec.counts ?? {})) addInto((counts[name] ??= {}), document.counts?.[name]);
    for (const name of Object.keys(spec.tops ?? {})) {
      addInto((tops[name] ??= {}), document.tops?.[name]);
      if (document.capped?.[name]) topsExact = false;
    }
    for (const name of Object.keys(spec.sums ?? {})) {
      const groups = (sums[name] ??= new Map());
      for (const [group, value] of Object.entries(document.sums?.[name] ?? {})) {
        const sum = groups.get(group) ?? { count: 0, minor: 0n };
        sum.count += Number(value.count ?? 0);
        sum.minor += BigInt(value.minor ?? 0);
        groups.set(group, sum);
      }
    }
  }
  const answer: StatsAnswer = {
    from: from.toISOString(),
    to: to.toISOString(),
    interval,
    total,
    bySource: unescaped(bySource),
    series: [...series.entries()].map(([start, bucket]) => ({
      start: new Date(start).toISOString(),
      count: bucket.count,
      bySource: unescaped(bucket.bySource),
    })),
  };
  for (const [name, { group: label }] of Object.entries(spec.sums ?? {})) {
    answer[name] = [...(sums[name] ?? new Map<string, { count: number; minor: bigint }>()).entries()]
      .filter(([, sum]) => sum.count !== 0)
      .map(([group, sum]) => [unescapeKey(group), sum] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([group, sum]) => ({ [label]: group, count: sum.count, sum: formatDecimal(group, sum.minor) }));
  }
  for (const name of Object.keys(spec.counts ?? {})) answer[name] = unescaped(counts[name] ?? {});
  for (const name of Object.keys(spec.tops ?? {})) answer[name] = topOf(unescaped(tops[name] ?? {}));
  if (spec.tops && Object.keys(spec.tops).length > 0) answer.topsExact = topsExact;
  return answer;
}

/** The TOP_LIST_SIZE values with the highest counts, count descending then value ascending. */
export function topOf(counts: Record<string, number>): { value: string; count: number }[] {
  return Object.entries(counts)
    .filter(([, count]) => count > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, TOP_LIST_SIZE)
    .map(([value, count]) => ({ value, count }));
}
