import { randomUUID } from 'node:crypto';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { MongoServerError, type Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { CheckpointStoreUnavailableError } from '../source-errors';
import type { RowStats, SourcePosition } from '../source-row';

export type CheckpointKind = 'file' | 'tail' | 'sqlite';
export type CheckpointStatus = 'active' | 'done' | 'failed';

/** How far one input has been produced; written only after Kafka acknowledged up to `position`. */
export interface Checkpoint {
  /** `<kind>:<topic>:<identity>`, e.g. `file:transactions:3f9a…` or `sqlite:transactions:shop`. */
  _id: string;
  kind: CheckpointKind;
  /** Readable name of the input (file path in the inbox, configured source name). */
  source: string;
  status: CheckpointStatus;
  position: SourcePosition;
  stats: RowStats;
  error?: string;
  /** The service instance working on the input, while its lease lasts. */
  owner?: string | null;
  leaseUntil?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export type CheckpointUpdate = Pick<Checkpoint, 'kind' | 'source' | 'status' | 'position' | 'stats'> & {
  error?: string;
};

export const CHECKPOINT_COLLECTION = 'source_checkpoints';
/**
 * How long a claim on an input lasts unless renewed. Short, so that an instance killed without a
 * goodbye (SIGKILL, OOM) blocks its inputs for at most this long; the holder renews it every
 * LEASE_RENEW_MS while it works, so a slow chunk does not lose it.
 */
export const LEASE_MS = 8_000;
export const LEASE_RENEW_MS = 2_000;
const DUPLICATE_KEY = 11000;

/**
 * Source checkpoints in the service's own Mongo database (`ingest`), so a pod without a disk
 * resumes where its predecessor stopped. A lease per input keeps two replicas sharing an inbox or
 * a database from producing the same rows. Only lookups by `_id`: no extra index is needed.
 */
@Injectable()
export class CheckpointStore implements OnApplicationShutdown {
  /** This process: the owner written into the leases it takes. */
  readonly instanceId = randomUUID();
  /** Inputs this instance holds a lease on, with when it last wrote their lease; renewed until released. */
  private readonly held = new Map<string, number>();
  /** The write in progress per input: this instance's writes to one document never overlap. */
  private readonly writes = new Map<string, Promise<unknown>>();
  private renewTimer?: NodeJS.Timeout;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  private get collection(): Collection<Checkpoint> {
    const db = this.connection.db;
    if (!db) throw new CheckpointStoreUnavailableError('MongoDB is not connected (source checkpoints)');
    return db.collection<Checkpoint>(CHECKPOINT_COLLECTION);
  }

  // After the sources stopped (beforeApplicationShutdown): their last chunk keeps its lease.
  onApplicationShutdown(): void {
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }

  get(id: string): Promise<Checkpoint | null> {
    return this.collection.findOne({ _id: id });
  }

  /**
   * Takes the lease on an input, creating its checkpoint document when new. False while another
   * live instance holds it (its lease has not expired).
   */
  async claim(id: string): Promise<boolean> {
    const now = new Date();
    try {
      await this.serially(id, () =>
        this.collection.updateOne(
          { _id: id, $or: [{ owner: null }, { owner: this.instanceId }, { leaseUntil: { $lt: now } }] },
          {
            $set: { owner: this.instanceId, leaseUntil: new Date(now.getTime() + LEASE_MS) },
            $setOnInsert: {
              kind: id.split(':')[0] as CheckpointKind,
              source: id,
              status: 'active',
              position: { rows: 0 },
              stats: { read: 0, produced: 0, rejected: 0 },
              createdAt: now,
              updatedAt: now,
            },
          },
          { upsert: true },
        ),
      );
      this.hold(id);
      return true;
    } catch (error) {
      // The filter missed an existing document, so the upsert collided with it: someone else's lease.
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  /**
   * Runs `work` holding the input's lease, released after it whatever happens; undefined without
   * running it while another live instance holds the lease.
   */
  async withLease<T>(id: string, work: () => Promise<T>): Promise<T | undefined> {
    if (!(await this.claim(id))) return undefined;
    try {
      return await work();
    } finally {
      await this.release(id).catch(() => undefined);
    }
  }

  async release(id: string): Promise<void> {
    this.held.delete(id);
    await this.serially(id, () =>
      this.collection.updateOne({ _id: id, owner: this.instanceId }, { $set: { owner: null } }),
    );
  }

  private hold(id: string): void {
    this.held.set(id, Date.now());
    this.renewTimer ??= setInterval(() => this.renew(), LEASE_RENEW_MS).unref();
  }

  /**
   * Extends the leases held whose last write is half a renewal period old or more (a checkpoint
   * write renews too). A failed renewal is retried on the next tick: the lease lasts four of them.
   */
  private renew(): void {
    const due = Date.now() - LEASE_RENEW_MS / 2;
    for (const [id, lastWrite] of this.held) {
      if (lastWrite > due) continue;
      this.held.set(id, Date.now());
      void this.serially(id, () =>
        this.collection.updateOne(
          { _id: id, owner: this.instanceId },
          { $set: { leaseUntil: new Date(Date.now() + LEASE_MS) } },
        ),
      ).catch(() => undefined); // MongoDB unreachable: the work itself fails on its next checkpoint
    }
  }

  /**
   * Runs this instance's writes to one checkpoint one after the other, so a lease renewal never
   * races a checkpoint write (a server applying them as read-modify-write could lose one).
   */
  private serially<T>(id: string, write: () => Promise<T>): Promise<T> {
    const next = (this.writes.get(id) ?? Promise.resolve()).then(write, write);
    const settled = next.catch(() => undefined);
    this.writes.set(id, settled);
    void settled.then(() => {
      if (this.writes.get(id) === settled) this.writes.delete(id);
    });
    return next;
  }

  /** Writes the checkpoint and renews this instance's lease. */
  async save(id: string, update: CheckpointUpdate): Promise<void> {
    const now = new Date();
    const { error, ...fields } = update;
    if (this.held.has(id)) this.held.set(id, now.getTime());
    await this.serially(id, () =>
      this.collection.updateOne(
        { _id: id },
        {
          $set: {
            ...fields,
            ...(error === undefined ? {} : { error }),
            owner: this.instanceId,
            leaseUntil: new Date(now.getTime() + LEASE_MS),
            updatedAt: now,
          },
          ...(error === undefined ? { $unset: { error: '' as const } } : {}),
          $setOnInsert: { createdAt: now },
        },
        { upsert: true },
      ),
    );
  }

  async delete(id: string): Promise<void> {
    await this.collection.deleteOne({ _id: id });
  }
}
