import { ConfigError } from './load-env';
import { IsIn, IsInt, Matches, Max, Min } from 'class-validator';
import { IsBrokerList, IsJwtSecret, IsMongoUri } from './env-validators';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Variables every service reads. */
export class BaseEnv {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: string = 'info';

  /** `1` on a developer's machine only (`npm start` sets it): lets a weak JWT_SECRET through with a warning. */
  @IsIn(['0', '1', 'true', 'false'])
  DATALAKE_LOCAL_DEV: string = '0';
}

/**
 * The key of the short-lived tokens the gateway mints for every internal call (separate from
 * JWT_SECRET, held to the same rules). The gateway signs with it; every internal service verifies.
 */
export class InternalCallEnv extends BaseEnv {
  @IsJwtSecret()
  INTERNAL_TOKEN_SECRET!: string;
}

/** Variables of services that talk to Kafka and MongoDB (all of them internal services). */
export class DataServiceEnv extends InternalCallEnv {
  @IsBrokerList()
  KAFKA_BOOTSTRAP_SERVERS!: string;

  @IsMongoUri()
  MONGO_URI!: string;

  /** Namespace before every Kafka topic name, so several environments can share a cluster. */
  @Matches(/^[A-Za-z0-9._-]*$/, { message: 'KAFKA_TOPIC_PREFIX may only contain letters, digits, ".", "_" and "-"' })
  KAFKA_TOPIC_PREFIX: string = '';

  /** Partitions of each topic a service creates when it is missing. */
  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_TOPIC_PARTITIONS: number = 3;
}

/** Reads a TCP port variable, e.g. `TRANSACTIONS_PORT`, falling back to its default. */
export function readPort(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`Invalid configuration: ${name} must be a port number between 1 and 65535`);
  }
  return port;
}

/** The failed-sign-in limit both the gateway and the auth-service apply to `/token`. */
export class SignInLimitEnv extends InternalCallEnv {
  /** Failed `/token` attempts per username per window (429 past it). */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  TOKEN_FAILURES_PER_USERNAME: number = 10;

  @IsInt()
  @Min(1)
  @Max(24 * 60)
  TOKEN_FAILURE_WINDOW_MINUTES: number = 15;
}

/** Reads a service's management port variable; it must differ from its public port. */
export function readManagementPort(
  name: string,
  fallback: number,
  publicPort: { name: string; port: number },
  env: NodeJS.ProcessEnv = process.env,
): number {
  const port = readPort(name, fallback, env);
  if (port === publicPort.port)
    throw new ConfigError(`Invalid configuration: ${name} must differ from ${publicPort.name}`);
  return port;
}
