import type { Consumer, EachBatchPayload } from 'kafkajs';
import { DEFAULT_CONSUMER_SETTINGS, type ConsumerSettings } from './consumer-settings';
import type { KafkaClient } from './kafka-client';
import { PartitionProgress, type PartitionProgressReport } from './partition-progress';
import type { ConsumedBatch } from './records';
import { consoleLogger, type StructuredLogger } from './structured-logger';

export interface BatchContext {
  /** Keeps the group membership alive during long work (the consumer also does it on a timer). */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the batch is stale after a rebalance. */
  isActive(): boolean;
}

/**
 * Handles one step of a fetched batch (at most `stepMessages` messages). It must deal with poison
 * messages itself (e.g. dead-letter them); a thrown error means "transient, try this step again".
 */
export type BatchHandler = (batch: ConsumedBatch, context: BatchContext) => Promise<void>;

export interface BatchConsumerOptions extends Partial<ConsumerSettings> {
  groupId: string;
  topics: string[];
  handler: BatchHandler;
  logger?: StructuredLogger;
  fromBeginning?: boolean;
  /** Backoff between retries of a failed step: initial and maximum delay (ms). */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Namespace before every topic and the group id (KAFKA_TOPIC_PREFIX); handlers see logical names. */
  topicPrefix?: string;
  /** Upper bound on bytes fetched per partition, i.e. on one fetched batch's size. */
  maxBytesPerPartition?: number;
  /**
   * Messages handed to the handler at once; each step is committed before the next starts, so a
   * rebalance or a stop loses no finished step and a slow batch still makes progress.
   */
  stepMessages?: number;
}

/** What `stop()` could finish; the caller's shutdown log says exactly this. */
export interface StopOutcome {
  /** Every step that was stored before the stop is committed. */
  committed: boolean;
  /** Steps given back unfinished (not stored): they are delivered again after a restart. */
  givenBack: number;
}

/** The consumer's state for readiness: running, and each held partition's progress. */
export interface ConsumerStatus {
  running: boolean;
  /** Why the consumer is stopped and about to start itself again (a crash kafkajs does not restart). */
  crashed?: string;
  stallSeconds: number;
  partitions: PartitionProgressReport[];
}

/**
 * Messages per step: one storage call (RecordRepository splits it into writes of 250). Measured on
 * the local FerretDB, 100k records end to end: 500 per step stored ~10 % more per second than 200.
 */
export const DEFAULT_STEP_MESSAGES = 500;

/** Longest time stored steps of one batch stay uncommitted (lost to a `kill -9` only, then redone). */
const STEP_COMMIT_INTERVAL_MS = 1000;

/** Delay before a consumer kafkajs gave up on starts again: doubled per restart without a commit. */
const RESTART_INITIAL_MS = 2000;
const RESTART_MAX_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Group membership errors: kafkajs must get the batch back to rejoin the group. */
const GROUP_ERRORS = new Set([
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'NOT_COORDINATOR',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'FENCED_INSTANCE_ID',
]);

function isGroupError(error: unknown): boolean {
  return GROUP_ERRORS.has((error as { type?: string }).type ?? '');
}

const nextOffset = (offset: string) => (BigInt(offset) + 1n).toString();

/**
 * At-least-once batch consumer. A fetched batch is handled in steps; stored steps are committed
 * at least once a second, at the batch's end, on a stop and on a rebalance, through the batch's own
 * commit path (which, unlike `Consumer.commitOffsets`, still works while `disconnect()` waits for
 * the batch), so a stop or a rebalance redelivers nothing already stored. A failing step is retried with exponential backoff
 * and the partition does not advance, so nothing is lost while a dependency is down. A timer
 * heartbeats while a step runs, so slow storage never outlasts the group session, and a partition
 * with work and no commit for longer than the stall time is logged once and reported.
 */
export class BatchConsumer {
  private readonly consumer: Consumer;
  private readonly logger: StructuredLogger;
  private readonly settings: ConsumerSettings;
  readonly progress: PartitionProgress;
  private running = false;
  private stopping = false;
  private crashed?: string;
  /** Restarts after a crash since the last commit (the delay before the next one grows with it). */
  private restarts = 0;
  private restartTimer?: NodeJS.Timeout;
  private stallTimer?: NodeJS.Timeout;
  private outcome: StopOutcome = { committed: true, givenBack: 0 };

  constructor(
    kafka: KafkaClient,
    private readonly options: BatchConsumerOptions,
  ) {
    this.logger = options.logger ?? consoleLogger;
    this.settings = {
      sessionTimeoutMs: options.sessionTimeoutMs ?? DEFAULT_CONSUMER_SETTINGS.sessionTimeoutMs,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_CONSUMER_SETTINGS.heartbeatIntervalMs,
      stallSeconds: options.stallSeconds ?? DEFAULT_CONSUMER_SETTINGS.stallSeconds,
    };
    this.progress = new PartitionProgress(this.settings.stallSeconds);
    this.consumer = kafka.consumer({
      // Namespaced too: members of one group must subscribe to the same topics.
      groupId: `${options.topicPrefix ?? ''}${options.groupId}`,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 1024 * 1024,
      sessionTimeout: this.settings.sessionTimeoutMs,
      heartbeatInterval: this.settings.heartbeatIntervalMs,
    });
    const prefix = options.topicPrefix ?? '';
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
        partitions.map((partition) => ({ topic: topic.slice(prefix.length), partition })),
      );
      this.progress.retain(assigned);
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return; // kafkajs rejoins by itself
      this.crashed = payload.error.message;
      this.running = false;
      this.startAgainLater();
    });
  }

  async start(): Promise<void> {
    await this.run();
    const checkEvery = Math.min(5000, (this.settings.stallSeconds * 1000) / 4);
    this.stallTimer = setInterval(() => this.logNewStalls(), checkEvery);
    this.stallTimer.unref();
  }

  private async run(): Promise<void> {
    await this.consumer.connect();
    const prefix = this.options.topicPrefix ?? '';
    await this.consumer.subscribe({
      topics: this.options.topics.map((topic) => `${prefix}${topic}`),
      fromBeginning: this.options.fromBeginning ?? true,
    });
    this.running = true;
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.consumeBatch(payload, prefix),
    });
  }

  /**
   * kafkajs leaves a consumer stopped after an error it classes as not retriable (seen: "Failed to
   * find group coordinator" while a restarted broker loads its group metadata). Nothing would
   * restart it (a pod that is alive but not ready stays so), so it starts itself again, with a
   * growing delay, until a step is committed again; meanwhile readiness says why it is not running.
   */
  private startAgainLater(): void {
    if (this.stopping) return;
    const delayMs = Math.min(RESTART_MAX_MS, RESTART_INITIAL_MS * 2 ** this.restarts);
    this.restarts++;
    this.logger.error(`consumer stopped after an error kafkajs does not retry; starting it again in ${delayMs} ms`, {
      error: this.crashed,
      restart: this.restarts,
    });
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.run().then(
        () => {
          this.crashed = undefined;
          this.logger.warn('consumer started again', { restart: this.restarts });
        },
        (error: unknown) => {
          this.crashed = (error as Error).message;
          this.startAgainLater();
        },
      );
    }, delayMs);
  }

  status(): ConsumerStatus {
    const status: ConsumerStatus = {
      running: this.running,
      stallSeconds: this.settings.stallSeconds,
      partitions: this.progress.snapshot(),
    };
    if (this.crashed !== undefined) status.crashed = this.crashed;
    return status;
  }

  private async consumeBatch(payload: EachBatchPayload, prefix: string): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset, commitOffsetsIfNecessary } = payload;
    if (batch.messages.length === 0) return;
    const topic = batch.topic.slice(prefix.length);
    const { partition, messages } = batch;
    const lag = Number(batch.offsetLag());
    const context: BatchContext = { heartbeat, isActive: () => this.running && isRunning() && !isStale() };
    const step = Math.max(1, this.options.stepMessages ?? DEFAULT_STEP_MESSAGES);
    this.progress.started(topic, partition, messages[0].offset, lag);
    let lastCommitAt = Date.now();
    let uncommitted: string | undefined; // next offset after stored steps not committed yet
    try {
      for (let start = 0; start < messages.length; start += step) {
        const slice = messages.slice(start, start + step);
        const isLast = start + step >= messages.length;
        // Before waiting out a failure, the steps already stored are committed.
        const commitStored = async () => {
          if (uncommitted === undefined) return;
          await this.commit(commitOffsetsIfNecessary, batch.topic, partition, uncommitted);
          uncommitted = undefined;
          lastCommitAt = Date.now();
        };
        const groupError = await this.handleStep(
          { topic, partition, messages: slice, offsetLag: lag + messages.length - start - slice.length },
          context,
          commitStored,
        );
        if (groupError === false) {
          if (this.stopping) this.outcome.givenBack++;
          // Stopping or rebalanced: earlier stored steps are committed, this one comes back.
          await commitStored();
          return;
        }
        // The last step resolves the batch's last offset, so control records after it are skipped.
        const through = isLast ? batch.lastOffset() : slice[slice.length - 1].offset;
        resolveOffset(through);
        // A commit costs a round trip (~7 ms locally); between steps of one batch, at most one a
        // second. The batch's end, a stop and a rebalance always commit.
        uncommitted = nextOffset(through);
        if (isLast || groupError || !context.isActive() || Date.now() - lastCommitAt >= STEP_COMMIT_INTERVAL_MS) {
          await this.commit(commitOffsetsIfNecessary, batch.topic, partition, uncommitted);
          uncommitted = undefined;
          lastCommitAt = Date.now();
        }
        if (groupError) throw groupError; // stored and committed; now rejoin
        if (!context.isActive()) {
          if (!isLast && this.stopping) this.outcome.givenBack++;
          return; // stopping: what is stored is committed, the rest comes back after a restart
        }
      }
    } finally {
      this.progress.released(topic, partition, lag);
    }
  }

  /**
   * Runs one step with retries while a timer heartbeats. Resolves to false when the step was given
   * up (stopping or stale), else to a group error seen by the heartbeat meanwhile (or undefined).
   */
  private async handleStep(
    step: ConsumedBatch,
    context: BatchContext,
    beforeRetry: () => Promise<void>,
  ): Promise<Error | undefined | false> {
    let groupError: Error | undefined;
    const keepAlive = setInterval(() => {
      context.heartbeat().catch((error: unknown) => {
        if (isGroupError(error)) groupError ??= error as Error;
      });
    }, this.settings.heartbeatIntervalMs);
    try {
      const handled = await this.handleWithRetry(step, context, beforeRetry);
      return handled ? groupError : false;
    } finally {
      clearInterval(keepAlive);
    }
  }

  private async handleWithRetry(
    batch: ConsumedBatch,
    context: BatchContext,
    beforeRetry: () => Promise<void>,
  ): Promise<boolean> {
    const initial = this.options.retryInitialMs ?? 200;
    const max = this.options.retryMaxMs ?? 10000;
    for (let attempt = 0; context.isActive(); attempt++) {
      try {
        await this.options.handler(batch, context);
        return true;
      } catch (error) {
        // Retrying here would block the rejoin forever; uncommitted, the step comes back after it.
        if (isGroupError(error)) throw error;
        const delay = Math.min(max, initial * 2 ** Math.min(attempt, 16));
        const reason = (error as Error).message;
        this.progress.failed(batch.topic, batch.partition, reason);
        this.logger.warn(`batch failed, retrying in ${delay} ms`, {
          topic: batch.topic,
          partition: batch.partition,
          firstOffset: batch.messages[0]?.offset,
          attempt: attempt + 1,
          error: reason,
        });
        if (attempt === 0) {
          // A commit that fails too (Kafka down) is tried again at the next commit point.
          await beforeRetry().catch((commitError: unknown) => {
            if (isGroupError(commitError)) throw commitError;
          });
        }
        await this.sleepWithHeartbeats(delay, context);
      }
    }
    return false;
  }

  /** Commits through the batch's own path; a few tries for a passing error, none for a group error. */
  private async commit(
    commitOffsetsIfNecessary: EachBatchPayload['commitOffsetsIfNecessary'],
    topic: string,
    partition: number,
    offset: string,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] });
        this.restarts = 0;
        this.progress.progressed(topic.slice((this.options.topicPrefix ?? '').length), partition, offset);
        return;
      } catch (error) {
        if (isGroupError(error) || attempt >= 3) {
          if (this.stopping) this.outcome.committed = false;
          throw error;
        }
        await sleep(200 * attempt);
      }
    }
  }

  private async sleepWithHeartbeats(ms: number, context: BatchContext): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until && context.isActive()) {
      await sleep(Math.min(1000, until - Date.now()));
      if (!context.isActive()) return; // stopping: no request into a closing connection
      await context.heartbeat().catch((error: unknown) => {
        if (isGroupError(error)) throw error;
      });
    }
  }

  private logNewStalls(): void {
    for (const stall of this.progress.newlyStalled()) {
      const reason =
        stall.reason ??
        (stall.offset !== null
          ? `the batch at offset ${stall.offset} is still being handled`
          : `${stall.lag} message(s) behind and no batch fetched`);
      this.logger.warn(`partition makes no progress for ${stall.secondsSinceProgress} s: ${reason}`, {
        topic: stall.topic,
        partition: stall.partition,
        offset: stall.offset,
        lag: stall.lag,
        secondsSinceProgress: stall.secondsSinceProgress,
        stallSeconds: this.settings.stallSeconds,
      });
    }
  }

  /**
   * Stops fetching, lets the in-flight step finish and commit (later steps of its batch are given
   * back), then leaves the group, so the partitions move on at once instead of after a session.
   */
  async stop(): Promise<StopOutcome> {
    this.stopping = true;
    this.running = false;
    clearInterval(this.stallTimer);
    clearTimeout(this.restartTimer);
    await this.consumer.disconnect();
    this.progress.retain([]);
    return { ...this.outcome };
  }
}
