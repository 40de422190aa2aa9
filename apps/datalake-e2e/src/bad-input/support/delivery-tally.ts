/**
 * The delivery figures a fault scenario prints and asserts: what was sent, what the stack
 * acknowledged, what is stored, refused with a documented answer, stored twice, or lost.
 */
export interface DeliveryTally {
  step: string;
  sent: number;
  /** Records the stack said it took (202 `accepted`, broker acks, files moved to processed/). */
  acknowledged: number;
  stored: number;
  /** Refused with a documented answer (per-record error, DLQ entry, report line, dropped counter). */
  refused: number;
  duplicates: number;
  lost: number;
  recoverySeconds: number;
}

/**
 * Lost = acknowledged records that are not stored (HTTP), or, where the input was handed over
 * without a per-record answer (inbox, syslog, raw Kafka), sent records neither stored nor refused.
 */
export function tally(
  input: Omit<DeliveryTally, 'lost'> & { handedOver: boolean; storedOfAcknowledged?: number },
): DeliveryTally {
  const { handedOver, storedOfAcknowledged, ...figures } = input;
  const lost = handedOver
    ? Math.max(0, figures.sent - figures.stored - figures.refused)
    : Math.max(0, figures.acknowledged - (storedOfAcknowledged ?? figures.stored));
  return { ...figures, lost };
}

export function formatTallies(tallies: readonly DeliveryTally[]): string {
  const header = ['step', 'sent', 'acknowledged', 'stored', 'refused', 'duplicates', 'lost', 'recovery s'];
  const rows = tallies.map((t) =>
    [t.step, t.sent, t.acknowledged, t.stored, t.refused, t.duplicates, t.lost, t.recoverySeconds.toFixed(1)].map(
      String,
    ),
  );
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** Records counted once per identity; extra copies are duplicates. */
export function countCopies<T>(
  items: readonly T[],
  identity: (item: T) => string,
): { distinct: number; duplicates: number } {
  const seen = new Set(items.map(identity));
  return { distinct: seen.size, duplicates: items.length - seen.size };
}
