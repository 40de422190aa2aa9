import type { Filter } from 'mongodb';
import { DEFAULT_PAGE_SIZE, type ListQueryDto } from '@datalake/dto';
import { decodeCursor } from './cursor';
import type { RecordDefinition, RecordDocument } from './record-definition';
import type { TimeBounds } from './time-partitions';

export const CURSOR_SORT = { timestamp: -1, _id: -1 } as const;

export interface ListPlan {
  /** Conditions of the query, flat (see `allOf`), without any partition condition. */
  filter: Filter<RecordDocument>;
  limit: number;
  /** The time the page may come from: `from`/`to` and the cursor. */
  bounds: TimeBounds;
  /**
   * A filter that selects few records per value (an id, a customer) is present: read its matches
   * directly rather than walking the time partitions.
   */
  narrow: boolean;
}

const PAGING_KEYS = new Set(['limit', 'cursor', 'from', 'to']);

const isOperatorObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !(value instanceof Date) &&
  !Array.isArray(value) &&
  Object.keys(value).every((key) => key.startsWith('$'));

/**
 * The conjunction of conditions as ONE flat filter document where possible: FerretDB pushes down to
 * its backend's indexes only the top-level equality conditions of a filter, never those inside an
 * `$and`. Operator conditions on the same field are merged (`{$gte}` + `{$lte}`); anything that
 * cannot be merged goes into `$and`, which means the same on every server.
 */
export function allOf(conditions: Filter<RecordDocument>[]): Filter<RecordDocument> {
  const flat: Record<string, unknown> = {};
  const rest: Filter<RecordDocument>[] = [];
  for (const condition of conditions) {
    for (const [key, value] of Object.entries(condition)) {
      const current = flat[key];
      if (current === undefined) flat[key] = value;
      else if (
        isOperatorObject(current) &&
        isOperatorObject(value) &&
        Object.keys(value).every((operator) => !(operator in current))
      ) {
        flat[key] = { ...current, ...value };
      } else rest.push({ [key]: value } as Filter<RecordDocument>);
    }
  }
  if (rest.length > 0) flat['$and'] = [...((flat['$and'] as Filter<RecordDocument>[] | undefined) ?? []), ...rest];
  return flat as Filter<RecordDocument>;
}

/**
 * Turns a validated list query into a Mongo filter. Only declared filters are read and each value
 * is a validated string, so no operator can come in through the query.
 */
export function planListQuery(definition: RecordDefinition, query: ListQueryDto): ListPlan {
  const conditions: Filter<RecordDocument>[] = [];
  const bounds: TimeBounds = {};
  const range: { $gte?: Date; $lt?: Date } = {};
  if (query.from) range.$gte = bounds.from = new Date(query.from);
  if (query.to) range.$lt = bounds.to = new Date(query.to);
  if (range.$gte || range.$lt) conditions.push({ timestamp: range });

  let narrow = false;
  for (const [name, value] of Object.entries(query)) {
    if (PAGING_KEYS.has(name) || value === undefined) continue;
    const toCondition = definition.filters[name];
    if (!toCondition || typeof value !== 'string') continue;
    conditions.push(toCondition(value));
    if (definition.narrowFilters?.includes(name)) narrow = true;
  }

  if (query.cursor) {
    const after = decodeCursor(query.cursor);
    bounds.through = after.timestamp;
    // Newest first: strictly after the cursor in (timestamp desc, _id desc) order.
    conditions.push({
      $or: [{ timestamp: { $lt: after.timestamp } }, { timestamp: after.timestamp, _id: { $lt: after.id } }],
    });
  }
  return { filter: allOf(conditions), limit: query.limit ?? DEFAULT_PAGE_SIZE, bounds, narrow };
}
