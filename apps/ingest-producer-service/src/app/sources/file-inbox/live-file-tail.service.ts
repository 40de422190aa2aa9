import type { Stats } from 'node:fs';
import { lstat, mkdir, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { ALL_TOPICS, isTopic, type Topic } from '@datalake/kafka-schemas';
import { CheckpointStore, type Checkpoint } from '../checkpoint/checkpoint.store';
import { IngestSource } from '../lifecycle/ingest-source';
import { SourcePump } from '../lifecycle/source-pump';
import { SourceStallMonitor } from '../progress/source-stalls';
import { isTransientError } from '../source-errors';
import { emptyStats, UnreadableFileError, type SourcePosition } from '../source-row';
import { SourcesConfig } from '../sources.config';
import {
  formatOf,
  INBOX_SUBDIRS,
  isTemporaryName,
  nonRegularKind,
  openRegularFile,
  TAILABLE_FORMATS,
} from './inbox-file';
import { csvRows } from './readers/csv.reader';
import { ndjsonRows } from './readers/ndjson.reader';

const NEWLINE = 0x0a;

/** Byte offset just past the last newline in [from, to), or `from` when there is none yet. */
export async function lastLineEnd(path: string, from: number, to: number): Promise<number> {
  const handle = await openRegularFile(path);
  try {
    const block = Buffer.alloc(64 * 1024);
    for (let end = to; end > from; ) {
      const begin = Math.max(from, end - block.length);
      const { bytesRead } = await handle.read(block, 0, end - begin, begin);
      const at = block.subarray(0, bytesRead).lastIndexOf(NEWLINE);
      if (at !== -1) return begin + at + 1;
      end = begin;
    }
    return from;
  } finally {
    await handle.close();
  }
}

/**
 * Where to go on reading a live file: the checkpoint's position when it belongs to this very file
 * (same inode and birth time, not shorter than the offset), else the start — the file was
 * replaced or truncated (log rotation).
 */
export function tailStart(
  checkpoint: Pick<Checkpoint, 'position'> | null,
  file: Pick<Stats, 'ino' | 'size' | 'birthtimeMs'>,
): { position: SourcePosition; reset: 'new' | 'replaced' | 'truncated' | undefined } {
  const fresh: SourcePosition = {
    rows: 0,
    offset: 0,
    line: 0,
    ino: file.ino,
    ...(file.birthtimeMs ? { born: file.birthtimeMs } : {}),
  };
  // A checkpoint without an inode was only just claimed: nothing of this file was read yet.
  if (!checkpoint || checkpoint.position.ino === undefined) return { position: fresh, reset: 'new' };
  const { position } = checkpoint;
  const sameFile =
    position.ino === file.ino && (!position.born || !file.birthtimeMs || position.born === file.birthtimeMs);
  if (!sameFile) return { position: fresh, reset: 'replaced' };
  if (file.size < (position.offset ?? 0)) return { position: fresh, reset: 'truncated' };
  return { position, reset: undefined };
}

/**
 * Follows growing `.ndjson`/`.jsonl`/`.csv` files in `<INGEST_DIR>/<topic>/live/`: each pass reads
 * the complete lines past the checkpoint (byte offset, persisted after Kafka acknowledged them),
 * so a restart neither resends nor skips a line. Passes run on change events and every poll
 * interval; a pass that fails is tried again on the next one.
 */
@Injectable()
export class LiveFileTailService extends IngestSource {
  protected readonly kind = 'tail';
  protected readonly setting = 'tail';
  private readonly again = new Set<string>();
  private readonly warned = new Set<string>();
  /** Size, mtime and inode at the end of the last complete pass: an unchanged file needs no pass. */
  private readonly lastSeen = new Map<string, string>();

  constructor(
    config: SourcesConfig,
    private readonly checkpoints: CheckpointStore,
    private readonly pump: SourcePump,
    stalls: SourceStallMonitor,
    logger: PinoLogger,
  ) {
    super(config, stalls, logger);
    this.logger.setContext(LiveFileTailService.name);
  }

  liveDir(topic: Topic): string {
    return join(this.config.inboxDir, topic, INBOX_SUBDIRS.live);
  }

  protected async start(): Promise<void> {
    for (const topic of ALL_TOPICS) await mkdir(this.liveDir(topic), { recursive: true });
    this.watchFolders(
      ALL_TOPICS.map((topic) => this.liveDir(topic)),
      (path) => this.kick(path),
    );
    this.every(this.config.pollIntervalMs, () => void this.scan());
    void this.scan();
    this.logger.info({ inbox: this.config.inboxDir }, `tailing growing files in ${this.config.inboxDir}/<topic>/live/`);
  }

  private async scan(): Promise<void> {
    for (const topic of ALL_TOPICS) {
      const dir = this.liveDir(topic);
      for (const name of await readdir(dir).catch(() => [] as string[])) this.kick(join(dir, name));
    }
  }

  /** One pass per file at a time; a kick during a pass runs another pass right after it. */
  private kick(path: string): void {
    if (this.stopping) return;
    if (this.isRunning(path)) {
      this.again.add(path);
      return;
    }
    void this.run(
      path,
      () => this.tail(path),
      () => {
        if (this.again.delete(path)) this.kick(path);
      },
    );
  }

  private async tail(path: string): Promise<void> {
    const topic = basename(dirname(dirname(path)));
    const format = formatOf(path);
    if (!isTopic(topic) || isTemporaryName(path)) return;
    if (!format || !TAILABLE_FORMATS.includes(format)) {
      return this.warnOnce(path, 'live/ follows only .ndjson, .jsonl and .csv files; ignoring this one');
    }
    const name = `${topic}/${INBOX_SUBDIRS.live}/${basename(path)}`;
    const file = await lstat(path).catch(() => undefined);
    if (!file) {
      // Gone (rotated away, removed): not ours to follow any more, so not stalled either.
      this.lastSeen.delete(path);
      this.stalls.idle(this.kind, name);
      return this.problems.forget(name);
    }
    const kind = nonRegularKind(file);
    if (kind) return this.warnOnce(path, `live/ follows only regular files; not following ${kind}`);
    const seen = `${file.ino}:${file.size}:${file.mtimeMs}`;
    if (this.lastSeen.get(path) === seen) return;
    const id = `tail:${topic}:${basename(path)}`;
    await this.attempt(
      name,
      async () => {
        const done = await this.checkpoints.withLease(id, () => this.follow(topic, path, name, id, format, file));
        if (done) this.lastSeen.set(path, seen);
      },
      {
        fields: { file: name },
        message: () => `cannot follow ${name} now; retrying every ${this.config.pollIntervalMs} ms`,
        recovered: `following ${name} again`,
      },
    );
  }

  private warnOnce(path: string, message: string): void {
    if (this.warned.has(path)) return;
    this.warned.add(path);
    this.logger.warn({ file: path }, message);
  }

  /** One pass; true when everything complete in the file was read (nothing left for now). */
  private async follow(
    topic: Topic,
    path: string,
    name: string,
    id: string,
    format: string,
    file: Stats,
  ): Promise<boolean> {
    const checkpoint = await this.checkpoints.get(id);
    const { position, reset } = tailStart(checkpoint, file);
    if (reset === 'replaced' || reset === 'truncated') {
      this.logger.warn({ file: name, reset }, `${name} was ${reset}; reading it from the start`);
    }
    if (!reset && checkpoint?.status === 'failed') return true; // e.g. a wrong header: stays refused until replaced
    const offset = position.offset ?? 0;
    if (offset >= file.size) return true;
    const end = format === 'csv' ? await lastLineEnd(path, offset, file.size) : file.size;
    if (end <= offset) return false;

    const stats = !reset && checkpoint ? { ...checkpoint.stats } : emptyStats();
    let committed = position;
    const rows =
      format === 'csv'
        ? csvRows(path, topic, position, { end, tail: true })
        : ndjsonRows(path, position, { completeOnly: true, end });
    try {
      const { outcome } = await this.pump.pump(rows, {
        kind: 'tail',
        topic,
        name,
        checkpointId: id,
        source: { kind: 'file', name },
        correlationId: `tail-${topic}-${basename(path)}`.slice(0, 128),
        stats,
        logger: this.logger,
        shouldStop: () => this.stopping,
        identity: { ino: position.ino, ...(position.born ? { born: position.born } : {}) },
        onCommitted: (at) => (committed = at),
      });
      // A partial last line (or CSV record) is read again once complete: not done with this size.
      return outcome === 'completed' && (committed.offset ?? 0) >= end && end === file.size;
    } catch (error) {
      if (isTransientError(error) || !(error instanceof UnreadableFileError)) throw error;
      await this.checkpoints.save(id, {
        kind: 'tail',
        source: name,
        status: 'failed',
        position: committed,
        stats,
        error: error.message,
      });
      this.logger.error(
        { file: name, code: error.code, location: error.location, error: error.message },
        `cannot follow ${name}: ${error.message}`,
      );
      return true;
    }
  }
}
