import { randomBytes } from 'node:crypto';
import { waitFor } from '@datalake/testing';
import { call, token } from './support/api';
import { startStack, type Stack } from './support/stack';

const run = randomBytes(4).toString('hex');
const log = (host: string, message: string) => ({
  timestamp: '2026-11-10T00:00:00Z',
  sourceIp: '10.1.1.1',
  host,
  message,
});

/**
 * Issue 9, finding 1, through the gateway: one large valid ingest is acknowledged and stored
 * whole, and the records ingested after it are stored too (no "out of order sequence number",
 * no 202 for a record that never arrives). An oversize record is refused on its own.
 */
describe('ingest size limits through the gateway (whole stack)', () => {
  let stack: Stack;
  let gateway: string;
  let adminToken: string;

  beforeAll(async () => {
    // Reading the records back counts against the admin's quota: lift it for this file.
    stack = await startStack(['auth-service', 'ingest-producer-service', 'network-logs-consumer', 'api-gateway'], {
      QUOTA_PER_HOUR: '100000',
    });
    gateway = stack.url('api-gateway');
    adminToken = await token(gateway, stack.admin.username, stack.admin.password);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const ingest = (records: unknown) => call(gateway, '/ingest/network_logs', { token: adminToken, json: records });
  const stored = async (host: string): Promise<string[]> => {
    const page = await call(gateway, `/network-logs?host=${host}&limit=200`, { token: adminToken });
    expect(page.status).toBe(200);
    return (page.body.items as { message: string }[]).map((item) => item.message.slice(0, 12));
  };

  it('stores 60 network logs of 60 KB sent in one call (3.6 MB), then every single record sent after it', async () => {
    const host = `big-${run}`;
    const big = Array.from({ length: 60 }, (_, i) => log(host, `${String(i).padStart(4, '0')}:`.padEnd(60_000, 'm')));
    const answer = await ingest(big);
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ accepted: 60, rejected: 0, errors: [] });

    const singleHost = `single-${run}`;
    for (let i = 0; i < 20; i++) {
      const single = await ingest(log(singleHost, `single ${i}`));
      expect({ i, status: single.status, body: single.body }).toEqual({
        i,
        status: 202,
        body: { accepted: 1, rejected: 0, errors: [] },
      });
    }

    const bigStored = await waitFor(async () => ((await stored(host)).length >= 60 ? stored(host) : undefined), {
      timeoutMs: 60_000,
      intervalMs: 1000,
      description: '60 large network logs stored',
    });
    expect(new Set(bigStored).size).toBe(60);
    expect(bigStored).toHaveLength(60);
    await waitFor(async () => (await stored(singleHost)).length === 20, {
      timeoutMs: 60_000,
      intervalMs: 1000,
      description: '20 single network logs stored',
    });
  });

  it('refuses a record over the size limit with its own error, and stores its neighbours', async () => {
    const host = `nb-${run}`;
    const answer = await ingest([
      log(host, 'before'),
      { ...log(host, 'huge'), message: 'm'.repeat(950_000) },
      log(host, 'after'),
    ]);
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({
      accepted: 2,
      rejected: 1,
      errors: [
        {
          index: 1,
          code: 'TOO_LARGE',
          message: expect.stringMatching(/^record is \d+ bytes; at most 921600 bytes are accepted per record$/),
        },
      ],
    });
    await waitFor(async () => (await stored(host)).length === 2, {
      timeoutMs: 60_000,
      intervalMs: 1000,
      description: 'the two neighbours stored',
    });
    expect((await stored(host)).sort()).toEqual(['after', 'before']);
  });
});
