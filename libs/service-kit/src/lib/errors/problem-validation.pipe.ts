import { HttpException, type Type, ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import type { FieldError } from './problem-details';

/** At most this many `errors[]` entries: a hostile body with thousands of bad fields gets a bounded answer. */
export const MAX_FIELD_ERRORS = 100;

/** One entry per invalid field and rule; nested fields are named by their path (`a.b`). */
export function fieldErrorsOf(errors: readonly ValidationError[], limit = MAX_FIELD_ERRORS): FieldError[] {
  const found: FieldError[] = [];
  const stack = [...errors].reverse().map((error) => ({ error, path: error.property }));
  while (stack.length > 0 && found.length < limit) {
    const { error, path } = stack.pop() as { error: ValidationError; path: string };
    for (const message of Object.values(error.constraints ?? {})) {
      if (found.length < limit) found.push({ field: path, message });
    }
    const children = error.children ?? [];
    for (let i = children.length - 1; i >= 0; i--)
      stack.push({ error: children[i], path: `${path}.${children[i].property}` });
  }
  return found;
}

/**
 * Nest's ValidationPipe with the same 400 answer (`message`: one string per problem) plus
 * `errors: [{field, message}]`, so a client can point at the field.
 */
export class ProblemValidationPipe extends ValidationPipe {
  override createExceptionFactory() {
    const nestFactory = super.createExceptionFactory();
    return (validationErrors: ValidationError[] = []) => {
      const exception = nestFactory(validationErrors);
      if (!(exception instanceof HttpException)) return exception;
      const body = exception.getResponse();
      if (typeof body !== 'object') return exception;
      return new HttpException({ ...body, errors: fieldErrorsOf(validationErrors) }, exception.getStatus(), {
        cause: exception,
      });
    };
  }
}

/** The request validation every service uses: unknown fields are refused, types converted. */
export function createValidationPipe(expectedType?: Type): ValidationPipe {
  return new ProblemValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, expectedType });
}
