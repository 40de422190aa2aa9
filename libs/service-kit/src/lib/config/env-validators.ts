import { applyDecorators } from '@nestjs/common';
import { IsInt, Max, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import { parseBrokerList } from './broker-list';

/** A TCP port number, 1–65535. */
export function IsPort(): PropertyDecorator {
  return applyDecorators(IsInt(), Min(1), Max(65535));
}

export function IsBrokerList(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isBrokerList',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseBrokerList(value) !== undefined,
        defaultMessage: () => 'must be a comma-separated list of host:port (e.g. 127.0.0.1:9092)',
      },
    },
    options,
  );
}

export function IsMongoUri(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isMongoUri',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && /^mongodb(\+srv)?:\/\/[^\s/]+/.test(value),
        defaultMessage: () => 'must be a mongodb:// or mongodb+srv:// URI',
      },
    },
    options,
  );
}

export const JWT_SECRET_MIN_LENGTH = 32;

/**
 * An HS256 signing key of at least 32 characters; shorter keys pass only when the validated
 * object's NODE_ENV is `development`.
 */
export function IsJwtSecret(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isJwtSecret',
      validator: {
        validate: (value: unknown, args) =>
          typeof value === 'string' &&
          value.length > 0 &&
          (value.length >= JWT_SECRET_MIN_LENGTH || (args?.object as { NODE_ENV?: string }).NODE_ENV === 'development'),
        defaultMessage: () => `must be at least ${JWT_SECRET_MIN_LENGTH} characters (shorter only with NODE_ENV=development)`,
      },
    },
    options,
  );
}
