/**
 * Time partitions of stored records (Hive-style, by the record's UTC `timestamp`). A partition is
 * named by the prefix of the ISO timestamp that it covers: `2026` (year), `2026-12` (month),
 * `2026-12-01` (day), `2026-12-01T03` (hour), `2026-12-01T03:27` (minute), `2026-12-01T03:27:05`
 * (second). Each record stores the day…second names in its `partitions` field, so a read can ask
 * for "the records of one partition" with an equality filter — the only filter FerretDB pushes
 * down to its backend's indexes — and sort a bounded set in memory.
 */
export const PARTITION_LEVELS = ['year', 'month', 'day', 'hour', 'minute', 'second'] as const;
export type PartitionLevel = (typeof PARTITION_LEVELS)[number];

/** Levels named in each record's `partitions` field (years and months are walked, never queried). */
export const RECORD_PARTITION_LEVELS: readonly PartitionLevel[] = ['day', 'hour', 'minute', 'second'];
/** Levels kept in the partition catalogue; seconds are enumerated inside a busy minute instead. */
export const CATALOGUED_LEVELS: readonly PartitionLevel[] = ['year', 'month', 'day', 'hour', 'minute'];

/** The stored field holding a record's partition names. */
export const PARTITIONS_FIELD = 'partitions';

export interface Partition {
  /** ISO prefix naming it, e.g. `2026-12-01T03`. */
  id: string;
  level: PartitionLevel;
  /** Name of the enclosing partition; `''` for a year. */
  parent: string;
  /** First instant covered (inclusive). */
  start: Date;
  /** First instant after it (exclusive). */
  end: Date;
}

const ISO = /^([+-]?\d{4,6})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/;

/** Every partition a timestamp falls in, year first. */
export function partitionsOf(timestamp: Date): Partition[] {
  const match = ISO.exec(timestamp.toISOString());
  if (!match) throw new RangeError(`not a valid timestamp: ${String(timestamp)}`);
  const [, year, month, day, hour, minute, second] = match;
  const ids = [year, `${year}-${month}`, `${year}-${month}-${day}`, `${year}-${month}-${day}T${hour}`];
  ids.push(`${ids[3]}:${minute}`, `${ids[3]}:${minute}:${second}`);
  const y = Number(year);
  const m = Number(month) - 1;
  const starts = [
    Date.UTC(y, 0),
    Date.UTC(y, m),
    Date.UTC(y, m, Number(day)),
    Date.UTC(y, m, Number(day), Number(hour)),
    Date.UTC(y, m, Number(day), Number(hour), Number(minute)),
    Date.UTC(y, m, Number(day), Number(hour), Number(minute), Number(second)),
  ];
  const ends = [
    Date.UTC(y + 1, 0),
    Date.UTC(y, m + 1),
    starts[2] + 86_400_000,
    starts[3] + 3_600_000,
    starts[4] + 60_000,
    starts[5] + 1_000,
  ];
  return PARTITION_LEVELS.map((level, index) => ({
    id: ids[index],
    level,
    parent: index === 0 ? '' : ids[index - 1],
    start: new Date(starts[index]),
    end: new Date(ends[index]),
  }));
}

/** The names stored in a record's `partitions` field. */
export function recordPartitionIds(timestamp: Date): string[] {
  return partitionsOf(timestamp)
    .filter((partition) => RECORD_PARTITION_LEVELS.includes(partition.level))
    .map((partition) => partition.id);
}

/** The seconds of a minute partition, newest first. */
export function secondsOf(minute: Pick<Partition, 'id' | 'start'>): Partition[] {
  const seconds: Partition[] = [];
  for (let second = 59; second >= 0; second--) {
    const start = minute.start.getTime() + second * 1000;
    seconds.push({
      id: `${minute.id}:${String(second).padStart(2, '0')}`,
      level: 'second',
      parent: minute.id,
      start: new Date(start),
      end: new Date(start + 1000),
    });
  }
  return seconds;
}

/** The time a read may return: `[from, to)`, and at most up to a cursor's timestamp (inclusive). */
export interface TimeBounds {
  from?: Date;
  /** Exclusive upper bound. */
  to?: Date;
  /** Inclusive upper bound (the cursor's timestamp: later ids at the same instant come first). */
  through?: Date;
}

/** True when some instant of the partition may hold a record within the bounds. */
export function overlaps(partition: Pick<Partition, 'start' | 'end'>, bounds: TimeBounds): boolean {
  if (bounds.from && partition.end.getTime() <= bounds.from.getTime()) return false;
  if (bounds.to && partition.start.getTime() >= bounds.to.getTime()) return false;
  if (bounds.through && partition.start.getTime() > bounds.through.getTime()) return false;
  return true;
}
