import { fieldSchema, type DerivedFieldSpec, type FieldSpec } from '@datalake/kafka-schemas';
import type { ApiPropertyOptions } from '@nestjs/swagger';

/**
 * The OpenAPI property of a catalogue field, for `@ApiProperty(...)` / `@ApiPropertyOptional(...)`
 * on DTOs built from the topic catalogue (update bodies here; response schemas alike).
 */
export function apiPropertyOf(
  field: FieldSpec | DerivedFieldSpec,
  options: { input?: boolean } = {},
): ApiPropertyOptions {
  const { type, items, ...schema } = fieldSchema(field, options) as Record<string, unknown> & {
    type: unknown;
    items?: unknown;
  };
  const single = Array.isArray(type) ? undefined : type;
  return {
    ...schema,
    // swagger wants a constructor or a single type name; several input types become oneOf
    ...(single === 'array'
      ? { type: 'array', items }
      : single
        ? { type: single }
        : { oneOf: (type as string[]).map((t) => ({ type: t })) }),
  } as ApiPropertyOptions;
}
