import type { Provider } from '@nestjs/common';
import type { IngestEnv } from '../ingest.env';
import { CheckpointStore } from './checkpoint/checkpoint.store';
import { FileInboxService } from './file-inbox/file-inbox.service';
import { FileIngestionService } from './file-inbox/file-ingestion.service';
import { LiveFileTailService } from './file-inbox/live-file-tail.service';
import { SourceEvents } from './progress/source-events';
import { RowIngestor } from './row-ingestor';
import { SourcesConfig } from './sources.config';
import { SqlitePollerService } from './sqlite/sqlite-poller.service';
import { SyslogService } from './syslog/syslog.service';

/**
 * The ingestion sources besides HTTP push (DESIGN.md "Ingestion sources"): file inbox, live-file
 * tailing, SQLite polling and syslog. Each starts at application bootstrap when INGEST_SOURCES
 * names it, and stops between chunks at shutdown, before Kafka and Mongo close.
 */
export function sourceProviders(env: IngestEnv): Provider[] {
  return [
    { provide: SourcesConfig, useValue: SourcesConfig.fromEnv(env) },
    SourceEvents,
    CheckpointStore,
    RowIngestor,
    FileIngestionService,
    FileInboxService,
    LiveFileTailService,
    SqlitePollerService,
    SyslogService,
  ];
}
