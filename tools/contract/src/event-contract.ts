import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import {
  ALL_TOPICS,
  catalogueOf,
  createEvent,
  DLQ_HEADERS,
  dlqTopicOf,
  encodeEvent,
  EVENT_HEADERS,
  JSON_CONTENT_TYPE,
  JSON_LIMITS,
  PAYLOAD_SCHEMAS,
  payloadJsonSchema,
  type SchemaErrorCode,
  SOURCE_KINDS,
  type Topic,
  topicTypeName,
} from '@datalake/kafka-schemas';

type Schema = Record<string, unknown>;

export const CONTRACT_DIR = 'docs/contract';
export const ASYNCAPI_FILE = `${CONTRACT_DIR}/asyncapi.yaml`;
export const eventSchemaFile = (topic: Topic) => `${CONTRACT_DIR}/events/${topic}.schema.json`;

/** The refusal codes of SchemaErrorCode; the type check below fails the build when one is missing. */
export const SCHEMA_ERROR_CODES = [
  'INVALID_JSON',
  'TOO_DEEP',
  'TOO_LARGE',
  'INVALID_ENVELOPE',
  'INVALID_PAYLOAD',
  'UNKNOWN_SCHEMA',
  'TRANSFORM_FAILED',
  'STORAGE_REJECTED',
  'PROCESSING_FAILED',
] as const satisfies readonly SchemaErrorCode[];
const everyCodeListed: [Exclude<SchemaErrorCode, (typeof SCHEMA_ERROR_CODES)[number]>] extends [never] ? true : never =
  true;
void everyCodeListed;

/**
 * Headers of the dead letters of file, SQLite and syslog rows (ingest-producer-service
 * SOURCE_DLQ_HEADERS); listed here until they join DLQ_HEADERS in libs/kafka-schemas.
 */
const SOURCE_DLQ_HEADER_DOCS: Readonly<Record<string, string>> = {
  'x-dlq-source': 'Source rows only: the input the row came from (file path, SQLite source, syslog peer)',
  'x-dlq-source-location': 'Source rows only: where in it, e.g. `line 12` or `item 3`',
};

const DLQ_HEADER_DOCS: Readonly<Record<keyof typeof DLQ_HEADERS, string>> = {
  errorCode: `Why the message was refused: ${SCHEMA_ERROR_CODES.join(', ')}, or a source reader's own code (e.g. INVALID_CSV_ROW)`,
  errorMessage: 'Human-readable reason, at most 2,000 characters',
  originalTopic: 'Topic the message was meant for (as produced, with any KAFKA_TOPIC_PREFIX)',
  originalPartition: 'Partition of a consumed message (absent for a source row)',
  originalOffset: 'Offset of a consumed message (absent for a source row)',
  failedAt: 'When it was refused (ISO 8601)',
  truncated: '"true" when the value was cut to fit the dead-letter topic\'s message limit',
  originalBytes: 'Size in bytes of the original value; set with x-dlq-truncated',
};

const ALWAYS_SET_DLQ_HEADERS = [
  DLQ_HEADERS.errorCode,
  DLQ_HEADERS.errorMessage,
  DLQ_HEADERS.originalTopic,
  DLQ_HEADERS.failedAt,
];

const EXAMPLE_TIME = new Date('2026-11-24T10:00:00.120Z');

/**
 * The example event of a topic as a producer sends it: its key and its JSON value. The record is
 * the catalogue's example, run through createEvent, so one that no longer validates stops the generator.
 */
export function exampleEvent(topic: Topic): { key: string; value: Schema } {
  const event = createEvent(topic, catalogueOf(topic).example, { kind: 'http', name: 'api' }, EXAMPLE_TIME);
  if (!event.ok) throw new Error(`the example ${topic} record is refused: ${event.error.message}`);
  const value = JSON.parse(
    encodeEvent({ ...event.value.envelope, eventId: '8d4c5a5e-2f7b-4b8e-9a57-0f1c2d3e4f50' }),
  ) as Schema;
  return { key: event.value.key, value };
}

function envelopeSchema(topic: Topic, payloadRef: string): Schema {
  return {
    type: 'object',
    description:
      `The value of a message on \`${topic}\`. A consumer also accepts a bare payload (no envelope, as Kafka Connect or kcat produce) and wraps it ` +
      `with source {kind: "kafka", name: "${topic}"}. At most ${JSON_LIMITS.maxRecordBytes} bytes per record, ${JSON_LIMITS.maxDepth} levels deep.`,
    properties: {
      eventId: {
        type: 'string',
        maxLength: 128,
        description: 'Unique id of this event (a UUID when DataLake made it)',
      },
      schema: { type: 'string', const: PAYLOAD_SCHEMAS[topic].schema, description: 'Payload schema name and version' },
      source: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: [...SOURCE_KINDS] },
          name: { type: 'string', maxLength: 512 },
        },
        required: ['kind', 'name'],
      },
      occurredAt: {
        type: 'string',
        format: 'date-time',
        description: "The record's own timestamp (else the ingestion time)",
      },
      ingestedAt: { type: 'string', format: 'date-time' },
      payload: { $ref: payloadRef },
    },
    required: ['eventId', 'schema', 'source', 'occurredAt', 'ingestedAt', 'payload'],
  };
}

/** The JSON Schema (2020-12) of one topic's event: the envelope, with the payload generated from its topic catalogue. */
export function eventJsonSchema(topic: Topic): Schema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `urn:datalake:events:${PAYLOAD_SCHEMAS[topic].schema}`,
    title: `${topic} event (${PAYLOAD_SCHEMAS[topic].schema})`,
    ...envelopeSchema(topic, '#/$defs/payload'),
    $defs: { payload: payloadJsonSchema(topic) },
    examples: [exampleEvent(topic).value],
  };
}

const stringHeader = (description: string) => ({ type: 'string', description });

/** The AsyncAPI 3.0 document of the topics, their dead-letter topics, keys and headers. */
export function asyncApiDocument(): Schema {
  const channels: Schema = {};
  const operations: Schema = {};
  const messages: Schema = {};
  const schemas: Schema = {
    EventHeaders: {
      type: 'object',
      properties: {
        [EVENT_HEADERS.correlationId]: stringHeader(
          'Correlation id: the x-request-id of the HTTP push, else one per file or batch',
        ),
        [EVENT_HEADERS.contentType]: { type: 'string', const: JSON_CONTENT_TYPE },
      },
    },
    DeadLetterHeaders: {
      type: 'object',
      description: 'The original headers of the message, plus these',
      properties: {
        ...Object.fromEntries(
          Object.entries(DLQ_HEADERS).map(([name, header]) => [
            header,
            stringHeader(DLQ_HEADER_DOCS[name as keyof typeof DLQ_HEADERS]),
          ]),
        ),
        ...Object.fromEntries(
          Object.entries(SOURCE_DLQ_HEADER_DOCS)
            .filter(([header]) => !(Object.values(DLQ_HEADERS) as string[]).includes(header))
            .map(([header, description]) => [header, stringHeader(description)]),
        ),
      },
      required: ALWAYS_SET_DLQ_HEADERS,
    },
  };

  for (const topic of ALL_TOPICS) {
    const name = topicTypeName(topic);
    const dlq = dlqTopicOf(topic);
    // Channel ids are identifiers (no dots); the address is the topic's name.
    const dlqChannel = `${topic}_dlq`;
    const example = exampleEvent(topic);
    schemas[`${name}Payload`] = payloadJsonSchema(topic);
    schemas[`${name}Event`] = envelopeSchema(topic, `#/components/schemas/${name}Payload`);
    messages[`${name}Event`] = {
      name: `${name}Event`,
      title: `${topic} event`,
      contentType: JSON_CONTENT_TYPE,
      headers: { $ref: '#/components/schemas/EventHeaders' },
      payload: { $ref: `#/components/schemas/${name}Event` },
      bindings: {
        kafka: {
          key: { type: 'string', description: `Natural key: ${catalogueOf(topic).naturalKey.description}` },
          bindingVersion: '0.5.0',
        },
      },
      examples: [
        {
          name: 'http',
          headers: { [EVENT_HEADERS.correlationId]: 'req-1', [EVENT_HEADERS.contentType]: JSON_CONTENT_TYPE },
          payload: example.value,
        },
      ],
    };
    messages[`${name}DeadLetter`] = {
      name: `${name}DeadLetter`,
      title: `${dlq} entry`,
      summary: `A message refused on ${topic} (or a bad ${topic} source row), never dropped`,
      contentType: 'application/octet-stream',
      headers: { $ref: '#/components/schemas/DeadLetterHeaders' },
      payload: {
        type: 'string',
        description: 'The original value as it came (any bytes); its start only when x-dlq-truncated is "true"',
      },
      bindings: {
        kafka: { key: { type: 'string', description: 'The original key (may be absent)' }, bindingVersion: '0.5.0' },
      },
    };
    channels[topic] = {
      address: topic,
      title: topic,
      description: `${topic} records, keyed by natural key so one record's events stay in order. Prefixed by KAFKA_TOPIC_PREFIX when set.`,
      messages: { [`${name}Event`]: { $ref: `#/components/messages/${name}Event` } },
    };
    channels[dlqChannel] = {
      address: dlq,
      title: dlq,
      description: `Dead letters of ${topic}: the original key, value and headers, plus the reason headers.`,
      messages: { [`${name}DeadLetter`]: { $ref: `#/components/messages/${name}DeadLetter` } },
    };
    operations[`produce${name}`] = {
      action: 'send',
      summary: `ingest-producer-service produces validated ${topic} records (idempotent, acks=all)`,
      channel: { $ref: `#/channels/${topic}` },
      messages: [{ $ref: `#/channels/${topic}/messages/${name}Event` }],
    };
    operations[`consume${name}`] = {
      action: 'receive',
      summary: `The ${topic} consumer stores batches in MongoDB (upsert by natural key), then commits`,
      channel: { $ref: `#/channels/${topic}` },
      messages: [{ $ref: `#/channels/${topic}/messages/${name}Event` }],
    };
    operations[`deadLetter${name}`] = {
      action: 'send',
      summary: `Refused ${topic} messages and source rows go to ${dlq}`,
      channel: { $ref: `#/channels/${dlqChannel}` },
      messages: [{ $ref: `#/channels/${dlqChannel}/messages/${name}DeadLetter` }],
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'DataLake events',
      version: '1.0.0',
      description:
        'Kafka topics of DataLake (generated by tools/contract from libs/kafka-schemas; do not edit by hand). ' +
        'Values are UTF-8 JSON envelopes; keys are natural keys; refused messages go to `<topic>.dlq`. ' +
        'JSON Schemas of the events: docs/contract/events/<topic>.schema.json.',
    },
    defaultContentType: JSON_CONTENT_TYPE,
    servers: {
      kafka: {
        host: 'localhost:9092',
        protocol: 'kafka',
        description: 'KAFKA_BOOTSTRAP_SERVERS (local default shown)',
      },
    },
    channels,
    operations,
    components: { schemas, messages },
  };
}

/** Every contract file, path (from the repository root) → content. */
export function contractFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const topic of ALL_TOPICS)
    files.set(eventSchemaFile(topic), `${JSON.stringify(eventJsonSchema(topic), null, 2)}\n`);
  files.set(
    ASYNCAPI_FILE,
    `# Generated by tools/contract (npx nx run contract:generate); do not edit.\n${stringify(asyncApiDocument(), { lineWidth: 0 })}`,
  );
  return files;
}

export function writeContractFiles(root: string): string[] {
  const written: string[] = [];
  for (const [file, content] of contractFiles()) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), content);
    written.push(file);
  }
  return written;
}

export function readContractFile(root: string, file: string): string | undefined {
  try {
    return readFileSync(join(root, file), 'utf8');
  } catch {
    return undefined;
  }
}
