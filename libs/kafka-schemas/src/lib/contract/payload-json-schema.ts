import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import { defaultConverters, type ISchemaConverters } from 'class-validator-jsonschema/build/defaultConverters';
import type { SchemaObject } from 'openapi3-ts';
import { PAYLOAD_SCHEMAS } from '../payload-schemas';
import { ALL_TOPICS, type Topic } from '../topics';

/** A JSON Schema (draft 2020-12 subset shared with OpenAPI 3.1 / 3.0 schema objects). */
type JsonSchema = SchemaObject;

/**
 * Schemas of the project's own validators, which class-validator only knows by name (their
 * property types are unions, so the reflected design type says nothing).
 */
const CUSTOM_VALIDATOR_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  isTimestamp: {
    oneOf: [
      { type: 'string', description: 'ISO 8601 date-time, e.g. 2026-11-24T10:00:00Z' },
      { type: 'integer', description: 'epoch milliseconds' },
    ],
  },
  isExactAmount: {
    oneOf: [
      { type: 'number' },
      { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$', description: 'decimal string, exact' },
    ],
    description: 'No more decimals than the currency allows (e.g. 2 for USD, 0 for JPY)',
  },
  isSeverity: {
    oneOf: [
      { type: 'string', minLength: 1, maxLength: 32, description: 'syslog severity name (emergency … debug) or an alias' },
      { type: 'integer', minimum: 0, maximum: 7, description: 'syslog severity number' },
    ],
  },
  isIp: { type: 'string', anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }], description: 'IPv4 or IPv6 address' },
  isISO4217CurrencyCode: { type: 'string', pattern: '^[A-Za-z]{3}$', description: 'ISO 4217 currency code' },
};

function constraintName(constraintCls: unknown): string | undefined {
  if (typeof constraintCls !== 'function') return undefined;
  return getMetadataStorage().getTargetValidatorConstraints(constraintCls)[0]?.name;
}

/** Built-in validators are converted by their name, the project's own by their constraint's name. */
const additionalConverters: ISchemaConverters = {
  ...CUSTOM_VALIDATOR_SCHEMAS,
  [ValidationTypes.CUSTOM_VALIDATION]: (meta, options) => {
    const known = CUSTOM_VALIDATOR_SCHEMAS[constraintName(meta.constraintCls) ?? ''];
    if (known) return known;
    const fallback = defaultConverters[ValidationTypes.CUSTOM_VALIDATION];
    return typeof fallback === 'function' ? fallback(meta, options) : fallback;
  },
};

/**
 * JSON Schema of a topic's payload, read from the class-validator decorators of its payload class
 * (libs/kafka-schemas): what a validated payload on the topic looks like. Inputs are a little
 * looser (values are trimmed, blank optional fields dropped, numeric strings accepted for numbers).
 */
export function payloadJsonSchema(topic: Topic): JsonSchema {
  const schema = targetConstructorToSchema(PAYLOAD_SCHEMAS[topic].payloadClass, { additionalConverters });
  return { ...schema, additionalProperties: false };
}

export function payloadJsonSchemas(): Record<Topic, JsonSchema> {
  return Object.fromEntries(ALL_TOPICS.map((topic) => [topic, payloadJsonSchema(topic)])) as Record<Topic, JsonSchema>;
}

/** `network_logs` → `NetworkLogs`: the name part of the topic's schemas and operationIds. */
export function topicTypeName(topic: Topic): string {
  return topic.replace(/(^|_)(\w)/g, (_match, _sep, letter: string) => letter.toUpperCase());
}
