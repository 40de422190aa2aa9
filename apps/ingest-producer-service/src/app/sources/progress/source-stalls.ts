import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Gauge, register } from 'prom-client';
import type { ReadinessCheck } from '@datalake/service-kit';
import { SourcesConfig } from '../sources.config';
import type { SourceKindName } from './source-events';

const SOURCE_KINDS: readonly SourceKindName[] = ['file', 'tail', 'sqlite', 'syslog'];

interface WorkItem {
  source: SourceKindName;
  name: string;
  /** When the item last moved forward (or started). */
  lastProgress: number;
  /** The last error that kept it from moving, if any. */
  reason?: string;
  /** The stall warning was logged for the current stall. */
  warned: boolean;
}

export interface SourceStall {
  source: SourceKindName;
  name: string;
  secondsSinceProgress: number;
  reason: string;
}

/**
 * Tracks the inputs the sources are working on (an inbox file, a live file pass, a SQLite poll,
 * the syslog buffer) and when each last made progress. One that has made none for
 * SOURCE_STALL_SECONDS is a stall: logged once with its reason, exported as
 * `datalake_source_seconds_since_progress{source}` and reported by /health/ready. Idle sources
 * (nothing to do) are never stalled.
 */
@Injectable()
export class SourceStallMonitor implements OnApplicationShutdown {
  private readonly items = new Map<string, WorkItem>();
  private readonly running = new Set<SourceKindName>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: SourcesConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(SourceStallMonitor.name);
    const secondsSince = (source: SourceKindName, now: number) => this.secondsSinceProgress(source, now);
    const gauge = register.getSingleMetric('datalake_source_seconds_since_progress') as Gauge | undefined;
    if (gauge) register.removeSingleMetric('datalake_source_seconds_since_progress');
    new Gauge({
      name: 'datalake_source_seconds_since_progress',
      help: 'Seconds since the least recently progressing input of a source moved forward (0 when it has nothing to do)',
      labelNames: ['source'],
      collect() {
        const now = Date.now();
        for (const source of SOURCE_KINDS) this.set({ source }, secondsSince(source, now));
      },
    });
  }

  get stallMs(): number {
    return this.config.stallSeconds * 1000;
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The sources started (INGEST_SOURCES) and not stopped yet, in a fixed order. */
  get runningSources(): SourceKindName[] {
    return SOURCE_KINDS.filter((source) => this.running.has(source));
  }

  sourceStarted(source: SourceKindName): void {
    this.running.add(source);
  }

  sourceStopped(source: SourceKindName): void {
    this.running.delete(source);
  }

  /** Work on an input begins (or goes on): it is tracked from now unless it already was. */
  working(source: SourceKindName, name: string): void {
    const key = `${source}:${name}`;
    if (!this.items.has(key)) this.items.set(key, { source, name, lastProgress: Date.now(), warned: false });
    this.timer ??= setInterval(() => this.check(), Math.min(5_000, Math.max(250, this.stallMs / 4))).unref();
  }

  /** The input moved forward (a chunk acknowledged and committed). */
  progressed(source: SourceKindName, name: string): void {
    const item = this.items.get(`${source}:${name}`);
    if (!item) return this.working(source, name);
    if (item.warned) this.logger.info({ source, input: name }, `${source} ${name} makes progress again`);
    item.lastProgress = Date.now();
    item.reason = undefined;
    item.warned = false;
  }

  /** Why the input does not move (an outage, a failing batch); kept until it progresses. */
  blocked(source: SourceKindName, name: string, reason: string): void {
    this.working(source, name);
    const item = this.items.get(`${source}:${name}`);
    if (item) item.reason = reason;
  }

  /** The input is finished, or there is nothing to do for it now. */
  idle(source: SourceKindName, name: string): void {
    this.items.delete(`${source}:${name}`);
  }

  secondsSinceProgress(source: SourceKindName, now = Date.now()): number {
    let oldest = now;
    for (const item of this.items.values())
      if (item.source === source && item.lastProgress < oldest) oldest = item.lastProgress;
    return Math.round((now - oldest) / 100) / 10;
  }

  /** Inputs without progress for longer than SOURCE_STALL_SECONDS. */
  stalls(now = Date.now()): SourceStall[] {
    const stalls: SourceStall[] = [];
    for (const item of this.items.values()) {
      if (now - item.lastProgress <= this.stallMs) continue;
      stalls.push({
        source: item.source,
        name: item.name,
        secondsSinceProgress: Math.round((now - item.lastProgress) / 1000),
        reason: item.reason ?? 'no chunk acknowledged',
      });
    }
    return stalls;
  }

  /** Logs each new stall once (and again only after it progressed and stalled anew). */
  check(now = Date.now()): void {
    for (const stall of this.stalls(now)) {
      const item = this.items.get(`${stall.source}:${stall.name}`);
      if (!item || item.warned) continue;
      item.warned = true;
      this.logger.warn(
        {
          source: stall.source,
          input: stall.name,
          secondsSinceProgress: stall.secondsSinceProgress,
          reason: stall.reason,
        },
        `${stall.source} ${stall.name} has made no progress for ${stall.secondsSinceProgress} s (SOURCE_STALL_SECONDS=${this.config.stallSeconds}): ${stall.reason}`,
      );
    }
  }
}

/**
 * /health/ready detail: the sources running, `stalled` and each stalled input with how long and why. A stall does not
 * make the service unready, as for the consumers: HTTP ingest still works, taking the pod out of
 * the load balancer would not remove the cause, and an outage fails its own `kafka`/`mongo` check.
 * Alert on `stalled` or on datalake_source_seconds_since_progress > SOURCE_STALL_SECONDS.
 */
@Injectable()
export class SourcesReadinessCheck implements ReadinessCheck {
  readonly name = 'sources';

  constructor(private readonly monitor: SourceStallMonitor) {}

  async check(): Promise<Record<string, unknown>> {
    const stalls = this.monitor.stalls();
    if (stalls.length > 0) this.monitor.check();
    return {
      running: this.monitor.runningSources,
      stalled: stalls.length > 0,
      stallSeconds: this.monitor.stallMs / 1000,
      stalls: stalls.slice(0, 20).map((stall) => ({ ...stall, reason: stall.reason.slice(0, 200) })),
    };
  }
}
