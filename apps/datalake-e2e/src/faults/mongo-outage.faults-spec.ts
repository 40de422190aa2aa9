import { sleep } from '../support/api';
import { expectDeliveryGoals, FaultStack, reportRow, rowOf } from './support/harness';

const OUTAGE_MS = 10_000;
/**
 * Records streamed through each outage. At 50,000 the real stop/start left the consumer replacing
 * its redelivered batch on FerretDB for over 10 minutes with no commit (issue 9, finding 12: a
 * batch's work outlasting the group session); the volume here keeps the scenario about the outage.
 */
const OUTAGE_RECORDS = Number(process.env['FAULTS_OUTAGE_RECORDS'] ?? 20_000);

/**
 * Scenario 2: the MongoDB server hung (SIGSTOP) and, separately, crashed (SIGKILL), for 10 s during
 * consumption. A graceful stop (SIGTERM) of FerretDB on PostgreSQL is not used here: it can leave
 * the Node driver of a busy client wedged with no socket and no heartbeat (reproduced outside the
 * services, half of the runs; see docs/STORAGE.md "Open problem") — an open finding, not hidden.
 */
describe('fault 2: MongoDB server down during consumption', () => {
  let faults: FaultStack | undefined;

  afterEach(async () => {
    await faults?.infra.resumeMongo().catch(() => undefined); // never leave it paused
    await faults?.infra.up();
    await faults?.stop();
    faults = undefined;
  });

  it.each([
    ['2a. MongoDB SIGSTOP 10 s during consumption', 'pause'],
    ['2b. MongoDB killed (SIGKILL), down 10 s during consumption, restarted', 'kill'],
  ] as const)('%s: every acknowledged record stored once', async (scenario, fault) => {
    const startedAt = Date.now();
    faults = await FaultStack.start(['transactions-consumer']);
    const acknowledged = await faults.produce(faults.run, OUTAGE_RECORDS);
    await faults.waitForCommitted(OUTAGE_RECORDS / 10);
    const beforeOutage = await faults.committed();

    if (fault === 'pause') await faults.infra.pauseMongo();
    else await faults.infra.killMongo();
    await sleep(OUTAGE_MS);
    const backAt = Date.now();
    if (fault === 'pause') await faults.infra.resumeMongo();
    else await faults.infra.up();
    const recoverySeconds = await faults.secondsUntilCommittedAbove(beforeOutage, backAt);
    const tally = await faults.settle(acknowledged);

    const row = rowOf(scenario, {
      sent: OUTAGE_RECORDS,
      acknowledged: acknowledged.length,
      tally,
      recoverySeconds,
      startedAt,
      notes: `outage at ${beforeOutage} committed`,
    });
    reportRow(row);
    expect(beforeOutage).toBeLessThan(OUTAGE_RECORDS); // the outage really hit the stream
    expectDeliveryGoals(row, tally);
  });
});
