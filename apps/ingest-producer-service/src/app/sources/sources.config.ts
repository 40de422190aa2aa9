import { resolve } from 'node:path';
import type { Topic } from '@datalake/kafka-schemas';
import { enabledSources, type IngestEnv, type SourceName } from '../ingest.env';
import { parseSqliteSources, parseSqliteTables, type SqliteSourceConfig } from './sqlite/sqlite-source.config';

/** The sources' settings, read once from the validated IngestEnv. */
export class SourcesConfig {
  constructor(
    readonly enabled: ReadonlySet<SourceName>,
    /** Absolute inbox root: `<inboxDir>/<topic>/`. */
    readonly inboxDir: string,
    readonly pollIntervalMs: number,
    readonly fileStableMs: number,
    readonly chunkSize: number,
    readonly watchPolling: boolean,
    readonly sqliteTables: Partial<Record<Topic, string>>,
    readonly sqliteSources: readonly SqliteSourceConfig[],
    readonly syslog: { host: string; port: number; flushMs: number },
    /** SOURCE_STALL_SECONDS: no progress for longer is reported (log, metric, readiness). */
    readonly stallSeconds = 120,
  ) {}

  static fromEnv(env: IngestEnv): SourcesConfig {
    const tables = parseSqliteTables(env.INGEST_SQLITE_TABLES);
    const sources = parseSqliteSources(env.SQLITE_SOURCES);
    // IngestEnv validated both already; this only narrows the types.
    if (!tables.ok || !sources.ok) throw new Error('INGEST_SQLITE_TABLES or SQLITE_SOURCES is invalid');
    return new SourcesConfig(
      enabledSources(env),
      resolve(env.INGEST_DIR),
      env.INGEST_POLL_INTERVAL_MS,
      env.INGEST_FILE_STABLE_MS,
      env.INGEST_CHUNK_SIZE,
      env.INGEST_WATCH_POLLING,
      tables.value,
      sources.value,
      { host: env.SYSLOG_HOST, port: env.SYSLOG_PORT, flushMs: env.SYSLOG_FLUSH_MS },
      env.SOURCE_STALL_SECONDS,
    );
  }

  isEnabled(source: SourceName): boolean {
    return this.enabled.has(source);
  }
}
