import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import {
  catalogueOf,
  storedFieldsSchemaOf,
  TOPICS,
  type DerivedFieldSpec,
  type FieldSpec,
  type Topic,
} from '@datalake/kafka-schemas';
import { apiPropertyOf } from './catalogue-property';
import { RecordBaseDto, RecordPageOf, type Class as Type } from './record-page.dto';

/*
 * The stored fields of each record type, as `GET`, `PUT` and the listings return them, built from the
 * topic catalogue (libs/kafka-schemas/src/lib/<topic>/<topic>.catalogue.ts): its stored fields and the
 * fields its consumer derives. Each record DTO is RecordBaseDto ∩ the type's fields; the class names
 * (`TransactionRecordDto`, `TransactionPageDto`) are the OpenAPI schema names clients are generated from.
 */

/** A stored record as the API answers it (its fields are documented, not typed, per topic). */
export type StoredRecord = Record<string, unknown>;

/** RecordBaseDto documents `timestamp` for every type. */
const BASE_FIELDS = new Set(['timestamp']);

/** The OpenAPI property of a field as answered. */
function responsePropertyOf(field: FieldSpec | DerivedFieldSpec): ReturnType<typeof apiPropertyOf> {
  if ('required' in field) return apiPropertyOf(field);
  // Derived values are the consumer's (risk flags, direction): open strings, so a new one is additive for clients.
  const { enum: values, ...property } = apiPropertyOf(field) as ReturnType<typeof apiPropertyOf> & { enum?: string[] };
  return {
    ...property,
    description: values ? `${field.description}: ${values.join(', ')} (more may be added)` : field.description,
  };
}

/** A named class, so OpenAPI names its schema after the record type. */
function named<T>(name: string, base: Type<T>): Type<T> {
  return { [name]: class extends (base as Type<object>) {} }[name] as Type<T>;
}

const built = new Map<
  Topic,
  { record: Type<StoredRecord>; page: Type<{ items: StoredRecord[]; nextCursor: string | null }> }
>();

/** `<TypeName>FieldsDto`, `<TypeName>RecordDto` and `<TypeName>PageDto` of a topic, built once from its catalogue. */
function responseDtosOf(topic: Topic) {
  const existing = built.get(topic);
  if (existing) return existing;
  const catalogue = catalogueOf(topic);
  const fields = named<StoredRecord>(`${catalogue.typeName}FieldsDto`, class {} as Type<StoredRecord>);
  const answered = [...catalogue.fields.filter((field) => field.stored !== false), ...catalogue.derived];
  // Every record has these: required on input, stored with a default, or always derived.
  const always = new Set(storedFieldsSchemaOf(catalogue)['required'] as string[]);
  for (const field of answered.filter((candidate) => !BASE_FIELDS.has(candidate.name))) {
    const property = responsePropertyOf(field);
    (always.has(field.name) ? ApiProperty(property) : ApiPropertyOptional(property))(fields.prototype, field.name);
  }
  const record = named<StoredRecord>(
    `${catalogue.typeName}RecordDto`,
    IntersectionType(RecordBaseDto, fields) as Type<StoredRecord>,
  );
  const page = named(`${catalogue.typeName}PageDto`, RecordPageOf(record));
  const dtos = { record, page };
  built.set(topic, dtos);
  return dtos;
}

/** The response schema of one stored record of a topic (`GET`, `PUT /:id`, list items). */
export function recordDtoOf(topic: Topic): Type<StoredRecord> {
  return responseDtosOf(topic).record;
}

/** The response schema of a page of a topic's listing: `{items, nextCursor}`. */
export function recordPageDtoOf(topic: Topic): Type<{ items: StoredRecord[]; nextCursor: string | null }> {
  return responseDtosOf(topic).page;
}

export const TransactionRecordDto = recordDtoOf(TOPICS.transactions);
export const SocialPostRecordDto = recordDtoOf(TOPICS.socialPosts);
export const NetworkLogRecordDto = recordDtoOf(TOPICS.networkLogs);

export const TransactionPageDto = recordPageDtoOf(TOPICS.transactions);
export const SocialPostPageDto = recordPageDtoOf(TOPICS.socialPosts);
export const NetworkLogPageDto = recordPageDtoOf(TOPICS.networkLogs);
