import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { watch, type FSWatcher } from 'chokidar';
import type { PinoLogger } from 'nestjs-pino';
import type { SourceName } from '../../ingest.env';
import type { SourceKindName } from '../progress/source-events';
import type { SourceStallMonitor } from '../progress/source-stalls';
import { errorMessage, isTransientError } from '../source-errors';
import type { SourcesConfig } from '../sources.config';
import { ProblemLog, type ProblemReport } from './problem-log';

/** What `attempt` reports back: the error, if the work failed, and whether it was an outage. */
export type AttemptResult = { ok: true } | { ok: false; error: unknown; transient: boolean };

export interface ProblemDescription extends ProblemReport {
  /** Logged once when the input works again after a logged problem. */
  recovered: string;
}

/**
 * The lifecycle every ingestion source shares, as libs/records' consumer gives record services
 * theirs. It starts at bootstrap when INGEST_SOURCES names the source, and stops before Kafka and
 * MongoDB close: new work is refused, watchers and timers end, sleepers wake, and the work in
 * flight is waited for (each stops after its current chunk, whose checkpoint is then committed).
 * In between, each unit of work on an input (a file, a pass over a live file, a poll, a batch)
 * runs through `attempt`, which tells the stall monitor (/health/ready "sources") whether the input
 * is blocked and why, logs a lasting problem once and its end once, and tells an outage (kept,
 * retried) from a verdict on the input. A source configures only what is its own: what to watch or
 * listen to, and what one unit of work is.
 */
export abstract class IngestSource implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** The stall monitor's and the metrics' name of the source. */
  protected abstract readonly kind: SourceKindName;
  /** The INGEST_SOURCES name that turns it on. */
  protected abstract readonly setting: SourceName;
  /** Longest shutdown waits for the work in flight; unbounded when unset (work stops between chunks). */
  protected readonly drainTimeoutMs?: number;
  protected readonly problems: ProblemLog;
  private started = false;
  private stopRequested = false;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<() => void>();
  private readonly watchers: FSWatcher[] = [];

  protected constructor(
    protected readonly config: SourcesConfig,
    protected readonly stalls: SourceStallMonitor,
    protected readonly logger: PinoLogger,
  ) {
    this.problems = new ProblemLog(logger);
  }

  /** Opens the source: folders to watch, sockets to bind, loops to run. */
  protected abstract start(): Promise<void> | void;

  /** After the work in flight has finished (or the drain timed out): close what `start` opened. */
  protected drained(): Promise<void> | void {
    return undefined;
  }

  /** Called at stop before waiting for the work in flight, e.g. to flush what is buffered. */
  protected stopTakingInput(): Promise<void> | void {
    return undefined;
  }

  /** True once shutdown began: work checks it between chunks and stops there. */
  protected get stopping(): boolean {
    return this.stopRequested;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.isEnabled(this.setting)) return;
    this.started = true;
    await this.start();
    this.stalls.sourceStarted(this.kind);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.started) return;
    this.stopRequested = true;
    this.stalls.sourceStopped(this.kind);
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    for (const wake of this.sleepers) wake();
    await Promise.all(this.watchers.map((watcher) => watcher.close()));
    await this.stopTakingInput();
    const drain = Promise.allSettled(this.inFlight.values());
    const timeout = this.drainTimeoutMs;
    await (timeout === undefined
      ? drain
      : Promise.race([drain, new Promise((resolve) => setTimeout(resolve, timeout).unref())]));
    await this.drained();
  }

  /** Work in flight: one unit per key at a time. */
  protected isRunning(key: string): boolean {
    return this.inFlight.has(key);
  }

  protected get runningCount(): number {
    return this.inFlight.size;
  }

  /**
   * Runs `work` for `key` unless work for it is already running (whose promise is returned then);
   * shutdown waits for it. `after` runs once it settled, e.g. to start what waited for a slot.
   */
  protected run(key: string, work: () => Promise<void>, after?: () => void): Promise<void> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const settled = work()
      .catch((error: unknown) =>
        this.logger.error({ input: key, error: errorMessage(error) }, `${this.kind} ${key} failed unexpectedly`),
      )
      .finally(() => {
        this.inFlight.delete(key);
        after?.();
      });
    this.inFlight.set(key, settled);
    return settled;
  }

  /** Calls `tick` every `ms` until shutdown (the timer does not keep the process alive). */
  protected every(ms: number, tick: () => void): void {
    const timer = setInterval(tick, ms);
    timer.unref();
    this.timers.add(timer);
  }

  /** Waits `ms`, or less when shutdown begins meanwhile. */
  protected sleep(ms: number): Promise<void> {
    if (this.stopRequested) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  /** Watches folders (one level deep) with the configured polling; closed at shutdown. */
  protected watchFolders(
    dirs: string[],
    onEntry: (path: string) => void,
    options: { awaitWriteFinishMs?: number } = {},
  ): void {
    const watcher = watch(dirs, {
      depth: 0,
      ignoreInitial: true,
      usePolling: this.config.watchPolling,
      interval: this.config.pollIntervalMs,
      ...(options.awaitWriteFinishMs === undefined
        ? {}
        : { awaitWriteFinish: { stabilityThreshold: options.awaitWriteFinishMs, pollInterval: 50 } }),
    });
    watcher.on('add', onEntry);
    watcher.on('change', onEntry);
    watcher.on('error', (error) =>
      this.logger.warn({ error: errorMessage(error) }, `${this.kind} folder watcher error`),
    );
    this.watchers.push(watcher);
  }

  /**
   * One unit of work on `input`. Done: the input is idle for the stall monitor, and a problem
   * logged before is logged as over. Failed: the input is blocked with the error as its reason,
   * the problem is logged once, and the caller learns whether it was an outage (keep the input,
   * retry later) or a verdict on the input.
   */
  protected async attempt(
    input: string,
    work: () => Promise<void>,
    describe: ProblemDescription,
  ): Promise<AttemptResult> {
    try {
      await work();
    } catch (error) {
      this.stalls.blocked(this.kind, input, errorMessage(error));
      this.problems.report(input, error, describe);
      return { ok: false, error, transient: isTransientError(error) };
    }
    this.stalls.idle(this.kind, input);
    this.problems.recovered(input, describe.fields, describe.recovered);
    return { ok: true };
  }
}
