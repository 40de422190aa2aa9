import type { PinoLogger } from 'nestjs-pino';
import type { Topic } from '@datalake/kafka-schemas';
import type { ChunkResult } from '../row-ingestor';
import type { RowStats, SourcePosition } from '../source-row';
import { sourceMetrics } from './source-metrics';
import type { SourceEvents, SourceKindName } from './source-events';

/** Bad rows logged one by one per run; past that only counted (they all go to the DLQ). */
const MAX_LOGGED_REJECTIONS = 100;
const PROGRESS_LOG_INTERVAL_MS = 10_000;

/**
 * Progress of one source run (a file, a tail pass, a poll): metrics per chunk, a log line per
 * refused row (file, line, reason), a progress line every 10 s and a summary at the end.
 */
export class SourceRun {
  private loggedRejections = 0;
  private lastLog = Date.now();
  private readonly startedAt = Date.now();
  private readonly startRows: number;

  constructor(
    private readonly logger: PinoLogger,
    private readonly events: SourceEvents,
    readonly kind: SourceKindName,
    readonly topic: Topic,
    readonly name: string,
    readonly stats: RowStats,
  ) {
    this.startRows = stats.read;
  }

  chunkDone(rows: number, result: ChunkResult, position?: SourcePosition): void {
    const labels = { source: this.kind, topic: this.topic };
    sourceMetrics.rowsRead.inc(labels, rows);
    sourceMetrics.rowsProduced.inc(labels, result.produced);
    sourceMetrics.rowsRejected.inc(labels, result.rejected);
    for (const rejection of result.rejections) {
      if (++this.loggedRejections > MAX_LOGGED_REJECTIONS) continue;
      this.logger.warn(
        {
          source: this.kind,
          topic: this.topic,
          file: this.name,
          location: rejection.location,
          code: rejection.code,
          reason: rejection.message,
        },
        `row refused: ${this.name} ${rejection.location}: ${rejection.message}`,
      );
    }
    this.events.emit('progress', {
      kind: this.kind,
      topic: this.topic,
      name: this.name,
      stats: { ...this.stats },
      position,
    });
    if (Date.now() - this.lastLog >= PROGRESS_LOG_INTERVAL_MS) {
      this.lastLog = Date.now();
      this.logger.info({ ...this.summary() }, `${this.kind} ${this.name}: ${this.stats.read} rows read`);
    }
  }

  summary(): Record<string, unknown> {
    const seconds = (Date.now() - this.startedAt) / 1000;
    const rowsThisRun = this.stats.read - this.startRows;
    return {
      source: this.kind,
      topic: this.topic,
      file: this.name,
      read: this.stats.read,
      produced: this.stats.produced,
      rejected: this.stats.rejected,
      rowsPerSecond: seconds > 0 ? Math.round(rowsThisRun / seconds) : rowsThisRun,
      ...(this.loggedRejections > MAX_LOGGED_REJECTIONS
        ? { unloggedRejections: this.loggedRejections - MAX_LOGGED_REJECTIONS }
        : {}),
    };
  }
}
