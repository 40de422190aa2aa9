import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError, registerDecorator, type ValidationOptions } from 'class-validator';
import { fail, ok, type Result } from './schema-error';
import { parseTimestamp } from './normalize';

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
 * declared scalar fields ever reach storage.
 */
export function validatePayload<T extends object>(cls: ClassConstructor<T>, input: unknown): Result<T> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return fail('INVALID_PAYLOAD', 'payload must be a JSON object');
  }
  const instance = plainToInstance(cls, input, { exposeDefaultValues: true });
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) return fail('INVALID_PAYLOAD', describeValidationErrors(errors));
  return ok(instance);
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
