import { TopicReader, type KafkaClient, type ReadMessage, type RecordHeaders } from '@datalake/kafka-core';
import { dlqTopicOf, type EventEnvelope, type Topic } from '@datalake/kafka-schemas';
import { uniqueId } from '@datalake/testing';

export interface CollectedEvent {
  key: string;
  envelope: EventEnvelope<Record<string, unknown>>;
  headers: Record<string, string>;
}

export interface CollectedLetter {
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

const headersOf = (headers: RecordHeaders | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]));

/**
 * Reads a topic and its DLQ from their current end on (a fresh consumer group that seeks to the
 * offsets taken at start, so nothing produced after `start()` is missed), keeping only messages
 * whose value contains `marker` — a test's unique run id — since the topics are shared.
 */
export class TopicCollector {
  readonly events: CollectedEvent[] = [];
  readonly letters: CollectedLetter[] = [];
  /** Keys of matching events, with how often each was seen. */
  readonly keyCounts = new Map<string, number>();
  private reader?: TopicReader;

  constructor(
    private readonly kafka: KafkaClient,
    readonly topic: Topic,
    private readonly marker: string,
    /** Keep whole events (false: only count keys, for large volumes). */
    private readonly keepEvents = true,
  ) {}

  get count(): number {
    let total = 0;
    for (const n of this.keyCounts.values()) total += n;
    return total;
  }

  duplicates(): string[] {
    return [...this.keyCounts].filter(([, n]) => n > 1).map(([key]) => key);
  }

  async start(): Promise<void> {
    const topics = [this.topic, dlqTopicOf(this.topic)];
    const reader = new TopicReader(this.kafka, {
      topics,
      from: 'end',
      groupId: uniqueId('it-collector-'),
      onMessage: (message) => this.collect(message),
    });
    this.reader = reader;
    await reader.start();
  }

  private collect(message: ReadMessage): void {
    const text = message.value?.toString() ?? '';
    if (!text.includes(this.marker)) return;
    const key = message.key?.toString() ?? null;
    if (message.topic === this.topic) {
      this.keyCounts.set(key ?? '', (this.keyCounts.get(key ?? '') ?? 0) + 1);
      if (this.keepEvents)
        this.events.push({ key: key ?? '', envelope: JSON.parse(text), headers: headersOf(message.headers) });
    } else {
      this.letters.push({ key, value: text, headers: headersOf(message.headers) });
    }
  }

  async stop(): Promise<void> {
    await this.reader?.stop();
  }

  /** Events whose payload field `field` starts with `prefix`. */
  eventsWhere(field: string, prefix: string): CollectedEvent[] {
    return this.events.filter((event) => String(event.envelope.payload[field] ?? '').startsWith(prefix));
  }
}
