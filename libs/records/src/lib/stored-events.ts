import { isDeepStrictEqual } from 'node:util';
import type { Collection } from 'mongodb';
import type { RecordDocument } from './record-definition';
import type { PartitionCatalogue } from './partition-catalogue';
import { partitionsOf, PARTITIONS_FIELD } from './time-partitions';

/**
 * Minutes holding at most this many records are read whole to learn which of a batch's records are
 * already stored, and with which event; busier minutes are left to the insert (a duplicate key
 * says the record exists). One read of a minute costs about what two single-record statements do.
 */
export const MINUTE_CHECK_LIMIT = 200;

/** Fields that differ between two deliveries of the same record without changing it. */
const DELIVERY_FIELDS = new Set(['eventId', 'ingestedAt']);

/**
 * True when the stored document already holds what an incoming one brings: the same event
 * redelivered, or the same record sent again (same fields, another event id) — nothing to write.
 */
export function holdsSameRecord(stored: RecordDocument, incoming: RecordDocument): boolean {
  if (stored.eventId === incoming.eventId) return true;
  const withoutDelivery = (document: RecordDocument) =>
    Object.fromEntries(Object.entries(document).filter(([key]) => !DELIVERY_FIELDS.has(key)));
  return isDeepStrictEqual(withoutDelivery(stored), withoutDelivery(incoming));
}

/**
 * The batch's records that are already stored, as far as reading the batch's quiet minutes tells:
 * a record missing from the answer is new, or in a busy minute, or stored under another timestamp
 * (the insert finds those). Redelivered records are recognised this way at the cost of one query
 * per minute instead of a failed insert and a look-up each.
 */
export async function storedRecordsOf(
  collection: Collection<RecordDocument>,
  catalogue: PartitionCatalogue,
  documents: readonly RecordDocument[],
  maxTimeMS: number,
): Promise<Map<string, RecordDocument>> {
  const minutes = new Map<string, { hour: string; ids: Set<string> }>();
  for (const document of documents) {
    const [, , , hour, minute] = partitionsOf(document.timestamp);
    const entry = minutes.get(minute.id) ?? { hour: hour.id, ids: new Set<string>() };
    entry.ids.add(document._id);
    minutes.set(minute.id, entry);
  }
  const stored = new Map<string, RecordDocument>();
  for (const [minute, { hour, ids }] of minutes) {
    const count = (await catalogue.children(hour, maxTimeMS)).find((entry) => entry._id === minute)?.count ?? 0;
    if (count <= 0 || count > MINUTE_CHECK_LIMIT) continue;
    const found = await collection
      .find({ [PARTITIONS_FIELD]: minute })
      .maxTimeMS(maxTimeMS)
      .toArray();
    for (const document of found) if (ids.has(document._id)) stored.set(document._id, document);
  }
  return stored;
}
