/** Most messages waiting for Kafka; past it UDP datagrams are dropped and TCP senders paused. */
export const SYSLOG_BUFFER_MAX_MESSAGES = 10_000;
/** Most bytes (of message text) waiting for Kafka, so a flood of long lines stays bounded too. */
export const SYSLOG_BUFFER_MAX_BYTES = 16 * 1024 * 1024;
/** Most bytes of message text in one produce batch: far below Kafka's 1 MiB request limit. */
export const SYSLOG_BATCH_MAX_BYTES = 256 * 1024;

interface Entry<T> {
  item: T;
  bytes: number;
}

export interface SyslogBufferLimits {
  maxMessages: number;
  maxBytes: number;
}

/**
 * The syslog messages received and not yet acknowledged by Kafka, bounded by count and by bytes.
 * Batches are taken from the head and put back there when Kafka could not take them, so order
 * is kept across retries.
 */
export class SyslogBuffer<T> {
  private entries: Entry<T>[] = [];
  private head = 0;
  private totalBytes = 0;

  constructor(
    readonly limits: SyslogBufferLimits = {
      maxMessages: SYSLOG_BUFFER_MAX_MESSAGES,
      maxBytes: SYSLOG_BUFFER_MAX_BYTES,
    },
  ) {}

  get length(): number {
    return this.entries.length - this.head;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get isFull(): boolean {
    return this.length >= this.limits.maxMessages || this.totalBytes >= this.limits.maxBytes;
  }

  /** Below half of both bounds: paused TCP senders may resume. */
  get hasRoom(): boolean {
    return this.length < this.limits.maxMessages / 2 && this.totalBytes < this.limits.maxBytes / 2;
  }

  /**
   * Adds a message; false (and nothing kept) when the buffer is full. `overflow` lets a message of
   * a paused TCP sender (still in flight when it was paused) in, up to twice the bounds.
   */
  push(item: T, bytes: number, overflow = false): boolean {
    const factor = overflow ? 2 : 1;
    if (this.length >= this.limits.maxMessages * factor || this.totalBytes >= this.limits.maxBytes * factor)
      return false;
    this.entries.push({ item, bytes });
    this.totalBytes += bytes;
    return true;
  }

  /** Removes up to `maxCount` messages (at least one) holding at most `maxBytes` together. */
  take(maxCount: number, maxBytes: number): T[] {
    const batch: T[] = [];
    let bytes = 0;
    while (this.head < this.entries.length && batch.length < maxCount) {
      const entry = this.entries[this.head];
      if (batch.length > 0 && bytes + entry.bytes > maxBytes) break;
      batch.push(entry.item);
      bytes += entry.bytes;
      this.totalBytes -= entry.bytes;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return batch;
  }

  /** Puts a batch Kafka did not take back at the head, in its order. */
  putBack(batch: readonly T[], bytesOf: (item: T) => number): void {
    const returned = batch.map((item) => ({ item, bytes: bytesOf(item) }));
    this.entries = [...returned, ...this.entries.slice(this.head)];
    this.head = 0;
    for (const entry of returned) this.totalBytes += entry.bytes;
  }
}
