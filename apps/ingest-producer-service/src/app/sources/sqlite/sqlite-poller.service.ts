import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { PinoLogger } from 'nestjs-pino';
import { CheckpointStore } from '../checkpoint/checkpoint.store';
import { SourceEvents } from '../progress/source-events';
import { SourceRun } from '../progress/source-run';
import { SourceStallMonitor } from '../progress/source-stalls';
import { pumpRows } from '../pump-rows';
import { RowIngestor } from '../row-ingestor';
import { errorMessage, isTransientError } from '../source-errors';
import { emptyStats } from '../source-row';
import { SourcesConfig } from '../sources.config';
import type { SqliteSourceConfig } from './sqlite-source.config';
import { openSqlite, sqliteRows } from './sqlite-table.reader';

/** Checkpoint id of a configured live SQLite source. */
export const sqliteCheckpointId = (source: Pick<SqliteSourceConfig, 'topic' | 'name'>) => `sqlite:${source.topic}:${source.name}`;

/**
 * Polls the live SQLite tables of SQLITE_SOURCES every INGEST_POLL_INTERVAL_MS, like Kafka
 * Connect's JDBC source: rows past the checkpoint (rowid, an incrementing column, or an
 * updated-at column) are produced in chunks, the checkpoint following each acknowledged chunk.
 */
@Injectable()
export class SqlitePollerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private stopping = false;
  private readonly loops: Promise<void>[] = [];
  private readonly databases = new Map<string, Database.Database>();
  private wake?: () => void;

  constructor(
    private readonly config: SourcesConfig,
    private readonly checkpoints: CheckpointStore,
    private readonly rowIngestor: RowIngestor,
    private readonly events: SourceEvents,
    private readonly stalls: SourceStallMonitor,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(SqlitePollerService.name);
  }

  onApplicationBootstrap(): void {
    if (!this.config.isEnabled('sqlite') || this.config.sqliteSources.length === 0) return;
    for (const source of this.config.sqliteSources) {
      this.logger.info(
        { source: source.name, path: source.path, table: source.table, topic: source.topic, mode: source.mode, column: source.column },
        `polling SQLite source ${source.name} every ${this.config.pollIntervalMs} ms`,
      );
      this.loops.push(this.loop(source));
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await Promise.allSettled(this.loops);
    for (const db of this.databases.values()) db.close();
    this.databases.clear();
  }

  private async loop(source: SqliteSourceConfig): Promise<void> {
    let lastProblem: string | undefined;
    while (!this.stopping) {
      try {
        await this.poll(source);
        lastProblem = undefined;
        this.stalls.idle('sqlite', source.name);
      } catch (error) {
        const problem = errorMessage(error);
        this.stalls.blocked('sqlite', source.name, problem);
        this.closeDatabase(source);
        // One line per distinct problem, not one per poll.
        if (problem !== lastProblem) {
          const transient = isTransientError(error);
          this.logger[transient ? 'warn' : 'error'](
            { source: source.name, path: source.path, error: problem },
            `SQLite source ${source.name}: ${problem}; retrying every ${this.config.pollIntervalMs} ms`,
          );
          lastProblem = problem;
        }
      }
      await this.sleep(this.config.pollIntervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private database(source: SqliteSourceConfig): Database.Database {
    let db = this.databases.get(source.name);
    if (!db) {
      db = openSqlite(source.path);
      this.databases.set(source.name, db);
    }
    return db;
  }

  private closeDatabase(source: SqliteSourceConfig): void {
    this.databases.get(source.name)?.close();
    this.databases.delete(source.name);
  }

  /** One poll: everything past the checkpoint, chunk by chunk. */
  async poll(source: SqliteSourceConfig): Promise<void> {
    const id = sqliteCheckpointId(source);
    const db = this.database(source);
    if (!(await this.checkpoints.claim(id))) return;
    try {
      const checkpoint = await this.checkpoints.get(id);
      const position = checkpoint?.position ?? { rows: 0 };
      const stats = checkpoint?.stats ? { ...checkpoint.stats } : emptyStats();
      const run = new SourceRun(this.logger, this.events, 'sqlite', source.topic, source.name, stats);
      this.stalls.working('sqlite', source.name);
      const rows = sqliteRows(db, source, position, this.config.chunkSize);
      let committed = position;
      await pumpRows(rows, {
        chunkSize: this.config.chunkSize,
        stats,
        shouldStop: () => this.stopping,
        ingest: (chunk) => this.rowIngestor.ingestRows(source.topic, { kind: 'sqlite', name: source.name }, `sqlite-${source.name}`, chunk),
        commit: async (at, totals, chunk) => {
          await this.checkpoints.save(id, { kind: 'sqlite', source: source.name, status: 'active', position: at, stats: totals });
          committed = at;
          this.stalls.progressed('sqlite', source.name);
          run.chunkDone(chunk.produced + chunk.rejected, chunk, at);
        },
      });
      const newRows = stats.read - (checkpoint?.stats.read ?? 0);
      if (newRows > 0) {
        this.logger.info({ ...run.summary(), newRows, lastRowid: committed.rowid }, `SQLite source ${source.name}: ${newRows} new rows`);
      }
    } finally {
      await this.checkpoints.release(id).catch(() => undefined);
    }
  }
}
