import { Injectable } from '@nestjs/common';
import type { PinoLogger } from 'nestjs-pino';
import type { EventSource, Topic } from '@datalake/kafka-schemas';
import { CheckpointStore, type CheckpointKind } from '../checkpoint/checkpoint.store';
import { SourceEvents } from '../progress/source-events';
import { SourceRun } from '../progress/source-run';
import { SourceStallMonitor } from '../progress/source-stalls';
import { pumpRows, type PumpOutcome } from '../pump-rows';
import { RowIngestor, type ChunkResult } from '../row-ingestor';
import type { RowStats, SourcePosition, SourceRow } from '../source-row';
import { SourcesConfig } from '../sources.config';

export interface SourcePumpJob {
  kind: CheckpointKind;
  topic: Topic;
  /** The input's readable name: in its checkpoint, the stall monitor and the logs. */
  name: string;
  /** Its checkpoint id. */
  checkpointId: string;
  /** Its `source` in the events produced and its dead letters. */
  source: EventSource;
  correlationId: string;
  /** Totals so far (from the checkpoint), counted on. */
  stats: RowStats;
  /** The source's logger: refused rows and progress lines are logged in its name. */
  logger: PinoLogger;
  shouldStop: () => boolean;
  /** Kept in every committed position (a tailed file's inode and birth time). */
  identity?: Pick<SourcePosition, 'ino' | 'born'>;
  /** After each chunk was acknowledged and its checkpoint committed. */
  onCommitted?: (position: SourcePosition, chunk: ChunkResult) => void;
}

export interface SourcePumpResult {
  /** Stopped: at shutdown, between chunks; the checkpoint holds where it stopped. */
  outcome: PumpOutcome;
  run: SourceRun;
}

/**
 * The produce → checkpoint step every checkpointed source (inbox file, live file, SQLite) shares:
 * rows go to Kafka chunk by chunk and the checkpoint follows each acknowledged chunk, with the
 * metrics, row logs and progress events of a SourceRun and progress told to the stall monitor.
 */
@Injectable()
export class SourcePump {
  constructor(
    private readonly config: SourcesConfig,
    private readonly checkpoints: CheckpointStore,
    private readonly rowIngestor: RowIngestor,
    private readonly events: SourceEvents,
    private readonly stalls: SourceStallMonitor,
  ) {}

  async pump(rows: AsyncIterable<SourceRow>, job: SourcePumpJob): Promise<SourcePumpResult> {
    const { kind, topic, name, stats } = job;
    const run = new SourceRun(job.logger, this.events, kind, topic, name, stats);
    this.stalls.working(kind, name);
    const outcome = await pumpRows(rows, {
      chunkSize: this.config.chunkSize,
      stats,
      shouldStop: job.shouldStop,
      ingest: (chunk) => this.rowIngestor.ingestRows(topic, job.source, job.correlationId, chunk),
      commit: async (at, totals, chunk) => {
        const position = { ...at, ...job.identity };
        await this.checkpoints.save(job.checkpointId, {
          kind,
          source: name,
          status: 'active',
          position,
          stats: totals,
        });
        this.stalls.progressed(kind, name);
        job.onCommitted?.(position, chunk);
        run.chunkDone(chunk.produced + chunk.rejected, chunk, at);
      },
    });
    return { outcome, run };
  }
}
