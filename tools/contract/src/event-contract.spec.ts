import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  ALL_TOPICS,
  createEvent,
  DLQ_HEADERS,
  dlqTopicOf,
  EVENT_HEADERS,
  PAYLOAD_SCHEMAS,
  SOURCE_KINDS,
} from '@datalake/kafka-schemas';
import {
  ASYNCAPI_FILE,
  asyncApiDocument,
  contractFiles,
  eventJsonSchema,
  eventSchemaFile,
  exampleEvent,
  readContractFile,
} from './event-contract';

const ROOT = join(__dirname, '../../..');

type Doc = {
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  operations: Record<string, { action: string; channel: { $ref: string } }>;
  components: {
    schemas: Record<string, { properties: Record<string, unknown>; required?: string[] }>;
    messages: Record<string, { bindings: { kafka: { key: unknown } } }>;
  };
};

describe('published event contract (docs/contract)', () => {
  it('is what the code generates: run `npx nx run contract:generate` after changing topics, payloads or headers', () => {
    for (const [file, content] of contractFiles()) {
      expect({ file, content: readContractFile(ROOT, file) }).toEqual({ file, content });
    }
  });

  it('names every topic and its dead-letter topic, with a producer, a consumer and a dead-letter operation each', () => {
    const document = parse(readContractFile(ROOT, ASYNCAPI_FILE) ?? '') as Doc;
    const addresses = Object.values(document.channels).map((channel) => channel.address);
    expect(addresses.sort()).toEqual(ALL_TOPICS.flatMap((topic) => [topic, dlqTopicOf(topic)]).sort());
    for (const topic of ALL_TOPICS) {
      const actions = Object.values(document.operations)
        .filter((operation) => document.channels[operation.channel.$ref.replace('#/channels/', '')]?.address === topic)
        .map((operation) => operation.action);
      expect({ topic, actions: actions.sort() }).toEqual({ topic, actions: ['receive', 'send'] });
    }
    for (const message of Object.values(document.components.messages)) expect(message.bindings.kafka.key).toBeDefined();
  });

  it('lists every event header and every dead-letter header constant', () => {
    const document = asyncApiDocument() as unknown as Doc;
    expect(Object.keys(document.components.schemas['EventHeaders'].properties).sort()).toEqual(
      Object.values(EVENT_HEADERS).sort(),
    );
    const dlqHeaders = Object.keys(document.components.schemas['DeadLetterHeaders'].properties);
    for (const header of Object.values(DLQ_HEADERS)) expect(dlqHeaders).toContain(header);
    expect(document.components.schemas['DeadLetterHeaders'].required).toEqual(
      expect.arrayContaining([
        DLQ_HEADERS.errorCode,
        DLQ_HEADERS.errorMessage,
        DLQ_HEADERS.originalTopic,
        DLQ_HEADERS.failedAt,
      ]),
    );
  });

  describe.each(ALL_TOPICS)('the %s event JSON Schema', (topic) => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(eventJsonSchema(topic));

    it('accepts the envelope the producer builds, with the schema name of the topic', () => {
      const { value } = exampleEvent(topic);
      expect(validate(value) ? [] : validate.errors).toEqual([]);
      expect(value['schema']).toBe(PAYLOAD_SCHEMAS[topic].schema);
    });

    it('refuses an envelope without its payload, with another schema name, or an unknown source kind', () => {
      const { value } = exampleEvent(topic);
      expect(validate({ ...value, payload: undefined })).toBe(false);
      expect(validate({ ...value, schema: 'other.v1' })).toBe(false);
      expect(validate({ ...value, source: { kind: 'ftp', name: 'x' } })).toBe(false);
      expect(SOURCE_KINDS).toContain((value['source'] as { kind: string }).kind);
    });

    it('refuses a payload the validators refuse for a missing required field', () => {
      const { value } = exampleEvent(topic);
      const payload = value['payload'] as Record<string, unknown>;
      const required = (eventJsonSchema(topic)['$defs'] as { payload: { required: string[] } }).payload.required;
      for (const field of required) {
        const { [field]: _dropped, ...without } = payload;
        expect({ field, schema: validate({ ...value, payload: without }) }).toEqual({ field, schema: false });
        expect({ field, code: createEvent(topic, without, { kind: 'http', name: 'api' }).ok }).toEqual({
          field,
          code: false,
        });
      }
    });
  });

  it('writes one event schema per topic', () => {
    expect([...contractFiles().keys()].sort()).toEqual([...ALL_TOPICS.map(eventSchemaFile), ASYNCAPI_FILE].sort());
  });
});
