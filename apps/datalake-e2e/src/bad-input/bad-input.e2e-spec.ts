import { uniqueId, waitFor } from '@datalake/testing';
import { newUser, sleep, type TestUser } from '../support/api';
import type { Stack } from '../support/stack';
import { AUTH_CASES } from './cases/auth.cases';
import { HTTP_BODY_CASES } from './cases/http-body.cases';
import { HEADER_CASES, PATH_CASES, QUERY_CASES } from './cases/http-request.cases';
import { INBOX_CASES } from './cases/inbox.cases';
import { KAFKA_CASES, type KafkaCase } from './cases/kafka.cases';
import { SYSLOG_CASES } from './cases/syslog.cases';
import { rereadBaseline, storeBaseline, type Baseline } from './support/baseline';
import { adminToken, allReady, listAll, readiness, startCorpusStack } from './support/corpus-stack';
import { runHttpCase, type HttpCase, type HttpContext } from './support/http-case';
import { dropAndWait, inboxProblems, type InboxObservation } from './support/inbox-runner';
import { KafkaTap } from './support/kafka-tap';
import { kafkaProblems, sendKafkaCases, type KafkaFacts } from './support/kafka-runner';
import { collectSyslogFacts, sendSyslogCases, syslogProblems, type SyslogFacts } from './support/syslog-runner';

/**
 * The bad-input corpus (issue 9): malformed, hostile and edge inputs on every surface, each with
 * its documented answer. After each surface the whole stack must still be ready, and at the end
 * the records stored before the corpus must be exactly as they were.
 */
describe('bad-input corpus (built services, real Kafka and MongoDB)', () => {
  let stack: Stack;
  let gateway: string;
  let admin: string;
  let user: TestUser;
  let baseline: Baseline;
  let tap: KafkaTap;
  const tag = uniqueId('bi');

  const asTable = <T extends { id: string; title: string }>(cases: readonly T[]) =>
    cases.map((testCase) => [testCase.id, testCase.title, testCase] as const);
  const expectReady = async () => expect(await readiness(stack)).toEqual(allReady(stack));

  beforeAll(async () => {
    stack = await startCorpusStack();
    gateway = stack.url('api-gateway');
    admin = await adminToken(stack);
    user = await newUser(gateway, 'corpus');
    baseline = await storeBaseline(gateway, admin);
    tap = new KafkaTap(stack.env['KAFKA_BOOTSTRAP_SERVERS'].split(','), stack.env['KAFKA_TOPIC_PREFIX']);
    await tap.start(['transactions', 'social_posts', 'network_logs']);
  });

  afterAll(async () => {
    await tap?.stop();
    await stack?.stop();
  });

  const httpContext = (): HttpContext => ({
    gateway,
    admin,
    adminUsername: stack.admin.username,
    user,
    secret: stack.env['JWT_SECRET'],
    recordId: (resource) => {
      const record = baseline.records.find((entry) => entry.resource === resource);
      if (!record) throw new Error(`no baseline ${resource}`);
      return record.id;
    },
    newUser: (prefix) => newUser(gateway, prefix),
    gatewayLog: () => stack.services.get('api-gateway')?.output() ?? '',
  });

  const httpGroups: [string, HttpCase[]][] = [
    ['HTTP bodies', HTTP_BODY_CASES],
    ['query strings', QUERY_CASES],
    ['headers', HEADER_CASES],
    ['paths', PATH_CASES],
    ['auth flows', AUTH_CASES],
  ];
  for (const [group, cases] of httpGroups) {
    describe(group, () => {
      it.each(asTable(cases))('%s %s', async (_id, _title, testCase) => {
        expect(await runHttpCase(httpContext(), testCase)).toEqual([]);
      });

      it(`leaves every service ready after the ${group}`, expectReady);
    });
  }

  describe('syslog', () => {
    let facts: Map<string, SyslogFacts>;

    beforeAll(async () => {
      const port = Number(stack.env['SYSLOG_PORT']);
      await sendSyslogCases(port, tag, SYSLOG_CASES);
      facts = await collectSyslogFacts({ tap, gateway, admin, tag }, SYSLOG_CASES, 45_000);
    });

    it.each(asTable(SYSLOG_CASES))('%s %s', (_id, _title, testCase) => {
      expect(syslogProblems(testCase.expect, facts.get(testCase.id) as SyslogFacts)).toEqual([]);
    });

    it('leaves every service ready after the syslog input', expectReady);
  });

  describe('inbox files', () => {
    let observed: Map<string, InboxObservation>;
    const stored = new Map<string, number>();

    beforeAll(async () => {
      observed = await dropAndWait(stack.env['INGEST_DIR'], tag, INBOX_CASES, 45_000);
      // Then the records the files produced, and their dead letters, once the consumers caught up.
      const storing = INBOX_CASES.filter((testCase) => testCase.expect.storedTransactions !== undefined);
      await waitFor(
        async () => {
          for (const testCase of storing) {
            const items = await listAll(gateway, admin, 'transactions', {
              customerId: `${tag}-${testCase.id.replace('inbox-', 'i')}`,
            });
            stored.set(testCase.id, items.length);
          }
          return storing.every((testCase) => stored.get(testCase.id) === testCase.expect.storedTransactions);
        },
        { timeoutMs: 30_000, intervalMs: 1000, description: 'the inbox rows' },
      ).catch(() => undefined); // what is missing is reported per case below
      await sleep(1000);
    });

    it.each(asTable(INBOX_CASES))('%s %s', (_id, _title, testCase) => {
      const observation = observed.get(testCase.id) as InboxObservation;
      const source = `file:${observation.drop.topic}/${observation.drop.name}`;
      const dlqCodes = tap
        .lettersWhere((letter) => letter.headers['x-dlq-source'] === source)
        .map((letter) => KafkaTap.errorCodeOf(letter) ?? '(no x-dlq-error-code)');
      const problems = inboxProblems(testCase.expect, {
        observation,
        storedTransactions: stored.get(testCase.id),
        dlqCodes,
        ingestLog: stack.services.get('ingest-producer-service')?.output() ?? '',
      });
      expect(problems).toEqual([]);
    });

    it('leaves every service ready after the inbox files', expectReady);
  });

  // Last of the surfaces: a poison message that stalls a consumer would hide the answers of the
  // syslog and inbox cases behind it.
  describe('raw Kafka messages', () => {
    const facts = new Map<string, KafkaFacts>();

    beforeAll(async () => {
      // Ordinary bad messages first, then the two that stall a partition on main, each followed
      // by a valid message with the same key (same partition) that must be stored.
      const ordinary = KAFKA_CASES.filter((testCase) => !testCase.poison);
      const poison = KAFKA_CASES.filter((testCase) => testCase.poison);
      for (const batch of [ordinary, poison] as KafkaCase[][]) {
        const found = await sendKafkaCases({ tap, gateway, admin, tag }, batch, 45_000);
        for (const [id, fact] of found) facts.set(id, fact);
      }
    });

    it.each(asTable(KAFKA_CASES))('%s %s', (_id, _title, testCase) => {
      expect(kafkaProblems(testCase.expect, facts.get(testCase.id) as KafkaFacts)).toEqual([]);
    });

    it('leaves every service ready after the raw Kafka messages', expectReady);
  });

  describe('after the whole corpus', () => {
    it('still serves the records stored before it, unchanged', async () => {
      const now = await rereadBaseline(gateway, admin, baseline);
      expect(now.map(({ resource, id, status, body }) => ({ resource, id, status, body }))).toEqual(
        baseline.records.map(({ resource, id, snapshot }) => ({ resource, id, status: 200, body: snapshot })),
      );
    });

    it('leaves every service ready at the end', expectReady);
  });
});
