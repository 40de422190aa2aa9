import { sleep } from '../../support/api';
import { transaction } from './harness';

/** One POST /ingest/transactions of the load: what was sent, what came back, how long it took. */
export interface PushOutcome {
  startedAt: number;
  elapsedMs: number;
  /** HTTP status, or 0 when no answer came (connection refused, or aborted as a hang). */
  status: number;
  hung: boolean;
  sent: number;
  acknowledgedKeys: string[];
  message?: string;
}

export interface LoadOptions {
  gatewayUrl: string;
  token: string;
  run: string;
  batchSize?: number;
  concurrency?: number;
  /** A request without an answer after this long counts as a hang. */
  hangAfterMs: number;
}

/**
 * Pushes batches of transactions through the gateway until stopped, `concurrency` requests at a
 * time. A 202 acknowledges the batch's records except those listed in its `errors[]`; any other
 * answer acknowledges nothing.
 */
export class HttpLoad {
  readonly outcomes: PushOutcome[] = [];
  private next = 0;
  private running = true;
  private readonly workers: Promise<void>[];

  constructor(private readonly options: LoadOptions) {
    this.workers = Array.from({ length: options.concurrency ?? 2 }, () => this.work());
  }

  get acknowledgedKeys(): string[] {
    return this.outcomes.flatMap((outcome) => outcome.acknowledgedKeys);
  }

  get sent(): number {
    return this.outcomes.reduce((sum, outcome) => sum + outcome.sent, 0);
  }

  /** Seconds from `since` to the first 202 of a request started after it, or undefined. */
  firstAcceptedAfter(since: number): number | undefined {
    const accepted = this.outcomes
      .filter((o) => o.status === 202 && o.startedAt >= since)
      .map((o) => o.startedAt + o.elapsedMs);
    return accepted.length ? (Math.min(...accepted) - since) / 1000 : undefined;
  }

  /** Answer counts by status, e.g. { "202": 120, "503": 4 }. */
  statusCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { status, hung } of this.outcomes) {
      const key = hung ? 'hang' : String(status);
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  private async work(): Promise<void> {
    const size = this.options.batchSize ?? 100;
    while (this.running) {
      const first = this.next;
      this.next += size;
      const outcome = await this.push(Array.from({ length: size }, (_, i) => transaction(this.options.run, first + i)));
      this.outcomes.push(outcome);
      if (outcome.status !== 202) await sleep(100); // no busy loop while a service is down
    }
  }

  private async push(records: Record<string, unknown>[]): Promise<PushOutcome> {
    const startedAt = Date.now();
    const base = { startedAt, sent: records.length, acknowledgedKeys: [] as string[], hung: false };
    try {
      const response = await fetch(`${this.options.gatewayUrl}/ingest/transactions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(records),
        signal: AbortSignal.timeout(this.options.hangAfterMs),
      });
      const text = await response.text();
      const elapsedMs = Date.now() - startedAt;
      let body: { accepted?: number; errors?: { index: number }[]; message?: string } = {};
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: kept as the message
      }
      if (response.status !== 202)
        return { ...base, elapsedMs, status: response.status, message: body.message ?? text.slice(0, 200) };
      const refused = new Set((body.errors ?? []).map((error) => error.index));
      const acknowledgedKeys = records
        .filter((_, i) => !refused.has(i))
        .map((record) => record['transactionId'] as string);
      return { ...base, elapsedMs, status: 202, acknowledgedKeys };
    } catch (error) {
      const hung = (error as Error).name === 'TimeoutError';
      return { ...base, elapsedMs: Date.now() - startedAt, status: 0, hung, message: (error as Error).message };
    }
  }
}
