import { lstat, mkdir, readdir } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { ALL_TOPICS, isTopic, type Topic } from '@datalake/kafka-schemas';
import { IngestSource } from '../lifecycle/ingest-source';
import { retryDelayMs } from '../lifecycle/retry-delay';
import { SourceStallMonitor } from '../progress/source-stalls';
import { SourcesConfig } from '../sources.config';
import { FileIngestionService } from './file-ingestion.service';
import { formatOf, INBOX_SUBDIRS, isTemporaryName } from './inbox-file';

/** Files ingested at once; more wait their turn, so one huge file does not hold up small ones alone. */
const CONCURRENT_FILES = 2;
const MAX_RETRY_DELAY_MS = 30_000;

interface Pending {
  topic: Topic;
  notBefore: number;
  failures: number;
}

/**
 * The file inbox: watches `<INGEST_DIR>/<topic>/` (chokidar, with a periodic rescan as a safety
 * net and for retries) and hands each complete file to FileIngestionService. A file counts as
 * complete once it has not changed for INGEST_FILE_STABLE_MS, so a writer may either write in
 * place or write elsewhere and rename in. A file that cannot be ingested now is retried with
 * backoff (1 s doubling, at most 30 s).
 */
@Injectable()
export class FileInboxService extends IngestSource {
  protected readonly kind = 'file';
  protected readonly setting = 'files';
  private readonly pending = new Map<string, Pending>();
  private readonly warnedUnsupported = new Set<string>();

  constructor(
    config: SourcesConfig,
    private readonly ingestion: FileIngestionService,
    stalls: SourceStallMonitor,
    logger: PinoLogger,
  ) {
    super(config, stalls, logger);
    this.logger.setContext(FileInboxService.name);
  }

  topicDir(topic: Topic): string {
    return join(this.config.inboxDir, topic);
  }

  protected async start(): Promise<void> {
    for (const topic of ALL_TOPICS) {
      for (const sub of Object.values(INBOX_SUBDIRS)) await mkdir(join(this.topicDir(topic), sub), { recursive: true });
    }
    this.watchFolders(
      ALL_TOPICS.map((topic) => this.topicDir(topic)),
      (path) => this.offer(path),
      { awaitWriteFinishMs: Math.max(this.config.fileStableMs, 50) },
    );
    await this.scan();
    this.every(this.config.pollIntervalMs, () => void this.scan());
    this.logger.info(
      { inbox: this.config.inboxDir, topics: ALL_TOPICS },
      `file inbox watching ${this.config.inboxDir}/<topic>/`,
    );
  }

  /** Lists the inbox folders: picks up files present at start, missed events, and due retries. */
  private async scan(): Promise<void> {
    for (const topic of ALL_TOPICS) {
      const dir = this.topicDir(topic);
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names.sort()) this.offer(join(dir, name));
    }
    this.drain();
  }

  private offer(path: string): void {
    if (this.stopping || this.isRunning(path)) return;
    const topic = basename(dirname(path));
    if (!isTopic(topic) || relative(this.topicDir(topic), path).includes(sep)) return;
    if (isTemporaryName(path) || (Object.values(INBOX_SUBDIRS) as string[]).includes(basename(path))) return;
    if (!formatOf(path)) {
      if (!this.warnedUnsupported.has(path)) {
        this.warnedUnsupported.add(path);
        this.logger.warn(
          { file: path },
          'ignoring a file of unsupported type (use .csv, .json, .ndjson, .jsonl, .sqlite or .db)',
        );
      }
      return;
    }
    if (!this.pending.has(path)) this.pending.set(path, { topic, notBefore: 0, failures: 0 });
    this.drain();
  }

  private drain(): void {
    const now = Date.now();
    for (const [path, item] of this.pending) {
      if (this.stopping || this.runningCount >= CONCURRENT_FILES) return;
      if (item.notBefore > now) continue;
      this.pending.delete(path);
      // Files in progress at shutdown stop after their current chunk and keep their checkpoint.
      void this.run(
        path,
        () => this.ingest(path, item),
        () => this.drain(),
      );
    }
  }

  private retryLater(path: string, item: Pending, delayMs: number, failures = item.failures): void {
    if (!this.stopping) this.pending.set(path, { ...item, notBefore: Date.now() + delayMs, failures });
  }

  private async ingest(path: string, item: Pending): Promise<void> {
    const name = `${item.topic}/${basename(path)}`;
    // The entry itself (lstat): a link or FIFO is refused by the ingestion, never followed.
    const stats = await lstat(path).catch(() => undefined);
    if (!stats) {
      this.stalls.idle(this.kind, name);
      return this.problems.forget(name);
    }
    const quietFor = Date.now() - stats.mtimeMs;
    if (quietFor < this.config.fileStableMs) return this.retryLater(path, item, this.config.fileStableMs - quietFor);
    let outcome: string | undefined;
    const failures = item.failures + 1;
    const retryInMs = retryDelayMs(failures, MAX_RETRY_DELAY_MS);
    const attempt = await this.attempt(
      name,
      async () => {
        // Done with it, stopped, or another instance holds it: nothing of ours can stall.
        outcome = await this.ingestion.ingestFile(item.topic, path, () => this.stopping);
      },
      {
        fields: { file: path, retryInMs },
        message: (_problem, transient) =>
          transient
            ? `cannot ingest ${basename(path)} now (Kafka or MongoDB unavailable); will retry`
            : `ingesting ${basename(path)} failed; will retry`,
        recovered: `${name} can be ingested again`,
      },
    );
    if (!attempt.ok) this.retryLater(path, item, retryInMs, failures);
    else if (outcome === 'retry') this.retryLater(path, item, this.config.pollIntervalMs);
  }
}
