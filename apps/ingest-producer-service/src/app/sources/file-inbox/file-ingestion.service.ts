import type { Stats } from 'node:fs';
import { access, lstat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { dlqTopicOf, type Topic } from '@datalake/kafka-schemas';
import { CheckpointStore, type Checkpoint } from '../checkpoint/checkpoint.store';
import { SourcePump, type SourcePumpResult } from '../lifecycle/source-pump';
import { sourceMetrics } from '../progress/source-metrics';
import { SourceEvents, type FileOutcome } from '../progress/source-events';
import type { RowRejection } from '../row-ingestor';
import { errorMessage, isTransientError } from '../source-errors';
import { emptyStats, UnreadableFileError, type RowStats, type SourcePosition, type SourceRow } from '../source-row';
import { SourcesConfig } from '../sources.config';
import { openSqlite, sqliteRows } from '../sqlite/sqlite-table.reader';
import {
  fileCheckpointId,
  formatOf,
  INBOX_SUBDIRS,
  moveInto,
  nonRegularKind,
  NotRegularFileError,
  writeJsonReport,
  type InboxFormat,
} from './inbox-file';
import { csvRows } from './readers/csv.reader';
import { jsonRows } from './readers/json.reader';
import { ndjsonRows } from './readers/ndjson.reader';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Refused rows listed in a processed file's report; all of them are in the DLQ. */
const MAX_REPORTED_REJECTIONS = 100;

/**
 * Ingests one dropped file: resumes at its checkpoint, produces it chunk by chunk (checkpoint after
 * each acknowledged chunk), then moves it to `processed/` — or, when it cannot be read, to
 * `failed/` beside `<name>.error.json`. Kafka or Mongo being down is not the file's fault: the
 * error propagates and the file stays for a later try.
 */
@Injectable()
export class FileIngestionService {
  constructor(
    private readonly config: SourcesConfig,
    private readonly checkpoints: CheckpointStore,
    private readonly pump: SourcePump,
    private readonly events: SourceEvents,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(FileIngestionService.name);
  }

  /** 'retry' when another instance holds the file's lease. Transient errors propagate. */
  async ingestFile(topic: Topic, path: string, shouldStop: () => boolean): Promise<FileOutcome> {
    const format = formatOf(path);
    const name = `${topic}/${basename(path)}`;
    let stats: Stats;
    try {
      stats = await lstat(path); // the entry itself: a link is not followed
    } catch {
      return 'skipped'; // gone: moved by another instance, or removed by its writer
    }
    if (!format) return 'skipped';
    const kind = nonRegularKind(stats);
    if (kind) return this.refuseNonRegular(topic, path, name, new NotRegularFileError(kind));
    let id: string;
    try {
      id = await fileCheckpointId(topic, path, stats);
    } catch (error) {
      // Swapped for a link or a FIFO since the lstat: refused the same way, without reading it.
      if (error instanceof NotRegularFileError) return this.refuseNonRegular(topic, path, name, error);
      return 'skipped';
    }
    if (!(await this.checkpoints.claim(id))) return 'retry';
    try {
      const checkpoint = await this.checkpoints.get(id);
      if (stats.size === 0) {
        const empty = new UnreadableFileError('EMPTY_FILE', 'the file is empty (0 bytes): there is nothing to ingest');
        return await this.fail(topic, path, name, id, { rows: 0 }, emptyStats(), empty);
      }
      if (checkpoint?.status === 'done') {
        this.logger.info(
          { file: name, checkpoint: id },
          `${name} was already ingested; moving it to processed/ without producing it again`,
        );
        const moved = await moveInto(join(dirname(path), INBOX_SUBDIRS.processed), path);
        this.finish(topic, name, 'skipped', moved, checkpoint.stats);
        return 'skipped';
      }
      return await this.produceFile(topic, path, name, format, id, checkpoint, shouldStop);
    } catch (error) {
      // Another instance finished and moved the file between our look and our claim.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !(await exists(path))) return 'skipped';
      throw error;
    } finally {
      await this.checkpoints.release(id).catch(() => undefined);
    }
  }

  private async produceFile(
    topic: Topic,
    path: string,
    name: string,
    format: InboxFormat,
    id: string,
    checkpoint: Checkpoint | null,
    shouldStop: () => boolean,
  ): Promise<FileOutcome> {
    const position: SourcePosition = checkpoint?.position ?? { rows: 0 };
    const stats: RowStats = checkpoint?.stats ? { ...checkpoint.stats } : emptyStats();
    const rejections: RowRejection[] = [];
    this.logger.info(
      {
        file: name,
        format,
        checkpoint: id,
        ...(position.rows > 0 ? { resumeAfterRows: position.rows, resumeAfterLine: position.line } : {}),
      },
      position.rows > 0 ? `resuming ${name} after ${position.rows} rows` : `ingesting ${name}`,
    );
    let committed = position;
    const reader = this.readerFor(topic, path, format, position);
    let pumped: SourcePumpResult;
    try {
      pumped = await this.pump.pump(reader.rows, {
        kind: 'file',
        topic,
        name,
        checkpointId: id,
        source: { kind: 'file', name },
        correlationId: id.replace(/^file:[a-z_]+:/, 'file-'),
        stats,
        logger: this.logger,
        shouldStop,
        onCommitted: (at, chunk) => {
          committed = at;
          const room = MAX_REPORTED_REJECTIONS - rejections.length;
          if (room > 0) rejections.push(...chunk.rejections.slice(0, room));
        },
      });
    } catch (error) {
      if (isTransientError(error)) throw error;
      return this.fail(topic, path, name, id, committed, stats, error);
    } finally {
      reader.close();
    }
    const { outcome, run } = pumped;
    if (outcome === 'stopped') {
      this.logger.info({ ...run.summary() }, `stopped ${name} between chunks; it resumes from its checkpoint`);
      return 'interrupted';
    }
    await this.checkpoints.save(id, { kind: 'file', source: name, status: 'done', position: committed, stats });
    const moved = await moveInto(join(dirname(path), INBOX_SUBDIRS.processed), path);
    if (stats.rejected > 0) {
      await writeJsonReport(`${moved}.report.json`, {
        file: name,
        topic,
        finishedAt: new Date().toISOString(),
        rowsRead: stats.read,
        rowsProduced: stats.produced,
        rowsRejected: stats.rejected,
        deadLetterTopic: dlqTopicOf(topic),
        rejections: rejections.map(({ location, code, message }) => ({ location, code, reason: message })),
        ...(stats.rejected > rejections.length ? { moreRejections: stats.rejected - rejections.length } : {}),
      });
    }
    this.logger.info(
      { ...run.summary(), movedTo: moved },
      `ingested ${name}: ${stats.produced} produced, ${stats.rejected} refused`,
    );
    this.finish(topic, name, 'processed', moved, stats);
    return 'processed';
  }

  private readerFor(
    topic: Topic,
    path: string,
    format: InboxFormat,
    position: SourcePosition,
  ): { rows: AsyncIterable<SourceRow>; close: () => void } {
    switch (format) {
      case 'csv':
        return { rows: csvRows(path, topic, position), close: () => undefined };
      case 'ndjson':
        return { rows: ndjsonRows(path, position), close: () => undefined };
      case 'json':
        return { rows: jsonRows(path, position), close: () => undefined };
      case 'sqlite': {
        let db: ReturnType<typeof openSqlite> | undefined;
        const table = this.config.sqliteTables[topic] ?? topic;
        const chunkSize = this.config.chunkSize;
        async function* rows(): AsyncGenerator<SourceRow> {
          // SQLite opens by name: make sure the name is still the regular file it was (not a link).
          const entry = await lstat(path);
          const kind = nonRegularKind(entry);
          if (kind) throw new NotRegularFileError(kind);
          try {
            db = openSqlite(path);
          } catch (error) {
            throw new UnreadableFileError(
              'SQLITE_ERROR',
              `cannot open the database: ${errorMessage(error)}`,
              undefined,
              { cause: error },
            );
          }
          yield* sqliteRows(db, { table, topic, mode: 'incrementing', column: 'rowid' }, position, chunkSize);
        }
        return { rows: rows(), close: () => db?.close() };
      }
    }
  }

  private async fail(
    topic: Topic,
    path: string,
    name: string,
    id: string,
    committed: SourcePosition,
    stats: RowStats,
    error: unknown,
  ): Promise<FileOutcome> {
    const unreadable =
      error instanceof UnreadableFileError
        ? error
        : error instanceof NotRegularFileError
          ? new UnreadableFileError(error.code, error.message)
          : undefined;
    const message = errorMessage(error);
    const moved = await moveInto(join(dirname(path), INBOX_SUBDIRS.failed), path);
    await writeJsonReport(`${moved}.error.json`, {
      file: name,
      topic,
      failedAt: new Date().toISOString(),
      code: unreadable?.code ?? 'UNREADABLE',
      error: message,
      ...(unreadable?.location ? { location: unreadable.location } : {}),
      rowsRead: stats.read,
      rowsProduced: stats.produced,
      rowsRejected: stats.rejected,
      ...(stats.read > 0
        ? { note: 'rows before the failure were produced; dropping the same file again resumes after them' }
        : {}),
    });
    await this.checkpoints
      .save(id, { kind: 'file', source: name, status: 'failed', position: committed, stats, error: message })
      .catch(() => undefined);
    this.logger.error(
      { file: name, code: unreadable?.code, location: unreadable?.location, error: message, movedTo: moved, ...stats },
      `cannot read ${name}: ${message}; moved to failed/`,
    );
    this.finish(topic, name, 'failed', moved, stats, message);
    return 'failed';
  }

  /**
   * A link, folder, FIFO… in the inbox: the entry itself (never its target) goes to failed/ with a
   * report that says what it is and nothing of what it points to.
   */
  private async refuseNonRegular(
    topic: Topic,
    path: string,
    name: string,
    error: NotRegularFileError,
  ): Promise<FileOutcome> {
    let moved: string;
    try {
      moved = await moveInto(join(dirname(path), INBOX_SUBDIRS.failed), path);
    } catch (moveError) {
      if ((moveError as NodeJS.ErrnoException).code === 'ENOENT') return 'skipped'; // another instance moved it
      throw moveError;
    }
    await writeJsonReport(`${moved}.error.json`, {
      file: name,
      topic,
      failedAt: new Date().toISOString(),
      code: error.code,
      error: error.message,
      rowsRead: 0,
      rowsProduced: 0,
      rowsRejected: 0,
    });
    this.logger.error(
      { file: name, code: error.code, movedTo: moved },
      `refused ${name}: ${error.message}; moved to failed/`,
    );
    this.finish(topic, name, 'failed', moved, emptyStats(), error.message);
    return 'failed';
  }

  private finish(
    topic: Topic,
    name: string,
    outcome: FileOutcome,
    path: string,
    stats: RowStats,
    error?: string,
  ): void {
    sourceMetrics.files.inc({ topic, outcome });
    this.events.emit('file', { topic, name, outcome, path, stats: { ...stats }, ...(error ? { error } : {}) });
  }
}
