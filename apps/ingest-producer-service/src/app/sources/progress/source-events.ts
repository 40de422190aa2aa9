import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import type { Topic } from '@datalake/kafka-schemas';
import type { RowStats, SourcePosition } from '../source-row';

export type SourceKindName = 'file' | 'tail' | 'sqlite' | 'syslog';

export interface SourceProgressEvent {
  kind: SourceKindName;
  topic: Topic;
  /** The input: inbox file (`transactions/a.csv`), tailed file, SQLite source name, syslog transport. */
  name: string;
  stats: RowStats;
  position?: SourcePosition;
}

export type FileOutcome = 'processed' | 'failed' | 'skipped' | 'interrupted' | 'retry';

export interface FileDoneEvent {
  topic: Topic;
  name: string;
  outcome: FileOutcome;
  /** Where the file is now. */
  path: string;
  stats: RowStats;
  error?: string;
}

interface SourceEventMap {
  /** A chunk was acknowledged by Kafka and its checkpoint committed. */
  progress: [SourceProgressEvent];
  /** An inbox file was finished one way or another. */
  file: [FileDoneEvent];
}

/** In-process feed of source progress: for status pages, tests and anything that must react. */
@Injectable()
export class SourceEvents extends EventEmitter<SourceEventMap> {}
