import { sleep, token } from '../support/api';
import { expectDeliveryGoals, FaultStack, reportRow, rowOf } from './support/harness';
import { HttpLoad } from './support/http-load';

const OUTAGE_MS = 10_000;
const UPSTREAM_TIMEOUT_MS = 10_000; // the gateway's default
/**
 * The answer for a batch Kafka did not acknowledge: 503 (the ingest service's KAFKA_SEND_TIMEOUT_MS,
 * 8 s, ends the send before the gateway's UPSTREAM_TIMEOUT_MS, 10 s, would answer 504), within the
 * timeout, never a 500, never a hang.
 */
const UNACKNOWLEDGED_ANSWERS = [503];

/** Scenario 3: Kafka stopped for 10 s while batches are pushed over HTTP through the gateway. */
describe('fault 3: Kafka down during HTTP ingestion', () => {
  let faults: FaultStack;

  beforeAll(async () => {
    faults = await FaultStack.start(
      ['auth-service', 'ingest-producer-service', 'transactions-consumer', 'api-gateway'],
      {
        UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
        INGEST_SOURCES: 'none',
      },
    );
  });

  afterAll(async () => {
    await faults?.infra.up();
    await faults?.stop();
  });

  it('stores every 202 exactly once; the rest are 503 within the upstream timeout, never 500 or a hang', async () => {
    const startedAt = Date.now();
    const gateway = faults.stack.url('api-gateway');
    const adminToken = await token(gateway, faults.stack.admin.username, faults.stack.admin.password);
    const load = new HttpLoad({
      gatewayUrl: gateway,
      token: adminToken,
      run: faults.run,
      hangAfterMs: UPSTREAM_TIMEOUT_MS + 5000,
    });
    await sleep(3000);
    await faults.infra.stopKafka();
    await sleep(OUTAGE_MS);
    const restartAt = Date.now();
    // Returns once the broker serves again (a produce and a group consume/commit went through).
    await faults.infra.up();
    // Recovery is the stack's: from the broker serving again, not from its JVM starting (which
    // took 6 s on quiet cores and up to 48 s on busy ones).
    const backAt = Date.now();
    const brokerStartSeconds = (backAt - restartAt) / 1000;
    await sleep(5000);
    await load.stop();
    const recoverySeconds = load.firstAcceptedAfter(backAt) ?? null;
    const tally = await faults.settle(load.acknowledgedKeys);

    const statuses = load.statusCounts();
    const row = rowOf('3. Kafka stopped 10 s during HTTP push', {
      sent: load.sent,
      acknowledged: load.acknowledgedKeys.length,
      tally,
      recoverySeconds,
      startedAt,
      notes: `broker took ${brokerStartSeconds.toFixed(1)} s to start; answers ${JSON.stringify(statuses)}`,
    });
    reportRow(row);
    expectDeliveryGoals(row, tally);
    expect(recoverySeconds).not.toBeNull();
    const refused = load.outcomes.filter((o) => o.status !== 202);
    expect(statuses['202']).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0); // the outage was really met
    const wrongAnswers = refused.filter((o) => o.hung || !UNACKNOWLEDGED_ANSWERS.includes(o.status));
    expect(wrongAnswers.map((o) => `${o.hung ? 'hang' : o.status} ${o.message}`)).toEqual([]);
    const late = refused.filter((o) => o.elapsedMs > UPSTREAM_TIMEOUT_MS + 1000);
    expect(late.map((o) => `${o.status} after ${o.elapsedMs} ms`)).toEqual([]);
  });
});
