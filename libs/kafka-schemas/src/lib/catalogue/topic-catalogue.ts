/**
 * The topic catalogue: what each topic's records are made of, written once in the topic's folder
 * (`<topic>/<topic>.catalogue.ts`) and read by everything that repeats those facts — the ingest
 * column mapping, the update DTOs, the gateway's resource table, the consumer definitions, the
 * sample generator (through the checked-in `catalogue.json`) and the OpenAPI / JSON schemas.
 * Plain data only: no framework import, so every project may read it.
 */

/** JSON type of a field as stored and answered. */
export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'array';

/** Well-known string formats (OpenAPI / JSON Schema `format`). */
export type FieldFormat = 'date-time' | 'ip' | 'decimal' | 'currency';

/** One field of a topic's records. */
export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly format?: FieldFormat;
  /** Other JSON types accepted on input (an amount as a number, a timestamp as epoch ms). */
  readonly accepts?: readonly ('string' | 'integer' | 'number')[];
  /** Required on input; stored fields without it may be absent from a record. */
  readonly required: boolean;
  readonly description: string;
  readonly example: string | number | readonly string[];
  readonly enum?: readonly string[];
  /** Value a consumer stores when the input leaves the field out. */
  readonly default?: string | number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  /** Regular expression source the value must match, and the message when it does not. */
  readonly pattern?: { readonly source: string; readonly message: string };
  /** Column names of exports that also mean this field (compared case- and separator-insensitively). */
  readonly aliases?: readonly string[];
  /** Changeable through `PUT /<resource>/:id` (the update DTO lists exactly these). */
  readonly mutable?: boolean;
  /** False for an input field that is never stored (e.g. a card number). */
  readonly stored?: boolean;
  /** Left out of generated sample files (fields only some sources fill, e.g. syslog's `facility`). */
  readonly sample?: boolean;
}

/** A field a consumer derives and stores; answered in every record, never accepted on input. */
export interface DerivedFieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly format?: FieldFormat;
  /** Element type of an array field. */
  readonly items?: 'string';
  readonly enum?: readonly string[];
  readonly description: string;
  readonly example: string | number | readonly string[];
  /** True when only some records have it (e.g. `cardLast4`, only when a card number came). */
  readonly optional?: boolean;
}

/** Everything the workspace needs to know about one topic. */
export interface TopicCatalogue {
  /** Key in `TOPICS` (`TOPICS.transactions`). */
  readonly key: string;
  /** Kafka topic; the dead-letter topic is `<topic>.dlq`. */
  readonly topic: string;
  /** Value of the envelope's `schema` field. */
  readonly schema: string;
  /** URL path of the REST resource. */
  readonly resource: string;
  /** One record in words, for API docs ("customer transaction"). */
  readonly title: string;
  /** PascalCase singular for class and schema names (`TransactionUpdateDto`). */
  readonly typeName: string;
  /** Owning service (app name), its Mongo database and collection (DESIGN.md's table). */
  readonly service: string;
  readonly database: string;
  readonly collection: string;
  /** Fields that make up the natural key (the Kafka message key and the upsert key). */
  readonly naturalKey: { readonly fields: readonly string[]; readonly description: string };
  /** Input fields, in column order. */
  readonly fields: readonly FieldSpec[];
  /** Fields the consumer adds to the stored record. */
  readonly derived: readonly DerivedFieldSpec[];
  /** A valid input record (tests check it validates). */
  readonly example: Readonly<Record<string, unknown>>;
}

/** Keeps the literal types of a catalogue (its `key` and `topic` become the `TOPICS` types). */
export function defineTopicCatalogue<const C extends TopicCatalogue>(catalogue: C): C {
  return catalogue;
}

export function requiredFieldsOf(catalogue: TopicCatalogue): string[] {
  return catalogue.fields.filter((field) => field.required).map((field) => field.name);
}

export function optionalFieldsOf(catalogue: TopicCatalogue): string[] {
  return catalogue.fields.filter((field) => !field.required).map((field) => field.name);
}

export function mutableFieldsOf(catalogue: TopicCatalogue): FieldSpec[] {
  return catalogue.fields.filter((field) => field.mutable === true);
}

/** Columns of generated sample files. */
export function sampleColumnsOf(catalogue: TopicCatalogue): string[] {
  return catalogue.fields.filter((field) => field.sample !== false).map((field) => field.name);
}

/** A JSON Schema / OpenAPI 3.1 schema object (plain data). */
export type JsonSchema = Record<string, unknown>;

const FORMATS: Readonly<Record<FieldFormat, string | undefined>> = {
  'date-time': 'date-time',
  ip: undefined, // IPv4 or IPv6: JSON Schema has no single format for both (see FORMAT_SCHEMAS)
  decimal: undefined,
  currency: undefined,
};

/** What the formats without a JSON Schema `format` of their own mean, as schema keywords. */
const FORMAT_SCHEMAS: Readonly<Partial<Record<FieldFormat, JsonSchema>>> = {
  // typed alternatives: OpenAPI tools that drop `type` beside `anyOf` still see a string
  ip: {
    anyOf: [
      { type: 'string', format: 'ipv4' },
      { type: 'string', format: 'ipv6' },
    ],
  },
  decimal: { pattern: '^-?\\d+(\\.\\d+)?$' },
  currency: { pattern: '^[A-Za-z]{3}$' },
};

/**
 * The schema of one field. `input: true` describes what producers may send (alternative JSON
 * types, no defaults applied); otherwise the stored/answered form.
 */
export function fieldSchema(field: FieldSpec | DerivedFieldSpec, options: { input?: boolean } = {}): JsonSchema {
  const schema: JsonSchema = { description: field.description, example: field.example };
  const accepts = options.input && 'accepts' in field ? field.accepts : undefined;
  if (accepts?.length) schema['type'] = [field.type, ...accepts.filter((type) => type !== field.type)];
  else schema['type'] = field.type;
  if ('items' in field && field.items) schema['items'] = { type: field.items };
  const format = field.format ? FORMATS[field.format] : undefined;
  if (format) schema['format'] = format;
  if (field.format) Object.assign(schema, FORMAT_SCHEMAS[field.format]);
  if (field.enum) schema['enum'] = [...field.enum];
  if ('default' in field && field.default !== undefined && !options.input) schema['default'] = field.default;
  if ('required' in field) {
    for (const key of ['minLength', 'maxLength', 'minimum', 'maximum'] as const) {
      if (field[key] !== undefined) schema[key] = field[key];
    }
    if (field.pattern) schema['pattern'] = field.pattern.source;
  }
  return schema;
}

/** Schema of one input record (what `POST /ingest/:topic` and the topic's producers accept). */
export function inputSchemaOf(catalogue: TopicCatalogue): JsonSchema {
  return {
    type: 'object',
    title: `${catalogue.schema} payload`,
    description: `Input fields of a ${catalogue.title}. Natural key: ${catalogue.naturalKey.description}.`,
    properties: Object.fromEntries(catalogue.fields.map((field) => [field.name, fieldSchema(field, { input: true })])),
    required: requiredFieldsOf(catalogue),
    example: catalogue.example,
  };
}

/**
 * Schema of the topic's own fields in a stored record as the API answers it (without the common
 * `id`, `ingestedAt`, `source` members, which the response schema adds once for every type).
 */
export function storedFieldsSchemaOf(catalogue: TopicCatalogue): JsonSchema {
  const stored = catalogue.fields.filter((field) => field.stored !== false);
  return {
    type: 'object',
    properties: {
      ...Object.fromEntries(stored.map((field) => [field.name, fieldSchema(field)])),
      ...Object.fromEntries(catalogue.derived.map((field) => [field.name, fieldSchema(field)])),
    },
    required: [
      ...stored.filter((field) => field.required || field.default !== undefined).map((field) => field.name),
      ...catalogue.derived.filter((field) => !field.optional).map((field) => field.name),
    ],
  };
}

/** Column names that mean `timestamp` in every topic's exports. */
export const TIMESTAMP_ALIASES = ['ts', 'time', 'datetime', 'eventtime', 'createdat', 'occurredat'] as const;

/** The `timestamp` field every record type has (the list's time window and sort). */
export function timestampField(description: string): FieldSpec {
  return {
    name: 'timestamp',
    type: 'string',
    format: 'date-time',
    accepts: ['integer'],
    required: true,
    description: `${description} (ISO 8601, or epoch milliseconds on input; stored in UTC)`,
    example: '2026-11-24T10:00:00.000Z',
    aliases: TIMESTAMP_ALIASES,
  };
}
