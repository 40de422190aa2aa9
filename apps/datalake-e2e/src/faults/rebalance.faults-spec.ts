import {
  expectDeliveryGoals,
  FaultStack,
  REBALANCE_BOUND_SECONDS,
  reportRow,
  rowOf,
  secondsUntil,
  STREAM_RECORDS,
} from './support/harness';

/** Scenario 6: three instances of the transactions consumer in one group, one killed mid-stream. */
describe('fault 6: rebalance after a group member is killed', () => {
  let faults: FaultStack;

  beforeAll(async () => {
    faults = await FaultStack.start(['transactions-consumer']);
  });

  afterAll(async () => {
    await faults?.stop();
  });

  it('hands the dead member partitions to the others and stores everything exactly once', async () => {
    const startedAt = Date.now();
    await faults.startExtra('transactions-consumer');
    const victim = await faults.startExtra('transactions-consumer');
    const acknowledged = await faults.produce(faults.run, STREAM_RECORDS);
    await faults.waitForCommitted(STREAM_RECORDS / 5);
    await victim.stop('SIGKILL');
    const killedAt = Date.now();
    const atKill = await faults.partitionProgress();
    const lagging = atKill.filter((p) => p.committed < p.end);
    expect(lagging.length).toBeGreaterThan(0); // the kill really hit the middle of the stream

    // Recovered when every partition that still had work at the kill has moved on.
    const recoverySeconds = await secondsUntil(
      async () => {
        const now = await faults.partitionProgress().catch(() => atKill);
        return lagging.every(
          (before) => (now.find((p) => p.partition === before.partition)?.committed ?? 0) > before.committed,
        );
      },
      killedAt,
      300_000,
    );
    const tally = await faults.settle(acknowledged);

    const row = rowOf('6. 3 consumers in a group, one killed', {
      sent: STREAM_RECORDS,
      acknowledged: acknowledged.length,
      tally,
      recoverySeconds,
      startedAt,
      notes: `${atKill.length} partitions, ${lagging.length} lagging at the kill`,
    });
    reportRow(row);
    expectDeliveryGoals(row, tally, REBALANCE_BOUND_SECONDS);
  });
});
