import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { PAYLOAD_SCHEMAS } from '../payload-schemas';
import { ALL_TOPICS } from '../topics';
import { payloadJsonSchema, payloadJsonSchemas, topicTypeName } from './payload-json-schema';

/** The properties a payload class validates, and those it marks optional, as class-validator holds them. */
function declaredFields(payloadClass: new () => object): { all: string[]; optional: string[] } {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(payloadClass, '', true, false);
  const all = [...new Set(metadata.map((meta) => meta.propertyName))];
  const optional = [
    ...new Set(
      metadata.filter((meta) => meta.type === ValidationTypes.CONDITIONAL_VALIDATION).map((meta) => meta.propertyName),
    ),
  ];
  return { all, optional };
}

describe(payloadJsonSchema.name, () => {
  it.each(ALL_TOPICS)('has exactly the fields of the %s payload class, required unless optional there', (topic) => {
    const schema = payloadJsonSchema(topic);
    const fields = declaredFields(PAYLOAD_SCHEMAS[topic].payloadClass as new () => object);
    expect(Object.keys(schema['properties'] as object).sort()).toEqual([...fields.all].sort());
    expect([...(schema['required'] as string[])].sort()).toEqual(
      fields.all.filter((field) => !fields.optional.includes(field)).sort(),
    );
    expect(schema['type']).toBe('object');
  });

  it('describes the alternative input types, formats and enums of the catalogue', () => {
    const transactions = payloadJsonSchema('transactions') as {
      properties: Record<string, unknown>;
      additionalProperties: unknown;
    };
    expect(transactions.properties['amount']).toMatchObject({
      type: ['string', 'number'],
      pattern: '^-?\\d+(\\.\\d+)?$',
    });
    expect(transactions.properties['currency']).toMatchObject({ type: 'string', pattern: '^[A-Za-z]{3}$' });
    expect(transactions.properties['timestamp']).toMatchObject({ type: ['string', 'integer'], format: 'date-time' });
    expect(transactions.properties['status']).toMatchObject({ enum: ['pending', 'completed', 'failed', 'refunded'] });
    expect(transactions.properties['status']).not.toHaveProperty('default');
    expect(transactions.additionalProperties).toBe(false);
    const networkLogs = payloadJsonSchema('network_logs') as { properties: Record<string, unknown> };
    expect(networkLogs.properties['sourceIp']).toMatchObject({
      type: 'string',
      anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }],
    });
    expect(networkLogs.properties['severity']).toMatchObject({ type: ['string', 'integer'] });
    expect(JSON.stringify(payloadJsonSchemas())).not.toContain('$ref');
  });

  it('names topics for schemas and operations', () => {
    expect(ALL_TOPICS.map(topicTypeName)).toEqual(['NetworkLogs', 'SocialPosts', 'Transactions']);
  });
});
