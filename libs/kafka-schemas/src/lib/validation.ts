import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError, registerDecorator, type ValidationOptions } from 'class-validator';
import { fail, ok, type Result } from './schema-error';
import { parseTimestamp } from './normalize';
import { JSON_LIMITS, valueDepth } from './json-limits';

/** Flattens class-validator errors into one readable sentence. */
export function describeValidationErrors(errors: ValidationError[], prefix = ''): string {
  return errors
    .flatMap((error) => {
      const path = prefix ? `${prefix}.${error.property}` : error.property;
      const own = Object.values(error.constraints ?? {});
      const nested = error.children?.length ? [describeValidationErrors(error.children, path)] : [];
      return [...own, ...nested];
    })
    .join('; ');
}

/**
 * Validates a plain object against a payload class. Unknown fields are dropped (whitelist), so only
 * declared scalar fields ever reach storage. Never throws: input nested past JSON_LIMITS.maxDepth is
 * TOO_DEEP, and anything the validators throw for this one input (a RangeError, say) is
 * PROCESSING_FAILED, a refusal of the record rather than a failure of its batch.
 */
export function validatePayload<T extends object>(cls: ClassConstructor<T>, input: unknown): Result<T> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return fail('INVALID_PAYLOAD', 'payload must be a JSON object');
  }
  try {
    if (valueDepth(input, JSON_LIMITS.maxDepth) > JSON_LIMITS.maxDepth) {
      return fail('TOO_DEEP', `JSON nesting deeper than ${JSON_LIMITS.maxDepth} levels is refused`);
    }
    const instance = plainToInstance(cls, input, { exposeDefaultValues: true });
    const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: true });
    if (errors.length > 0) return fail('INVALID_PAYLOAD', describeValidationErrors(errors));
    const withNul = pathOfNul(instance);
    if (withNul !== undefined) return fail('INVALID_PAYLOAD', `${withNul} must not contain the NUL character (U+0000)`);
    return ok(instance);
  } catch (error) {
    return fail('PROCESSING_FAILED', `validation could not process the payload: ${describeThrown(error)}`);
  }
}

/**
 * Path of the first string holding U+0000, if any. Text fields never need it, and the local
 * PostgreSQL-backed MongoDB server cannot store it: refused per record, with its field named.
 */
export function pathOfNul(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'value' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = pathOfNul(item, path ? `${path}.${key}` : key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** `Name: message` of anything thrown, for a refusal reason (the reason is never parsed back). */
export function describeThrown(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 500);
  return String(error).slice(0, 500);
}

/** ISO 8601 date-time or epoch milliseconds. */
export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isTimestamp',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be an ISO 8601 date-time or epoch milliseconds`, ...options },
      validator: { validate: (value: unknown) => parseTimestamp(value) !== undefined },
    });
}
