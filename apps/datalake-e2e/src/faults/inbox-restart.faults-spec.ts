import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@datalake/testing';
import {
  CSV_ROWS,
  expectDeliveryGoals,
  FaultStack,
  reportRow,
  rowOf,
  secondsUntil,
  transaction,
} from './support/harness';

/** Scenario 5: the ingest service killed and restarted in the middle of a 100,000-row CSV in the inbox. */
describe('fault 5: ingest service restarted mid-CSV', () => {
  let faults: FaultStack;

  beforeAll(async () => {
    faults = await FaultStack.start(['ingest-producer-service', 'transactions-consumer'], { INGEST_SOURCES: 'files' });
  });

  afterAll(async () => {
    await faults?.stop();
  });

  it('stores every row of the file exactly once and moves it to processed/', async () => {
    const startedAt = Date.now();
    const run = faults.run;
    const columns = ['transactionId', 'customerId', 'amount', 'currency', 'timestamp'];
    const lines = [columns.join(',')];
    const keys: string[] = [];
    for (let n = 0; n < CSV_ROWS; n++) {
      const record = transaction(run, n);
      keys.push(record['transactionId'] as string);
      lines.push(
        columns
          .map((column) => (column === 'timestamp' ? new Date(record[column] as number).toISOString() : record[column]))
          .join(','),
      );
    }
    const inbox = join(faults.stack.env['INGEST_DIR'], 'transactions');
    mkdirSync(inbox, { recursive: true });
    const staged = join(faults.stack.env['INGEST_DIR'], `${run}.csv`);
    writeFileSync(staged, `${lines.join('\n')}\n`);
    renameSync(staged, join(inbox, `${run}.csv`)); // appears whole

    await waitFor(async () => (await faults.topicEnd()) >= CSV_ROWS / 5, {
      timeoutMs: 300_000,
      intervalMs: 500,
      description: 'a fifth of the file produced',
    });
    await faults.service('ingest-producer-service').stop('SIGKILL');
    const atKill = await faults.topicEnd();
    expect(atKill).toBeLessThan(CSV_ROWS); // the kill really hit the middle of the file

    const restartedAt = Date.now();
    await faults.restart('ingest-producer-service');
    const recoverySeconds = await secondsUntil(async () => (await faults.topicEnd()) > atKill, restartedAt, 300_000);
    const processed = join(inbox, 'processed', `${run}.csv`);
    await waitFor(() => existsSync(processed), { timeoutMs: 600_000, intervalMs: 1000, description: `${processed}` });
    const tally = await faults.settle(keys);

    const row = rowOf(`5. ingest killed mid ${CSV_ROWS.toLocaleString('en-US')}-row CSV, restart`, {
      sent: CSV_ROWS,
      acknowledged: CSV_ROWS,
      tally,
      recoverySeconds,
      startedAt,
      notes: `killed at ${atKill} produced; ${(await faults.topicEnd()) - CSV_ROWS} rows produced twice`,
    });
    reportRow(row);
    expectDeliveryGoals(row, tally);
  });
});
