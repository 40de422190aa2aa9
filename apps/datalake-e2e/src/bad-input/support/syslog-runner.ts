import { sleep } from '../../support/api';
import type { SyslogCase, SyslogExpectation } from '../cases/syslog.cases';
import { listAll } from './corpus-stack';
import type { DeadLetterSeen } from './kafka-tap';
import type { RunnerContext } from './kafka-runner';
import { normalLine, sendSyslog } from './syslog-sender';

export interface SyslogFacts {
  marker: string;
  follower: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  stored: any[];
  letters: DeadLetterSeen[];
  followerStored: boolean;
}

const numberOf = (testCase: SyslogCase) => testCase.id.replace('syslog-', '');
export const markerOf = (tag: string, testCase: SyslogCase) => `${tag}-m${numberOf(testCase)}`;
export const followerOf = (tag: string, testCase: SyslogCase) => `${tag}-a${numberOf(testCase)}`;

/** Sends each case, then a normal line on the same transport (its host names the case). */
export async function sendSyslogCases(port: number, tag: string, cases: readonly SyslogCase[]): Promise<void> {
  for (const testCase of cases) {
    const sends = testCase.send(markerOf(tag, testCase));
    await sendSyslog(port, sends);
    await sendSyslog(port, [
      { transport: sends[sends.length - 1]?.transport ?? 'udp', payload: normalLine(followerOf(tag, testCase)) },
    ]);
  }
}

/** Reads back every syslog record of the stack and the network_logs dead letters, until each case settled. */
export async function collectSyslogFacts(
  ctx: RunnerContext,
  cases: readonly SyslogCase[],
  timeoutMs: number,
): Promise<Map<string, SyslogFacts>> {
  const deadline = Date.now() + timeoutMs;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let records: any[] = [];
  for (;;) {
    // A failed lookup (a stalled service) keeps the last answer; the cases then show what is missing.
    records = await listAll(ctx.gateway, ctx.admin, 'network-logs', { sourceIp: '127.0.0.1' }).catch(() => records);
    const facts = new Map(
      cases.map((testCase) => {
        const marker = markerOf(ctx.tag, testCase);
        const follower = followerOf(ctx.tag, testCase);
        const letters = ctx.tap.lettersWhere(
          (letter) => letter.topic.endsWith('network_logs.dlq') && (letter.value?.includes(marker) ?? false),
        );
        return [
          testCase.id,
          {
            marker,
            follower,
            stored: records.filter((record) => JSON.stringify(record).includes(marker)),
            letters,
            followerStored: records.some((record) => record.host === follower),
          },
        ] as const;
      }),
    );
    const settled = cases.every(
      (testCase) => syslogProblems(testCase.expect, facts.get(testCase.id) as SyslogFacts).length === 0,
    );
    if (settled || Date.now() > deadline) return facts;
    await sleep(1000);
  }
}

/** Compares a syslog case's fate with its documented answer; empty = as documented. */
export function syslogProblems(expectation: SyslogExpectation, facts: SyslogFacts): string[] {
  const problems: string[] = [];
  const outcomes = [
    ...(facts.stored.length > 0 ? ['stored'] : []),
    ...(facts.letters.length > 0 ? ['dead-lettered'] : []),
  ];
  const seen = outcomes.length === 0 ? ['ignored'] : outcomes;
  if (
    !seen.some((outcome) => expectation.outcome.includes(outcome as never)) ||
    (seen.length > 1 && !expectation.outcome.includes('stored'))
  ) {
    problems.push(`the message was ${seen.join(' and ')}, documented: ${expectation.outcome.join(' or ')}`);
  }
  if (expectation.storedCount !== undefined && facts.stored.length !== expectation.storedCount) {
    problems.push(`${facts.stored.length} records stored, documented ${expectation.storedCount}`);
  }
  if (
    expectation.dlqCode &&
    facts.letters.length > 0 &&
    facts.letters[0].headers['x-dlq-error-code'] !== expectation.dlqCode
  ) {
    problems.push(
      `x-dlq-error-code ${facts.letters[0].headers['x-dlq-error-code']}, documented ${expectation.dlqCode}`,
    );
  }
  if (expectation.notTimestamp && facts.stored.some((record) => record.timestamp === expectation.notTimestamp)) {
    problems.push(`stored with the shifted timestamp ${expectation.notTimestamp}`);
  }
  if (!facts.followerStored) problems.push(`the normal line sent after it (host ${facts.follower}) was not stored`);
  return problems;
}
