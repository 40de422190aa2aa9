import type { KafkaClient as Kafka } from './kafka-client';

export interface TopicSpec {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
  /** Topic configs set at creation, e.g. `{ 'max.message.bytes': '2097152' }`. */
  config?: Record<string, string>;
}

/** True for errors that mean the broker cannot be reached at all (no point retrying here). */
export function isConnectionError(error: unknown): boolean {
  const text = `${(error as Error)?.message ?? ''} ${(error as Error & { cause?: Error })?.cause?.message ?? ''}`;
  return /Connection error|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH/.test(text);
}

/** True when the brokers refused the SASL credentials, or the TLS handshake failed: retrying cannot help. */
export function isAuthenticationError(error: unknown): boolean {
  const name = (error as Error)?.name ?? '';
  const text = `${(error as Error)?.message ?? ''} ${(error as Error & { cause?: Error })?.cause?.message ?? ''}`;
  return (
    name === 'KafkaJSSASLAuthenticationError' ||
    /SASL .*authentication failed|self[- ]signed certificate|unable to verify the first certificate|certificate has expired|Hostname\/IP does not match/i.test(
      text,
    )
  );
}

/**
 * Creates the topics that do not exist yet; existing topics are left as they are. Services start
 * together and race to create the same topics, so a failed attempt is retried a few times.
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[], defaultPartitions = 3): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await createMissingTopics(kafka, specs, defaultPartitions);
    } catch (error) {
      if (attempt >= 5 || isConnectionError(error) || isAuthenticationError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

async function createMissingTopics(kafka: Kafka, specs: TopicSpec[], defaultPartitions: number): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.topic));
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec) => ({
        topic: spec.topic,
        numPartitions: spec.numPartitions ?? defaultPartitions,
        replicationFactor: spec.replicationFactor ?? -1, // -1: the broker's default
        configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
    return missing.map((spec) => spec.topic);
  } finally {
    await admin.disconnect();
  }
}

/** Answers whether the cluster responds to a metadata request within the timeout. */
export async function pingKafka(kafka: Kafka, timeoutMs = 3000): Promise<void> {
  const admin = kafka.admin();
  const attempt = (async () => {
    await admin.connect();
    try {
      await admin.describeCluster();
    } finally {
      await admin.disconnect();
    }
  })();
  await withTimeout(attempt, timeoutMs, `Kafka did not answer within ${timeoutMs} ms`);
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
