import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsIP,
  IsString,
  Matches,
  Max,
  Min,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { DataServiceEnv, IsPort, IsPortDistinctFrom } from '@datalake/service-kit';
import { parseSqliteSources, parseSqliteTables, type ConfigResult } from './sources/sqlite/sqlite-source.config';

/** Sources besides HTTP push that INGEST_SOURCES can switch on. */
export const SOURCE_NAMES = ['files', 'tail', 'sqlite', 'syslog'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

const SOURCE_LIST = new RegExp(`^(none|(${SOURCE_NAMES.join('|')})(\\s*,\\s*(${SOURCE_NAMES.join('|')}))*)$`);

/** A variable holding JSON (or the path of a JSON file) that `parse` must accept. */
function IsJsonConfig(parse: (value: string) => ConfigResult<unknown>, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isJsonConfig',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parse(value).ok,
        defaultMessage: (args) => {
          const result = typeof args?.value === 'string' ? parse(args.value) : undefined;
          return result && !result.ok ? result.error : 'must be JSON text or the path of a JSON file';
        },
      },
    },
    options,
  );
}

/** "true"/"false" from the environment (implicit conversion would turn "false" into true). */
const toBoolean = ({ obj, key }: { obj: Record<string, unknown>; key: string }) => {
  const raw = obj[key];
  if (raw === undefined || typeof raw === 'boolean') return raw ?? false;
  const text = String(raw).trim().toLowerCase();
  return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : raw;
};

export class IngestEnv extends DataServiceEnv {
  @IsPort()
  INGEST_PORT: number = 3002;

  /** `/metrics`, `/health/live`, `/health/ready`: probes and Prometheus only. */
  @IsPortDistinctFrom('INGEST_PORT')
  INGEST_MANAGEMENT_PORT: number = 9002;

  @IsPort()
  SYSLOG_PORT: number = 5514;

  /** Address the syslog UDP and TCP listeners bind. */
  @IsIP()
  SYSLOG_HOST: string = '0.0.0.0';

  /** Longest a received syslog message waits for its batch to be produced (ms). */
  @IsInt()
  @Min(1)
  @Max(60_000)
  SYSLOG_FLUSH_MS: number = 200;

  /** File inbox: `<INGEST_DIR>/<topic>/`. */
  @IsString()
  INGEST_DIR: string = '.datalake/inbox';

  /** Sources run besides HTTP push: comma-separated `files,tail,sqlite,syslog`, or `none`. */
  @Matches(SOURCE_LIST, {
    message: `INGEST_SOURCES must be "none" or a comma-separated list of ${SOURCE_NAMES.join(', ')}`,
  })
  INGEST_SOURCES: string = SOURCE_NAMES.join(',');

  /** How often the inbox is rescanned, live files re-read and SQLite sources polled (ms). */
  @IsInt()
  @Min(20)
  @Max(3_600_000)
  INGEST_POLL_INTERVAL_MS: number = 1000;

  /** A dropped file is read once it has not changed for this long (ms). */
  @IsInt()
  @Min(0)
  @Max(600_000)
  INGEST_FILE_STABLE_MS: number = 1000;

  /** Records per produce call, and per checkpoint, for file and SQLite sources. */
  @IsInt()
  @Min(1)
  @Max(10_000)
  INGEST_CHUNK_SIZE: number = 500;

  /**
   * Largest record batch (bytes) one produce request carries: the broker's default
   * `message.max.bytes`. Lowered at start to the topics' `max.message.bytes` when smaller; a record
   * that cannot fit alone is refused (TOO_LARGE).
   */
  @IsInt()
  @Min(65_536)
  @Max(104_857_600)
  KAFKA_MAX_MESSAGE_BYTES: number = 1_048_576;

  /**
   * Longest one produce call may take (ms), waiting for its turn included. Below the gateway's
   * UPSTREAM_TIMEOUT_MS (10 s) so an ingest caller gets the truthful answer, not a 504.
   */
  @IsInt()
  @Min(1000)
  @Max(120_000)
  KAFKA_SEND_TIMEOUT_MS: number = 8000;

  /** Watch the inbox by polling, for network file systems where change events do not arrive. */
  @Transform(toBoolean)
  @IsBoolean()
  INGEST_WATCH_POLLING: boolean = false;

  /** Dropped `.sqlite`/`.db` files: JSON `{"<topic>": "<table>"}`; by default the table named after the topic. */
  @IsJsonConfig(parseSqliteTables)
  INGEST_SQLITE_TABLES: string = '';

  /**
   * A source (inbox file, live file, SQLite source, syslog buffer) that makes no progress for this
   * long is reported: a warning, `datalake_source_seconds_since_progress` and /health/ready (503).
   */
  @IsInt()
  @Min(1)
  @Max(86_400)
  SOURCE_STALL_SECONDS: number = 120;

  /** Live SQLite tables polled incrementally: a JSON array, or the path of a JSON file holding one. */
  @IsJsonConfig(parseSqliteSources)
  SQLITE_SOURCES: string = '';
}

/** The sources INGEST_SOURCES switches on. */
export function enabledSources(env: Pick<IngestEnv, 'INGEST_SOURCES'>): Set<SourceName> {
  if (env.INGEST_SOURCES.trim() === 'none') return new Set();
  return new Set(env.INGEST_SOURCES.split(',').map((name) => name.trim() as SourceName));
}
