import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import type { IngestEnv } from '../ingest.env';
import { CheckpointStore } from './checkpoint/checkpoint.store';
import { FileInboxService } from './file-inbox/file-inbox.service';
import { FileIngestionService } from './file-inbox/file-ingestion.service';
import { LiveFileTailService } from './file-inbox/live-file-tail.service';
import { SourcePump } from './lifecycle/source-pump';
import { SourceEvents } from './progress/source-events';
import { SourcesReadinessCheck, SourceStallMonitor } from './progress/source-stalls';
import { RowIngestor } from './row-ingestor';
import { SourcesConfig } from './sources.config';
import { SqlitePollerService } from './sqlite/sqlite-poller.service';
import { SyslogService } from './syslog/syslog.service';

/**
 * The sources' settings and their stall monitor, global so that the health module's
 * SourcesReadinessCheck (`/health/ready` detail "sources") can reach the monitor.
 */
@Global()
@Module({})
export class SourcesCoreModule {
  static forRoot(env: IngestEnv): DynamicModule {
    return {
      module: SourcesCoreModule,
      providers: [{ provide: SourcesConfig, useValue: SourcesConfig.fromEnv(env) }, SourceStallMonitor],
      exports: [SourcesConfig, SourceStallMonitor],
    };
  }
}

export { SourcesReadinessCheck };

/**
 * The ingestion sources besides HTTP push (DESIGN.md "Ingestion sources"): file inbox, live-file
 * tailing, SQLite polling and syslog. Each starts at application bootstrap when INGEST_SOURCES
 * names it, and stops between chunks at shutdown, before Kafka and Mongo close. Needs
 * SourcesCoreModule imported beside it.
 */
export function sourceProviders(): Provider[] {
  return [
    SourceEvents,
    CheckpointStore,
    RowIngestor,
    SourcePump,
    FileIngestionService,
    FileInboxService,
    LiveFileTailService,
    SqlitePollerService,
    SyslogService,
  ];
}
