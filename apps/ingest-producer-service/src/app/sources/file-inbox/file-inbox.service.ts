import { lstat, mkdir, readdir } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { watch, type FSWatcher } from 'chokidar';
import { PinoLogger } from 'nestjs-pino';
import { ALL_TOPICS, isTopic, type Topic } from '@datalake/kafka-schemas';
import { SourceStallMonitor } from '../progress/source-stalls';
import { errorMessage, isTransientError } from '../source-errors';
import { SourcesConfig } from '../sources.config';
import { FileIngestionService } from './file-ingestion.service';
import { formatOf, INBOX_SUBDIRS, isTemporaryName } from './inbox-file';

/** Files ingested at once; more wait their turn, so one huge file does not hold up small ones alone. */
const CONCURRENT_FILES = 2;
const MAX_RETRY_DELAY_MS = 30_000;

interface Pending {
  topic: Topic;
  notBefore: number;
  attempts: number;
}

/**
 * The file inbox: watches `<INGEST_DIR>/<topic>/` (chokidar, with a periodic rescan as a safety
 * net and for retries) and hands each complete file to FileIngestionService. A file counts as
 * complete once it has not changed for INGEST_FILE_STABLE_MS, so a writer may either write in
 * place or write elsewhere and rename in.
 */
@Injectable()
export class FileInboxService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private stopping = false;
  private readonly pending = new Map<string, Pending>();
  private readonly active = new Map<string, Promise<void>>();
  private readonly warnedUnsupported = new Set<string>();

  constructor(
    private readonly config: SourcesConfig,
    private readonly ingestion: FileIngestionService,
    private readonly stalls: SourceStallMonitor,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(FileInboxService.name);
  }

  topicDir(topic: Topic): string {
    return join(this.config.inboxDir, topic);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.isEnabled('files')) return;
    for (const topic of ALL_TOPICS) {
      for (const sub of Object.values(INBOX_SUBDIRS)) await mkdir(join(this.topicDir(topic), sub), { recursive: true });
    }
    this.watcher = watch(
      ALL_TOPICS.map((topic) => this.topicDir(topic)),
      {
        depth: 0,
        ignoreInitial: true,
        usePolling: this.config.watchPolling,
        interval: this.config.pollIntervalMs,
        awaitWriteFinish: { stabilityThreshold: Math.max(this.config.fileStableMs, 50), pollInterval: 50 },
      },
    );
    this.watcher.on('add', (path) => this.offer(path));
    this.watcher.on('change', (path) => this.offer(path));
    this.watcher.on('error', (error) => this.logger.warn({ error: errorMessage(error) }, 'inbox watcher error'));
    await this.scan();
    this.timer = setInterval(() => void this.scan(), this.config.pollIntervalMs);
    this.timer.unref();
    this.logger.info({ inbox: this.config.inboxDir, topics: ALL_TOPICS }, `file inbox watching ${this.config.inboxDir}/<topic>/`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.watcher?.close();
    // Files in progress stop after their current chunk and keep their checkpoint.
    await Promise.allSettled(this.active.values());
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
    if (this.stopping || this.active.has(path)) return;
    const topic = basename(dirname(path));
    if (!isTopic(topic) || relative(this.topicDir(topic), path).includes(sep)) return;
    if (isTemporaryName(path) || (Object.values(INBOX_SUBDIRS) as string[]).includes(basename(path))) return;
    if (!formatOf(path)) {
      if (!this.warnedUnsupported.has(path)) {
        this.warnedUnsupported.add(path);
        this.logger.warn({ file: path }, 'ignoring a file of unsupported type (use .csv, .json, .ndjson, .jsonl, .sqlite or .db)');
      }
      return;
    }
    if (!this.pending.has(path)) this.pending.set(path, { topic, notBefore: 0, attempts: 0 });
    this.drain();
  }

  private drain(): void {
    const now = Date.now();
    for (const [path, item] of this.pending) {
      if (this.stopping || this.active.size >= CONCURRENT_FILES) return;
      if (item.notBefore > now) continue;
      this.pending.delete(path);
      const run = this.run(path, item).finally(() => {
        this.active.delete(path);
        this.drain();
      });
      this.active.set(path, run);
    }
  }

  private async run(path: string, item: Pending): Promise<void> {
    const retry = (delayMs: number, failed = true) => {
      if (this.stopping) return;
      this.pending.set(path, { ...item, notBefore: Date.now() + delayMs, attempts: item.attempts + (failed ? 1 : 0) });
    };
    const name = `${item.topic}/${basename(path)}`;
    try {
      // The entry itself (lstat): a link or FIFO is refused by the ingestion, never followed.
      const stats = await lstat(path).catch(() => undefined);
      if (!stats) return this.stalls.idle('file', name);
      const quietFor = Date.now() - stats.mtimeMs;
      if (quietFor < this.config.fileStableMs) return retry(this.config.fileStableMs - quietFor, false);
      const outcome = await this.ingestion.ingestFile(item.topic, path, () => this.stopping);
      // Done with it, stopped, or another instance holds it: nothing of ours can stall.
      this.stalls.idle('file', name);
      if (outcome === 'retry') retry(this.config.pollIntervalMs, false);
    } catch (error) {
      const delay = Math.min(1000 * 2 ** item.attempts, MAX_RETRY_DELAY_MS);
      const transient = isTransientError(error);
      this.stalls.blocked('file', name, errorMessage(error));
      this.logger[transient ? 'warn' : 'error'](
        { file: path, error: errorMessage(error), retryInMs: delay },
        transient ? `cannot ingest ${basename(path)} now (Kafka or MongoDB unavailable); will retry` : `ingesting ${basename(path)} failed`,
      );
      retry(delay);
    }
  }
}
