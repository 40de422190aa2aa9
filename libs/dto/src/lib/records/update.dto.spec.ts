import { ALL_TOPICS, catalogueOf, mutableFieldsOf, TOPICS } from '@datalake/kafka-schemas';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { apiPropertyOf } from './catalogue-property';
import { RECORD_DTOS } from './record-dtos';
import { NetworkLogUpdateDto, SocialPostUpdateDto, TransactionUpdateDto } from './update.dto';

/** Messages of a body as the ValidationPipe sees it (whitelist, unknown fields refused). */
function errorsOf(dto: new () => object, body: Record<string, unknown>): string[] {
  const errors = validateSync(plainToInstance(dto, body), { whitelist: true, forbidNonWhitelisted: true });
  return errors.flatMap((error) => Object.values(error.constraints ?? {}));
}

describe('update DTOs from the topic catalogue', () => {
  it.each(ALL_TOPICS)('%s: accepts every mutable field and nothing else', (topic) => {
    const dto = RECORD_DTOS[topic].updateBody;
    const fields = mutableFieldsOf(catalogueOf(topic));
    // A type with no mutable fields (a new one, say) refuses every update body.
    if (fields.length === 0) return expect(errorsOf(dto, { timestamp: 'changed' })).not.toEqual([]);
    expect(errorsOf(dto, Object.fromEntries(fields.map((field) => [field.name, field.example])))).toEqual([]);
    expect(errorsOf(dto, {})).toEqual([]);
    const immutable = catalogueOf(topic).fields.find((field) => !field.mutable);
    expect(errorsOf(dto, { [immutable?.name ?? 'x']: 'changed' })).toEqual([
      `property ${immutable?.name ?? 'x'} should not exist`,
    ]);
  });

  it('keeps the class names the OpenAPI schemas are named after', () => {
    expect([TransactionUpdateDto.name, SocialPostUpdateDto.name, NetworkLogUpdateDto.name]).toEqual([
      'TransactionUpdateDto',
      'SocialPostUpdateDto',
      'NetworkLogUpdateDto',
    ]);
  });

  it('validates transactions as before', () => {
    expect(errorsOf(TransactionUpdateDto, { status: 'refunded', merchant: 'Shop' })).toEqual([]);
    expect(errorsOf(TransactionUpdateDto, { status: 'stolen' })).toEqual([
      'status must be one of the following values: pending, completed, failed, refunded',
    ]);
    expect(errorsOf(TransactionUpdateDto, { merchant: 'x'.repeat(257) })).toEqual([
      'merchant must be shorter than or equal to 256 characters',
    ]);
    expect(errorsOf(TransactionUpdateDto, { amount: '1.00' })).toEqual(['property amount should not exist']);
  });

  it('validates social posts as before', () => {
    expect(errorsOf(SocialPostUpdateDto, { likes: 3, shares: 0, lang: 'pt-BR', content: 'hi' })).toEqual([]);
    expect(errorsOf(SocialPostUpdateDto, { likes: -1 })).toEqual(['likes must not be less than 0']);
    expect(errorsOf(SocialPostUpdateDto, { likes: 1.5 })).toEqual(['likes must be an integer number']);
    expect(errorsOf(SocialPostUpdateDto, { content: 'a'.repeat(10_001) })).toEqual([
      'content must be shorter than or equal to 10000 characters',
    ]);
    expect(errorsOf(SocialPostUpdateDto, { lang: 'english!' })).toEqual([
      'lang must be a language tag like "en" or "pt-BR"',
    ]);
  });

  it('validates network logs as before', () => {
    expect(errorsOf(NetworkLogUpdateDto, { action: 'deny', severity: 'warning', host: 'fw', message: 'm' })).toEqual(
      [],
    );
    expect(errorsOf(NetworkLogUpdateDto, { severity: 3 })).toEqual([
      'severity must be shorter than or equal to 32 characters',
      'severity must be a string',
    ]);
    expect(errorsOf(NetworkLogUpdateDto, { sourceIp: '10.0.0.1' })).toEqual(['property sourceIp should not exist']);
  });
});

describe(apiPropertyOf.name, () => {
  it('documents a catalogue field for OpenAPI, input types as oneOf', () => {
    const fields = catalogueOf(TOPICS.transactions).fields;
    const status = fields.find((field) => field.name === 'status');
    const amount = fields.find((field) => field.name === 'amount');
    if (!status || !amount) throw new Error('catalogue fields missing');
    expect(apiPropertyOf(status)).toMatchObject({
      type: 'string',
      enum: ['pending', 'completed', 'failed', 'refunded'],
      default: 'completed',
    });
    expect(apiPropertyOf(amount, { input: true })).toMatchObject({
      oneOf: [{ type: 'string' }, { type: 'number' }],
      example: '12.50',
    });
    const riskFlags = catalogueOf(TOPICS.transactions).derived.find((field) => field.name === 'riskFlags');
    expect(riskFlags && apiPropertyOf(riskFlags)).toMatchObject({ type: 'array', items: { type: 'string' } });
  });
});
