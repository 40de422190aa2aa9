/** What a fault scenario delivered, compared with what was acknowledged. */
export interface DeliveryTally {
  /** Documents stored under the scenario's keys (every copy counted). */
  stored: number;
  /** Natural keys stored more than once: one per extra copy. */
  duplicates: number;
  /** Acknowledged natural keys with no stored document. */
  lost: number;
  /** A few of the lost keys, for the failure message. */
  lostSample: string[];
}

/**
 * Compares the acknowledged natural keys with the natural keys of the stored documents (one
 * entry per document, so a key stored twice appears twice).
 */
export function tallyDelivery(acknowledged: Iterable<string>, storedKeys: Iterable<string>): DeliveryTally {
  const copies = new Map<string, number>();
  let stored = 0;
  for (const key of storedKeys) {
    stored++;
    copies.set(key, (copies.get(key) ?? 0) + 1);
  }
  let duplicates = 0;
  for (const count of copies.values()) duplicates += count - 1;
  const lostKeys = [...new Set(acknowledged)].filter((key) => !copies.has(key));
  return { stored, duplicates, lost: lostKeys.length, lostSample: lostKeys.slice(0, 5) };
}
