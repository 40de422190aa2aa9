/** One assigned partition as a stall report sees it. */
export interface PartitionProgressReport {
  topic: string;
  partition: number;
  /** Next offset to commit while messages are in hand; null when nothing is in hand. */
  offset: string | null;
  /** Messages behind the end of the partition after the last batch fetched. */
  lag: number;
  /** Seconds since the partition last committed progress, counted only while it has work. */
  secondsSinceProgress: number;
  stalled: boolean;
  /** Why it makes no progress, when known (the last failure of the work in hand). */
  reason?: string;
}

interface PartitionState {
  topic: string;
  partition: number;
  offset: string | null;
  lag: number;
  lastProgressAt: number;
  reason?: string;
  /** The current stall was logged already (one line per stall). */
  reported: boolean;
}

const keyOf = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * Progress of each partition a consumer holds: when it last committed, what is in hand, and why it
 * fails. A partition with work (a batch in hand or lag) and no commit for longer than the stall time
 * is stalled; an idle partition never is.
 */
export class PartitionProgress {
  private readonly partitions = new Map<string, PartitionState>();

  constructor(
    readonly stallSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A batch whose first uncommitted offset is `offset` is in hand. */
  started(topic: string, partition: number, offset: string, lag: number): void {
    const state = this.stateOf(topic, partition);
    // Idle time is not a stall: the clock starts when work arrives.
    if (state.offset === null && state.lag === 0) state.lastProgressAt = this.now();
    state.offset = offset;
    state.lag = lag;
  }

  /** The work in hand failed and will be retried: the reason a stall reports. */
  failed(topic: string, partition: number, reason: string): void {
    this.stateOf(topic, partition).reason = reason;
  }

  /** Every message before `nextOffset` is committed. */
  progressed(topic: string, partition: number, nextOffset: string): void {
    const state = this.stateOf(topic, partition);
    state.offset = nextOffset;
    state.lastProgressAt = this.now();
    state.reason = undefined;
    state.reported = false;
  }

  /** The batch is no longer in hand (finished, or given back to be fetched again). */
  released(topic: string, partition: number, lag: number): void {
    const state = this.stateOf(topic, partition);
    state.offset = null;
    state.lag = lag;
  }

  /** Forgets partitions this consumer no longer holds (after a rebalance or on stop). */
  retain(assigned: { topic: string; partition: number }[]): void {
    const kept = new Set(assigned.map(({ topic, partition }) => keyOf(topic, partition)));
    for (const key of [...this.partitions.keys()]) if (!kept.has(key)) this.partitions.delete(key);
  }

  snapshot(): PartitionProgressReport[] {
    return [...this.partitions.values()].map((state) => this.report(state));
  }

  /** Partitions that became stalled since the last call, each reported once per stall. */
  newlyStalled(): PartitionProgressReport[] {
    const found: PartitionProgressReport[] = [];
    for (const state of this.partitions.values()) {
      const report = this.report(state);
      if (report.stalled && !state.reported) {
        state.reported = true;
        found.push(report);
      }
    }
    return found;
  }

  private report(state: PartitionState): PartitionProgressReport {
    const busy = state.offset !== null || state.lag > 0;
    const seconds = busy ? Math.max(0, (this.now() - state.lastProgressAt) / 1000) : 0;
    const report: PartitionProgressReport = {
      topic: state.topic,
      partition: state.partition,
      offset: state.offset,
      lag: state.lag,
      secondsSinceProgress: Math.round(seconds * 10) / 10,
      stalled: seconds > this.stallSeconds,
    };
    if (state.reason !== undefined) report.reason = state.reason;
    return report;
  }

  private stateOf(topic: string, partition: number): PartitionState {
    const key = keyOf(topic, partition);
    let state = this.partitions.get(key);
    if (!state) {
      state = { topic, partition, offset: null, lag: 0, lastProgressAt: this.now(), reported: false };
      this.partitions.set(key, state);
    }
    return state;
  }
}
