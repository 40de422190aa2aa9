import { deepJson, garbageBytes, type CorpusCase } from '../support/corpus-case';

/** Value of a raw Kafka message (null: a tombstone). */
export interface KafkaValue {
  value: Buffer | string | null;
}

export interface KafkaExpectation {
  /** The DLQ entry's x-dlq-error-code (alternatives where the contract allows either). */
  dlqCode: readonly string[];
  /** Further headers the DLQ entry must carry, with their values. */
  headers?: Readonly<Record<string, RegExp>>;
  /** The DLQ copy must fit the DLQ topic: at most this many bytes of value. */
  maxDlqValueBytes?: number;
  /** A transaction with this id (suffix of the case key) must not be stored. */
  notStoredTransaction?: boolean;
}

export interface KafkaCase extends CorpusCase {
  surface: 'kafka';
  topic: 'transactions' | 'social_posts' | 'network_logs';
  /** Poison sent after the other cases settled: on main it stalls its partition. */
  poison?: boolean;
  message(key: string): KafkaValue;
  expect: KafkaExpectation;
}

const bareTx = (key: string, extra: Record<string, unknown> = {}) => ({
  transactionId: key,
  customerId: `${key}-cust`,
  amount: '5.00',
  currency: 'usd',
  timestamp: '2026-11-24T10:00:00Z',
  ...extra,
});
const envelope = (schema: string, payload: unknown, extra: Record<string, unknown> = {}) => ({
  eventId: `ev-${Date.now()}`,
  schema,
  source: { kind: 'kafka', name: 'corpus' },
  occurredAt: '2026-11-24T10:00:00.000Z',
  ingestedAt: '2026-11-24T10:00:00.100Z',
  payload,
  ...extra,
});
const json = (value: unknown) => ({ value: JSON.stringify(value) });

/** Every DLQ entry names where it came from (DESIGN.md "Event contract"). */
const ORIGIN = { 'x-dlq-original-topic': /\S/, 'x-dlq-original-partition': /^\d+$/, 'x-dlq-original-offset': /^\d+$/ };

/** Raw messages on the record topics, as a foreign producer could send them. Each must reach `<topic>.dlq`. */
export const KAFKA_CASES: KafkaCase[] = [
  {
    id: 'kafka-01',
    surface: 'kafka',
    topic: 'transactions',
    title: 'value that is not JSON',
    message: () => ({ value: 'this is not json' }),
    expect: { dlqCode: ['INVALID_JSON'], headers: ORIGIN },
  },
  {
    id: 'kafka-02',
    surface: 'kafka',
    topic: 'transactions',
    title: 'a JSON array',
    message: (key) => json([bareTx(key)]),
    expect: { dlqCode: ['INVALID_JSON', 'INVALID_PAYLOAD'], headers: ORIGIN, notStoredTransaction: true },
  },
  {
    id: 'kafka-03',
    surface: 'kafka',
    topic: 'social_posts',
    title: 'a JSON number',
    message: () => ({ value: '42' }),
    expect: { dlqCode: ['INVALID_JSON', 'INVALID_PAYLOAD'], headers: ORIGIN },
  },
  {
    id: 'kafka-04',
    surface: 'kafka',
    topic: 'network_logs',
    title: 'a null value (tombstone)',
    message: () => ({ value: null }),
    expect: { dlqCode: ['INVALID_JSON'], headers: ORIGIN },
  },
  {
    id: 'kafka-05',
    surface: 'kafka',
    topic: 'network_logs',
    title: 'an empty value',
    message: () => ({ value: '' }),
    expect: { dlqCode: ['INVALID_JSON'], headers: ORIGIN },
  },
  {
    id: 'kafka-06',
    surface: 'kafka',
    topic: 'transactions',
    title: 'bare payload without amount',
    message: (key) => json({ ...bareTx(key), amount: undefined }),
    expect: {
      dlqCode: ['INVALID_PAYLOAD'],
      headers: { ...ORIGIN, 'x-dlq-error-message': /amount/ },
      notStoredTransaction: true,
    },
  },
  {
    id: 'kafka-07',
    surface: 'kafka',
    topic: 'transactions',
    title: 'envelope of schema transactions.v9',
    message: (key) => json(envelope('transactions.v9', bareTx(key))),
    expect: { dlqCode: ['UNKNOWN_SCHEMA'], headers: ORIGIN, notStoredTransaction: true },
  },
  {
    id: 'kafka-08',
    surface: 'kafka',
    topic: 'transactions',
    title: "envelope of another topic's schema",
    message: (key) => json(envelope('social_posts.v1', bareTx(key))),
    expect: { dlqCode: ['UNKNOWN_SCHEMA'], headers: ORIGIN, notStoredTransaction: true },
  },
  {
    id: 'kafka-09',
    surface: 'kafka',
    topic: 'transactions',
    title: 'envelope without source',
    message: (key) => json(envelope('transactions.v1', bareTx(key), { source: undefined })),
    expect: { dlqCode: ['INVALID_ENVELOPE'], headers: ORIGIN, notStoredTransaction: true },
  },
  {
    id: 'kafka-10',
    surface: 'kafka',
    topic: 'transactions',
    title: 'envelope with ingestedAt "soon"',
    message: (key) => json(envelope('transactions.v1', bareTx(key), { ingestedAt: 'soon' })),
    expect: { dlqCode: ['INVALID_ENVELOPE'], headers: ORIGIN, notStoredTransaction: true },
  },
  {
    id: 'kafka-11',
    surface: 'kafka',
    topic: 'transactions',
    title: 'envelope with a null payload',
    message: () => json(envelope('transactions.v1', null)),
    expect: { dlqCode: ['INVALID_PAYLOAD'], headers: ORIGIN },
  },
  {
    id: 'kafka-12',
    surface: 'kafka',
    topic: 'transactions',
    title: 'bare payload dated 2026-02-30',
    message: (key) => json(bareTx(key, { timestamp: '2026-02-30T00:00:00Z' })),
    expect: { dlqCode: ['INVALID_PAYLOAD'], headers: ORIGIN, notStoredTransaction: true },
  },
  {
    id: 'kafka-13',
    surface: 'kafka',
    topic: 'transactions',
    title: 'invalid UTF-8 bytes',
    message: () => ({ value: garbageBytes(512, 13) }),
    expect: { dlqCode: ['INVALID_JSON'], headers: ORIGIN },
  },
  {
    id: 'kafka-14',
    surface: 'kafka',
    topic: 'social_posts',
    title: 'bare payload with an unknown field nested 40 deep',
    message: (key) => ({
      value: `{"postId":"${key}","platform":"mastodon","author":"corpus","content":"deep","timestamp":"2026-11-24T10:00:00Z","x":${deepJson(40)}}`,
    }),
    expect: { dlqCode: ['TOO_DEEP'], headers: ORIGIN },
  },
  {
    id: 'kafka-15',
    surface: 'kafka',
    topic: 'transactions',
    title: 'valid-looking JSON of 950 KB (over the 900 KiB record limit)',
    message: (key) => json(bareTx(key, { merchant: 'm'.repeat(950_000) })),
    expect: { dlqCode: ['TOO_LARGE'], headers: ORIGIN, notStoredTransaction: true },
  },
  {
    id: 'kafka-16',
    surface: 'kafka',
    topic: 'transactions',
    title: 'envelope whose payload is a string',
    message: () => json(envelope('transactions.v1', 'a string')),
    expect: { dlqCode: ['INVALID_PAYLOAD'], headers: ORIGIN },
  },
  {
    id: 'kafka-17',
    surface: 'kafka',
    topic: 'network_logs',
    poison: true,
    title: 'bare payload with an unknown field nested 6,000 deep',
    message: () => ({ value: `{"timestamp":"2026-11-24T10:00:00Z","sourceIp":"198.51.100.9","x":${deepJson(6000)}}` }),
    expect: { dlqCode: ['TOO_DEEP'], headers: ORIGIN },
  },
  {
    id: 'kafka-18',
    surface: 'kafka',
    topic: 'social_posts',
    poison: true,
    title: 'non-JSON value of 1,048,400 bytes',
    message: () => ({ value: Buffer.alloc(1_048_400, 0x7a) }),
    expect: {
      dlqCode: ['INVALID_JSON', 'TOO_LARGE'],
      headers: { ...ORIGIN, 'x-dlq-truncated': /^(true|1|yes)$/, 'x-dlq-original-bytes': /^1048400$/ },
      maxDlqValueBytes: 1_048_576 - 61,
    }, // cut to fit the DLQ topic's 1 MiB message limit (less the batch header)
  },
];
