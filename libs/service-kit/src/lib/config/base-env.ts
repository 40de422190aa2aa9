import { IsIn, IsOptional, IsString } from 'class-validator';
import { IsBrokerList, IsMongoUri } from './env-validators';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Variables every service reads. */
export class BaseEnv {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: string = 'info';

  /** Pretty, human-readable logs instead of JSON lines (local development). */
  @IsOptional()
  @IsIn(['true', 'false'])
  LOG_PRETTY?: string;
}

/** Variables of services that talk to Kafka and MongoDB. */
export class DataServiceEnv extends BaseEnv {
  @IsBrokerList()
  KAFKA_BOOTSTRAP_SERVERS!: string;

  @IsMongoUri()
  MONGO_URI!: string;

  @IsOptional()
  @IsString()
  KAFKA_CLIENT_ID?: string;
}
