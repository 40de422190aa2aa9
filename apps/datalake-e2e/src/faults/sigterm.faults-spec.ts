import { sleep, token } from '../support/api';
import type { AppName } from '../support/stack';
import { expectDeliveryGoals, FaultStack, reportRow, rowOf, secondsSince, secondsUntil } from './support/harness';
import { HttpLoad } from './support/http-load';

const APPS: AppName[] = ['auth-service', 'ingest-producer-service', 'transactions-consumer', 'api-gateway'];
/** A service given SIGTERM must be gone within this, else it gets a SIGKILL. */
const SHUTDOWN_LIMIT_MS = 30_000;
/**
 * Every service's SIGTERM must end the process on its own under load: keep-alive clients are told
 * `Connection: close` and cut after service-kit's SHUTDOWN_GRACE_MS (before that, the gateway
 * was still running after 30 s of load).
 */
const MUST_EXIT_ON_SIGTERM: AppName[] = [
  'transactions-consumer',
  'ingest-producer-service',
  'api-gateway',
  'auth-service',
];

/** Scenario 4: SIGTERM to each service on the ingestion path under HTTP load, then a restart. */
describe('fault 4: SIGTERM of each service under load', () => {
  let faults: FaultStack;

  beforeAll(async () => {
    faults = await FaultStack.start(APPS, { INGEST_SOURCES: 'none' });
  });

  afterAll(async () => {
    await faults?.stop();
  });

  it('stops each service cleanly, restarts it, and stores every 202 exactly once', async () => {
    const startedAt = Date.now();
    const gateway = faults.stack.url('api-gateway');
    const adminToken = await token(gateway, faults.stack.admin.username, faults.stack.admin.password);
    const load = new HttpLoad({ gatewayUrl: gateway, token: adminToken, run: faults.run, hangAfterMs: 20_000 });
    const recoveries: Record<string, number> = {};
    const exits: Record<string, string> = {};
    for (const app of ['transactions-consumer', 'ingest-producer-service', 'api-gateway', 'auth-service'] as const) {
      await sleep(4000); // under load
      const stoppingAt = Date.now();
      const committed = await faults.committed();
      const exit = await Promise.race([
        faults.service(app).stop('SIGTERM'),
        sleep(SHUTDOWN_LIMIT_MS).then(() => 'still running'),
      ]);
      // Nest re-raises the signal after its shutdown hooks: a clean stop ends by SIGTERM (code null) or with 0.
      exits[app] =
        exit === 'still running'
          ? 'SIGKILL after 30 s'
          : `${exit === null ? 'SIGTERM' : `exit ${exit}`} in ${secondsSince(stoppingAt).toFixed(1)} s`;
      if (exit === 'still running') await faults.service(app).stop('SIGKILL');
      const restartedAt = Date.now();
      await faults.restart(app);
      if (app === 'transactions-consumer')
        recoveries[app] = await faults.secondsUntilCommittedAbove(committed, restartedAt);
      else if (app === 'auth-service')
        recoveries[app] = secondsSince(restartedAt); // ready again
      else
        recoveries[app] = await secondsUntil(
          async () => load.firstAcceptedAfter(restartedAt) !== undefined,
          restartedAt,
        );
    }
    await sleep(3000);
    await load.stop();
    const tally = await faults.settle(load.acknowledgedKeys);

    const row = rowOf('4. SIGTERM each service under load, restart', {
      sent: load.sent,
      acknowledged: load.acknowledgedKeys.length,
      tally,
      recoverySeconds: Math.max(...Object.values(recoveries)),
      startedAt,
      notes:
        `recovery ${Object.entries(recoveries)
          .map(([app, s]) => `${app} ${s.toFixed(1)} s`)
          .join(', ')}; ` +
        `stopped ${Object.entries(exits)
          .map(([app, how]) => `${app} ${how}`)
          .join(', ')}; answers ${JSON.stringify(load.statusCounts())}`,
    });
    reportRow(row);
    const mustExit = Object.fromEntries(MUST_EXIT_ON_SIGTERM.map((app) => [app, exits[app]]));
    expect(mustExit).toEqual(
      Object.fromEntries(MUST_EXIT_ON_SIGTERM.map((app) => [app, expect.stringMatching(/^(SIGTERM|exit 0) in /)])),
    );
    expectDeliveryGoals(row, tally);
    expect(load.outcomes.filter((o) => o.status === 500 || o.hung)).toEqual([]);
  });
});
