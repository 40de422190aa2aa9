import { ALL_TOPICS, catalogueOf } from '@datalake/kafka-schemas';
import { recordDtoOf, recordPageDtoOf, TransactionPageDto, TransactionRecordDto } from './record-responses.dto';

/** Where @nestjs/swagger keeps property metadata (its DECORATORS constants). */
const API_MODEL_PROPERTIES_ARRAY = 'swagger/apiModelPropertiesArray';
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';

/** The properties swagger documents on a DTO class. */
function documented(dto: new () => object): Record<string, { required?: boolean; description?: string }> {
  const names = (Reflect.getMetadata(API_MODEL_PROPERTIES_ARRAY, dto.prototype) as string[]).map((name) =>
    name.slice(1),
  );
  return Object.fromEntries(
    names.map((name) => [name, Reflect.getMetadata(API_MODEL_PROPERTIES, dto.prototype, name)]),
  );
}

describe('record response DTOs', () => {
  it('keeps the schema names clients are generated from', () => {
    expect(TransactionRecordDto.name).toBe('TransactionRecordDto');
    expect(TransactionPageDto.name).toBe('TransactionPageDto');
    expect(ALL_TOPICS.map((topic) => recordDtoOf(topic).name)).toEqual([
      'NetworkLogRecordDto',
      'SocialPostRecordDto',
      'TransactionRecordDto',
    ]);
    expect(ALL_TOPICS.map((topic) => recordPageDtoOf(topic).name)).toEqual([
      'NetworkLogPageDto',
      'SocialPostPageDto',
      'TransactionPageDto',
    ]);
  });

  it.each(ALL_TOPICS)(
    'documents every stored and derived %s field from the catalogue, and no input-only field',
    (topic) => {
      const catalogue = catalogueOf(topic);
      const properties = documented(recordDtoOf(topic));
      for (const field of [
        ...catalogue.fields.filter((candidate) => candidate.stored !== false),
        ...catalogue.derived,
      ]) {
        expect({ field: field.name, documented: field.name in properties }).toEqual({
          field: field.name,
          documented: true,
        });
      }
      for (const field of catalogue.fields.filter((candidate) => candidate.stored === false))
        expect(properties).not.toHaveProperty(field.name);
      expect(Object.keys(properties)).toEqual(expect.arrayContaining(['id', 'ingestedAt', 'source', 'eventId']));
    },
  );

  it('marks fields only some records have as optional', () => {
    const properties = documented(TransactionRecordDto);
    expect(properties['cardLast4'].required).toBe(false);
    expect(properties['merchant'].required).toBe(false);
    // swagger's default is required
    expect(properties['status'].required).not.toBe(false); // stored with its default when left out
    expect(properties['riskFlags'].required).not.toBe(false);
    expect(properties['riskFlags'].description).toContain('high_amount');
    expect(properties['riskFlags']).not.toHaveProperty('enum'); // derived values stay open for clients
  });
});
