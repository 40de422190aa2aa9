import { applyDecorators } from '@nestjs/common';
import { IsInt, Max, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import { parseBrokerList } from './broker-list';
import { isLocalDevelopment, JWT_SECRET_MIN_BYTES, jwtSecretProblem, LOCAL_DEV_FLAG } from './jwt-secret';

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

/**
 * An HS256 signing key: at least 32 bytes, not one repeated character, not whitespace, not a
 * value published in this repository's examples — in every environment. Only with
 * DATALAKE_LOCAL_DEV=1 (set by `npm start`) does a weak key pass, with a warning at start.
 */
export function IsJwtSecret(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isJwtSecret',
      validator: {
        validate: (value: unknown, args) =>
          typeof value === 'string' &&
          value.length > 0 &&
          (jwtSecretProblem(value) === undefined ||
            isLocalDevelopment((args?.object as Record<string, unknown>)[LOCAL_DEV_FLAG])),
        defaultMessage: (args) =>
          `${jwtSecretProblem(String(args?.value ?? '')) ?? 'is not a usable secret'}: use at least ${JWT_SECRET_MIN_BYTES} random bytes, e.g. openssl rand -base64 48 (${LOCAL_DEV_FLAG}=1 allows a weak one on a laptop)`,
      },
    },
    options,
  );
}

/** A port that must not be the one in variable `other` (the management port vs the public port). */
export function IsPortDistinctFrom(other: string, options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    IsPort(),
    ValidateBy(
      {
        name: 'isPortDistinctFrom',
        validator: {
          validate: (value: unknown, args) => value !== (args?.object as Record<string, unknown>)[other],
          defaultMessage: () => `must differ from ${other}`,
        },
      },
      options,
    ),
  );
}
