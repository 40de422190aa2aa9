import { sleep } from '../../support/api';
import type { KafkaCase, KafkaExpectation } from '../cases/kafka.cases';
import { listAll } from './corpus-stack';
import { KafkaTap, type DeadLetterSeen } from './kafka-tap';

export interface RunnerContext {
  tap: KafkaTap;
  gateway: string;
  admin: string;
  tag: string;
}

/** A valid record of the topic, to be produced right after a bad one with the same key. */
const FOLLOWERS = {
  transactions: (id: string) => ({
    resource: 'transactions',
    query: { transactionId: id },
    value: {
      transactionId: id,
      customerId: `${id}-cust`,
      amount: '1.00',
      currency: 'usd',
      timestamp: '2026-11-24T10:00:00Z',
    },
  }),
  social_posts: (id: string) => ({
    resource: 'social-posts',
    query: { postId: id },
    value: {
      postId: id,
      platform: 'mastodon',
      author: 'corpus',
      content: 'after a bad message',
      timestamp: '2026-11-24T10:00:00Z',
    },
  }),
  network_logs: (id: string) => ({
    resource: 'network-logs',
    query: { host: id },
    value: { timestamp: '2026-11-24T10:00:00Z', sourceIp: '198.51.100.77', host: id, message: 'after a bad message' },
  }),
} as const;

export interface KafkaFacts {
  key: string;
  sendError?: string;
  letters: DeadLetterSeen[];
  /** The valid message sent after it (same key, so the same partition) was stored. */
  followerStored: boolean;
  /** Transactions stored under the case's own transactionId (must stay 0 for refused ones). */
  storedUnderKey: number;
  /** The last failed lookup through the gateway, if any (shown with the case's problems). */
  lookupError?: string;
}

const keyOf = (tag: string, testCase: KafkaCase) => `${tag}-${testCase.id}`;

/** Records matching a listing query; a failed lookup (a stalled service) counts 0 and is noted on the case. */
async function countStored(
  ctx: RunnerContext,
  resource: string,
  query: Record<string, string>,
  fact: KafkaFacts,
): Promise<number> {
  try {
    return (await listAll(ctx.gateway, ctx.admin, resource, query)).length;
  } catch (error) {
    fact.lookupError = (error as Error).message;
    return 0;
  }
}

/**
 * Sends each case's raw message, then a valid message with the same key, and waits until every
 * case has its dead letter and its follower is stored, or the time is up.
 */
export async function sendKafkaCases(
  ctx: RunnerContext,
  cases: readonly KafkaCase[],
  timeoutMs: number,
): Promise<Map<string, KafkaFacts>> {
  const facts = new Map<string, KafkaFacts>();
  for (const testCase of cases) {
    const key = keyOf(ctx.tag, testCase);
    const fact: KafkaFacts = { key, letters: [], followerStored: false, storedUnderKey: 0 };
    facts.set(testCase.id, fact);
    try {
      await ctx.tap.send(testCase.topic, [{ key, value: testCase.message(key).value }]);
    } catch (error) {
      fact.sendError = (error as Error).message;
    }
    const follower = FOLLOWERS[testCase.topic](`${key}-after`);
    await ctx.tap.send(testCase.topic, [{ key, value: JSON.stringify(follower.value) }]);
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const testCase of cases) {
      const fact = facts.get(testCase.id) as KafkaFacts;
      fact.letters = ctx.tap.lettersWithKey(testCase.topic, fact.key);
      if (!fact.followerStored) {
        const follower = FOLLOWERS[testCase.topic](`${fact.key}-after`);
        fact.followerStored = (await countStored(ctx, follower.resource, follower.query, fact)) === 1;
      }
    }
    const done = cases.every((testCase) => {
      const fact = facts.get(testCase.id) as KafkaFacts;
      return fact.followerStored && (fact.letters.length > 0 || fact.sendError !== undefined);
    });
    if (done || Date.now() > deadline) break;
    await sleep(1000);
  }
  for (const testCase of cases) {
    if (testCase.expect.notStoredTransaction) {
      const fact = facts.get(testCase.id) as KafkaFacts;
      fact.storedUnderKey = await countStored(ctx, 'transactions', { transactionId: fact.key }, fact);
    }
  }
  return facts;
}

/** Compares a raw message's fate with its documented answer; empty = as documented. */
export function kafkaProblems(expectation: KafkaExpectation, facts: KafkaFacts): string[] {
  const problems: string[] = [];
  if (facts.sendError) problems.push(`the broker refused the test's own message: ${facts.sendError}`);
  if (facts.letters.length !== 1) {
    problems.push(`${facts.letters.length} DLQ entries with key ${facts.key}, documented 1`);
  }
  const letter = facts.letters[0];
  if (letter) {
    const code = KafkaTap.errorCodeOf(letter);
    if (!code || !expectation.dlqCode.includes(code))
      problems.push(`x-dlq-error-code ${code}, documented ${expectation.dlqCode.join(' or ')}`);
    for (const [header, pattern] of Object.entries(expectation.headers ?? {})) {
      const value = letter.headers[header];
      if (value === undefined || !pattern.test(value))
        problems.push(`DLQ header ${header} is ${JSON.stringify(value)}, documented ${pattern}`);
    }
    if (expectation.maxDlqValueBytes !== undefined && letter.valueBytes > expectation.maxDlqValueBytes) {
      problems.push(`DLQ copy holds ${letter.valueBytes} bytes, at most ${expectation.maxDlqValueBytes} documented`);
    }
  }
  if (!facts.followerStored) {
    problems.push(
      `the valid message sent after it (same key, same partition) was not stored${facts.lookupError ? ` (last lookup: ${facts.lookupError})` : ''}`,
    );
  }
  if (facts.storedUnderKey > 0) problems.push(`the refused record was stored (${facts.storedUnderKey} found)`);
  return problems;
}
