import { HttpException } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, ValidateNested } from 'class-validator';
import { createValidationPipe, fieldErrorsOf } from './problem-validation.pipe';

class Inner {
  @IsString() name!: string;
}

class Query {
  @Type(() => Number) @IsInt() @Max(500) limit!: number;
  @ValidateNested() @Type(() => Inner) inner!: Inner;
}

async function refusal(value: unknown): Promise<Record<string, unknown>> {
  try {
    await createValidationPipe(Query).transform(value, { type: 'query', metatype: Query });
  } catch (error) {
    expect(error).toBeInstanceOf(HttpException);
    expect((error as HttpException).getStatus()).toBe(400);
    return (error as HttpException).getResponse() as Record<string, unknown>;
  }
  throw new Error('the pipe let the value through');
}

describe('ProblemValidationPipe', () => {
  it("keeps Nest's message array and adds one errors[] entry per field and rule", async () => {
    const body = await refusal({ limit: '900', inner: { name: 5 }, extra: 'x' });
    expect(body['statusCode']).toBe(400);
    expect(body['message']).toEqual(
      expect.arrayContaining([
        'limit must not be greater than 500',
        'inner.name must be a string',
        'property extra should not exist',
      ]),
    );
    expect(body['errors']).toEqual(
      expect.arrayContaining([
        { field: 'limit', message: 'limit must not be greater than 500' },
        { field: 'inner.name', message: 'name must be a string' },
        { field: 'extra', message: 'property extra should not exist' },
      ]),
    );
  });

  it('bounds the number of field errors', () => {
    const errors = Array.from({ length: 500 }, (_, i) => ({
      property: `f${i}`,
      constraints: { a: 'bad', b: 'worse' },
      children: [],
    }));
    expect(fieldErrorsOf(errors, 100)).toHaveLength(100);
  });
});
