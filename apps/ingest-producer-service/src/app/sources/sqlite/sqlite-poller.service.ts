import { Injectable } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { PinoLogger } from 'nestjs-pino';
import { CheckpointStore } from '../checkpoint/checkpoint.store';
import { IngestSource } from '../lifecycle/ingest-source';
import { SourcePump } from '../lifecycle/source-pump';
import { SourceStallMonitor } from '../progress/source-stalls';
import { emptyStats } from '../source-row';
import { SourcesConfig } from '../sources.config';
import type { SqliteSourceConfig } from './sqlite-source.config';
import { openSqlite, sqliteRows } from './sqlite-table.reader';

/** Checkpoint id of a configured live SQLite source. */
export const sqliteCheckpointId = (source: Pick<SqliteSourceConfig, 'topic' | 'name'>) =>
  `sqlite:${source.topic}:${source.name}`;

/**
 * Polls the live SQLite tables of SQLITE_SOURCES every INGEST_POLL_INTERVAL_MS, like Kafka
 * Connect's JDBC source: rows past the checkpoint (rowid, an incrementing column, or an
 * updated-at column) are produced in chunks, the checkpoint following each acknowledged chunk.
 */
@Injectable()
export class SqlitePollerService extends IngestSource {
  protected readonly kind = 'sqlite';
  protected readonly setting = 'sqlite';
  private readonly databases = new Map<string, Database.Database>();

  constructor(
    config: SourcesConfig,
    private readonly checkpoints: CheckpointStore,
    private readonly pump: SourcePump,
    stalls: SourceStallMonitor,
    logger: PinoLogger,
  ) {
    super(config, stalls, logger);
    this.logger.setContext(SqlitePollerService.name);
  }

  protected start(): void {
    for (const source of this.config.sqliteSources) {
      this.logger.info(
        {
          source: source.name,
          path: source.path,
          table: source.table,
          topic: source.topic,
          mode: source.mode,
          column: source.column,
        },
        `polling SQLite source ${source.name} every ${this.config.pollIntervalMs} ms`,
      );
      void this.run(source.name, () => this.loop(source));
    }
  }

  protected override drained(): void {
    for (const db of this.databases.values()) db.close();
    this.databases.clear();
  }

  private async loop(source: SqliteSourceConfig): Promise<void> {
    while (!this.stopping) {
      const attempt = await this.attempt(source.name, () => this.poll(source), {
        fields: { source: source.name, path: source.path },
        message: (problem) =>
          `SQLite source ${source.name}: ${problem}; retrying every ${this.config.pollIntervalMs} ms`,
        recovered: `SQLite source ${source.name} is polled again`,
      });
      // Reopened on the next poll: the file may have been replaced, or its lock released.
      if (!attempt.ok) this.closeDatabase(source);
      await this.sleep(this.config.pollIntervalMs);
    }
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
    await this.checkpoints.withLease(id, async () => {
      const checkpoint = await this.checkpoints.get(id);
      const position = checkpoint?.position ?? { rows: 0 };
      const stats = checkpoint?.stats ? { ...checkpoint.stats } : emptyStats();
      let committed = position;
      const { run } = await this.pump.pump(sqliteRows(db, source, position, this.config.chunkSize), {
        kind: 'sqlite',
        topic: source.topic,
        name: source.name,
        checkpointId: id,
        source: { kind: 'sqlite', name: source.name },
        correlationId: `sqlite-${source.name}`,
        stats,
        logger: this.logger,
        shouldStop: () => this.stopping,
        onCommitted: (at) => (committed = at),
      });
      const newRows = stats.read - (checkpoint?.stats.read ?? 0);
      if (newRows > 0) {
        this.logger.info(
          { ...run.summary(), newRows, lastRowid: committed.rowid },
          `SQLite source ${source.name}: ${newRows} new rows`,
        );
      }
    });
  }
}
