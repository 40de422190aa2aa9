import type { Filter } from 'mongodb';
import { DEFAULT_PAGE_SIZE, type ListQueryDto } from '@datalake/dto';
import { decodeCursor } from './cursor';
import type { RecordDefinition, RecordDocument } from './record-definition';

export const CURSOR_SORT = { timestamp: -1, _id: -1 } as const;

export interface ListPlan {
  filter: Filter<RecordDocument>;
  limit: number;
}

const PAGING_KEYS = new Set(['limit', 'cursor', 'from', 'to']);

/**
 * Turns a validated list query into a Mongo filter. Only declared filters are read and each value
 * is a validated string, so no operator can come in through the query.
 */
export function planListQuery(definition: RecordDefinition, query: ListQueryDto): ListPlan {
  const conditions: Filter<RecordDocument>[] = [];
  const range: { $gte?: Date; $lt?: Date } = {};
  if (query.from) range.$gte = new Date(query.from);
  if (query.to) range.$lt = new Date(query.to);
  if (range.$gte || range.$lt) conditions.push({ timestamp: range });

  for (const [name, value] of Object.entries(query)) {
    if (PAGING_KEYS.has(name) || value === undefined) continue;
    const toCondition = definition.filters[name];
    if (toCondition && typeof value === 'string') conditions.push(toCondition(value));
  }

  if (query.cursor) {
    const after = decodeCursor(query.cursor);
    // Newest first: strictly after the cursor in (timestamp desc, _id desc) order.
    conditions.push({
      $or: [{ timestamp: { $lt: after.timestamp } }, { timestamp: after.timestamp, _id: { $lt: after.id } }],
    });
  }
  const filter: Filter<RecordDocument> =
    conditions.length === 0 ? {} : conditions.length === 1 ? conditions[0] : { $and: conditions };
  return { filter, limit: query.limit ?? DEFAULT_PAGE_SIZE };
}
