import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { createEvent } from '../envelope';
import { TOPIC_DEFINITIONS } from '../topic-registry';
import { ALL_CATALOGUES, ALL_TOPICS, catalogueOf, TOPICS } from '../topics';
import {
  fieldSchema,
  inputSchemaOf,
  requiredFieldsOf,
  storedFieldsSchemaOf,
  type TopicCatalogue,
} from './topic-catalogue';

/** The catalogue as the plain-JS tools read it (tools/sample-data/generate.js). */
const CATALOGUE_JSON_PATH = join(__dirname, '..', '..', '..', 'catalogue.json');

const squash = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');
const source = { kind: 'file' as const, name: 'catalogue.spec' };

/** Properties the payload class validates, and those it marks optional. */
function classFields(payloadClass: new () => object): { all: string[]; optional: string[] } {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(payloadClass, '', true, false);
  const all = [...new Set(metadata.map((entry) => entry.propertyName))];
  const optional = [
    ...new Set(metadata.filter((entry) => entry.type === 'conditionalValidation').map((entry) => entry.propertyName)),
  ];
  return { all, optional };
}

describe('topic catalogue', () => {
  it('derives TOPICS from the topic folders, in the order of the registry', () => {
    expect(TOPICS).toMatchObject({
      networkLogs: 'network_logs',
      socialPosts: 'social_posts',
      transactions: 'transactions',
    });
    expect(ALL_TOPICS.slice(0, 3)).toEqual(['network_logs', 'social_posts', 'transactions']);
    expect(ALL_TOPICS).toEqual(TOPIC_DEFINITIONS.map(({ catalogue }) => catalogue.topic));
    expect(catalogueOf(TOPICS.transactions).resource).toBe('transactions');
  });

  describe.each(TOPIC_DEFINITIONS.map((definition) => [definition.catalogue.topic, definition] as const))(
    '%s',
    (topic, { catalogue, payloadClass }) => {
      const c: TopicCatalogue = catalogue;

      it('lists exactly the fields its payload class validates, optional ones as not required', () => {
        const fields = classFields(payloadClass);
        expect([...c.fields.map((field) => field.name)].sort()).toEqual([...fields.all].sort());
        expect(
          c.fields
            .filter((field) => !field.required)
            .map((field) => field.name)
            .sort(),
        ).toEqual([...fields.optional].sort());
      });

      it('has an example that validates, and that fails without each required field', () => {
        expect(createEvent(catalogue.topic, c.example, source).ok).toBe(true);
        for (const field of requiredFieldsOf(c)) {
          const { [field]: _dropped, ...without } = c.example;
          expect({ field, ok: createEvent(catalogue.topic, without, source).ok }).toEqual({ field, ok: false });
        }
      });

      it('has per-field examples that validate together', () => {
        const fromFields = Object.fromEntries(c.fields.map((field) => [field.name, field.example]));
        expect(createEvent(catalogue.topic, fromFields, source)).toMatchObject({ ok: true });
      });

      it('refuses a value outside an enum', () => {
        for (const field of c.fields.filter((candidate) => candidate.enum)) {
          const result = createEvent(catalogue.topic, { ...c.example, [field.name]: 'not-in-the-enum' }, source);
          expect({ field: field.name, ok: result.ok }).toEqual({ field: field.name, ok: false });
        }
      });

      it('gives each column alias one field, never another field name', () => {
        const names = c.fields.map((field) => squash(field.name));
        const aliases = c.fields.flatMap((field) => (field.aliases ?? []).map(squash));
        expect(new Set(aliases).size).toBe(aliases.length);
        expect(aliases.filter((alias) => names.includes(alias))).toEqual([]);
      });

      it('names natural-key fields that exist and are required', () => {
        for (const field of c.naturalKey.fields) expect(requiredFieldsOf(c)).toContain(field);
      });

      it('describes input and stored records as schemas', () => {
        const input = inputSchemaOf(c);
        expect(input['required']).toEqual(requiredFieldsOf(c));
        const stored = storedFieldsSchemaOf(c) as { properties: Record<string, unknown> };
        for (const field of c.fields.filter((candidate) => candidate.stored === false)) {
          expect(stored.properties[field.name]).toBeUndefined();
        }
        for (const field of c.derived) expect(stored.properties[field.name]).toBeDefined();
      });

      it(`keeps ${topic}'s resource, service and storage as DESIGN.md names them`, () => {
        expect(c.service).toBe(`${c.resource}-consumer`);
        expect(c.database).toBe(topic);
        expect(c.collection).toBe(topic);
      });
    },
  );

  it('is checked in as catalogue.json for the plain-JS tools (UPDATE_CATALOGUE_JSON=1 rewrites it)', () => {
    const expected = `${JSON.stringify(ALL_CATALOGUES, null, 2)}\n`;
    if (process.env['UPDATE_CATALOGUE_JSON'] === '1') writeFileSync(CATALOGUE_JSON_PATH, expected);
    const actual = readFileSync(CATALOGUE_JSON_PATH, 'utf8');
    if (actual !== expected) {
      throw new Error(
        'libs/kafka-schemas/catalogue.json is out of date: run UPDATE_CATALOGUE_JSON=1 TEST_TIER=unit npx jest --ci libs/kafka-schemas/src/lib/catalogue',
      );
    }
  });
});

describe(fieldSchema.name, () => {
  it('carries type, limits, enum and example; input types and defaults by use', () => {
    const fields = catalogueOf(TOPICS.transactions).fields;
    const field = (name: string) => {
      const found = fields.find((candidate) => candidate.name === name);
      if (!found) throw new Error(`no field ${name}`);
      return found;
    };
    expect(fieldSchema(field('merchant'))).toEqual({
      type: 'string',
      maxLength: 256,
      description: 'Merchant name',
      example: 'Whole Foods',
    });
    expect(fieldSchema(field('status'))).toMatchObject({
      enum: ['pending', 'completed', 'failed', 'refunded'],
      default: 'completed',
    });
    expect(fieldSchema(field('status'), { input: true })['default']).toBeUndefined();
    expect(fieldSchema(field('timestamp'), { input: true })).toMatchObject({
      type: ['string', 'integer'],
      format: 'date-time',
    });
    expect(fieldSchema(field('cardNumber'))['pattern']).toBe('^\\d(?:[ -]?\\d){11,18}$');
  });
});
