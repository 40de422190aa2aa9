import { ValidateBy, type ValidationOptions } from 'class-validator';
import { parseBrokerList } from './broker-list';

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
