import { expectDeliveryGoals, FaultStack, reportRow, rowOf, STREAM_RECORDS } from './support/harness';

/** Scenario 1: `kill -9` of the consumer in the middle of 50,000 records, then a restart. */
describe('fault 1: consumer killed mid-stream', () => {
  let faults: FaultStack;

  beforeAll(async () => {
    faults = await FaultStack.start(['transactions-consumer']);
  });

  afterAll(async () => {
    await faults?.stop();
  });

  it('stores every acknowledged record exactly once after kill -9 and restart', async () => {
    const startedAt = Date.now();
    const acknowledged = await faults.produce(faults.run, STREAM_RECORDS);
    await faults.waitForCommitted(STREAM_RECORDS / 5);
    await faults.service('transactions-consumer').stop('SIGKILL');
    const atKill = await faults.committed();
    expect(atKill).toBeLessThan(STREAM_RECORDS); // the kill really hit the middle of the stream

    const restartedAt = Date.now();
    await faults.restart('transactions-consumer');
    const recoverySeconds = await faults.secondsUntilCommittedAbove(atKill, restartedAt);
    const tally = await faults.settle(acknowledged);

    const row = rowOf(`1. kill -9 consumer mid ${STREAM_RECORDS.toLocaleString('en-US')}, restart`, {
      sent: STREAM_RECORDS,
      acknowledged: acknowledged.length,
      tally,
      recoverySeconds,
      startedAt,
      notes: `killed at ${atKill} committed`,
    });
    reportRow(row);
    expectDeliveryGoals(row, tally);
  });
});
