import type { Consumer, IHeaders, Kafka } from 'kafkajs';
import { dlqTopicOf, type EventEnvelope, type Topic } from '@datalake/kafka-schemas';
import { uniqueId, waitFor } from '@datalake/testing';

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

const headersOf = (headers: IHeaders | undefined): Record<string, string> =>
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
  private consumer?: Consumer;

  constructor(
    private readonly kafka: Kafka,
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
    const admin = this.kafka.admin();
    await admin.connect();
    // Right after a topic is created (here by the service, or by a suite running beside this one)
    // its partitions can briefly answer "not the leader"; kafkajs's admin gives up on that at once.
    const endsOf = (topic: string) => waitFor(() => admin.fetchTopicOffsets(topic), { timeoutMs: 30_000, description: `the end offsets of ${topic}` });
    const ends = await Promise.all(topics.map(async (topic) => ({ topic, offsets: await endsOf(topic) })));
    await admin.disconnect();

    const consumer = this.kafka.consumer({ groupId: uniqueId('it-collector-'), sessionTimeout: 10_000, heartbeatInterval: 1000 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: false });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const text = message.value?.toString() ?? '';
          if (!text.includes(this.marker)) continue;
          const key = message.key?.toString() ?? null;
          if (batch.topic === this.topic) {
            this.keyCounts.set(key ?? '', (this.keyCounts.get(key ?? '') ?? 0) + 1);
            if (this.keepEvents) this.events.push({ key: key ?? '', envelope: JSON.parse(text), headers: headersOf(message.headers) });
          } else {
            this.letters.push({ key, value: text, headers: headersOf(message.headers) });
          }
        }
      },
    });
    for (const { topic, offsets } of ends) {
      for (const { partition, high } of offsets) consumer.seek({ topic, partition, offset: high });
    }
    await joined;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }

  /** Events whose payload field `field` starts with `prefix`. */
  eventsWhere(field: string, prefix: string): CollectedEvent[] {
    return this.events.filter((event) => String(event.envelope.payload[field] ?? '').startsWith(prefix));
  }
}
