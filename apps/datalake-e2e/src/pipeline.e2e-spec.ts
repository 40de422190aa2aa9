import { uniqueId, waitFor } from '@datalake/testing';
import { startStack, type Stack } from './support/stack';

/** HTTP push → Kafka → the three consumer services → MongoDB, read back through their internal APIs. */
describe('ingestion pipeline over HTTP (built services, real Kafka and MongoDB)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack([
      'ingest-producer-service',
      'network-logs-consumer',
      'social-posts-consumer',
      'transactions-consumer',
    ]);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function push(topic: string, body: string, contentType = 'application/json') {
    const response = await fetch(`${stack.url('ingest-producer-service')}/ingest/${topic}`, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'x-correlation-id': 'e2e-pipeline',
        ...stack.internalHeaders('ingest-producer-service'),
      },
      body,
    });
    return { status: response.status, body: await response.json(), headers: response.headers };
  }

  /** Reads straight from the owning service, with the internal token the gateway would send. */
  async function listAll(url: string): Promise<{ id: string }[]> {
    const owner = [...stack.services.keys()].find((app) => url.startsWith(`${stack.url(app)}/`));
    if (!owner) throw new Error(`no service of the stack serves ${url}`);
    const items: { id: string }[] = [];
    let cursor: string | null = null;
    do {
      const response = await fetch(`${url}&limit=500${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: stack.internalHeaders(owner),
      });
      const page = (await response.json()) as { items: { id: string }[]; nextCursor: string | null };
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  it('stores N transactions pushed over HTTP exactly once, also when pushed twice', async () => {
    const customer = uniqueId('cust');
    const records = Array.from({ length: 150 }, (_, i) => ({
      transactionId: `${customer}-${i}`,
      customerId: customer,
      amount: i % 2 ? `${i}.5` : i + 0.25,
      currency: 'usd',
      timestamp: Date.UTC(2026, 10, 24, 10, 0, i),
    }));
    const first = await push('transactions', JSON.stringify(records));
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ accepted: 150, rejected: 0, errors: [] });
    expect(first.headers.get('x-correlation-id')).toBe('e2e-pipeline');
    const url = `${stack.url('transactions-consumer')}/transactions?customerId=${customer}`;
    await waitFor(async () => (await listAll(url)).length === 150, {
      timeoutMs: 60000,
      description: '150 transactions',
    });

    expect((await push('transactions', JSON.stringify(records))).status).toBe(202);
    const marker = uniqueId('marker');
    await push('transactions', JSON.stringify({ ...records[0], transactionId: marker, customerId: marker }));
    await waitFor(
      async () =>
        (await listAll(`${stack.url('transactions-consumer')}/transactions?customerId=${marker}`)).length === 1,
      {
        timeoutMs: 60000,
        description: 'the marker pushed after the repeat',
      },
    );
    const all = await listAll(url);
    expect(all).toHaveLength(150);
    expect(new Set(all.map((item) => item.id)).size).toBe(150);
  });

  it('accepts NDJSON social posts, reports bad lines by number, and derives hashtags and mentions', async () => {
    const author = uniqueId('author');
    const ndjson = [
      JSON.stringify({
        postId: 'p1',
        platform: 'Mastodon',
        author,
        content: 'Hello #DataLake @Kafka https://x.io',
        timestamp: '2026-11-24T10:00:00Z',
      }),
      '{"postId": broken',
      JSON.stringify({
        postId: 'p2',
        platform: 'mastodon',
        author,
        content: 'no tags',
        timestamp: '2026-11-24T10:01:00Z',
        likes: 3,
      }),
    ].join('\n');
    const result = await push('social_posts', ndjson, 'application/x-ndjson');
    expect(result.status).toBe(202);
    expect(result.body).toEqual({
      accepted: 2,
      rejected: 1,
      errors: [{ index: 1, code: 'INVALID_JSON', message: 'line 2 is not valid JSON' }],
    });
    const url = `${stack.url('social-posts-consumer')}/social-posts?author=${author}`;
    const posts = await waitFor(
      async () => {
        const items = await listAll(url);
        return items.length === 2 ? items : undefined;
      },
      { timeoutMs: 60000, description: 'two posts' },
    );
    expect(posts[1]).toMatchObject({
      id: 'mastodon:p1',
      hashtags: ['datalake'],
      mentions: ['kafka'],
      urls: ['https://x.io'],
    });
  });

  it('normalises network logs (IPv6, direction) and answers 404 for an unknown topic', async () => {
    const host = uniqueId('host');
    const result = await push(
      'network_logs',
      JSON.stringify([
        {
          timestamp: '2026-11-24T10:00:00Z',
          sourceIp: '2001:DB8:0:0::1',
          destIp: '10.0.0.7',
          protocol: 'tcp',
          action: 'DENY',
          host,
        },
        { timestamp: 'not a time', sourceIp: '10.0.0.1', host },
      ]),
    );
    expect(result.body).toMatchObject({ accepted: 1, rejected: 1, errors: [{ index: 1 }] });
    const logs = await waitFor(
      async () => {
        const items = await listAll(`${stack.url('network-logs-consumer')}/network-logs?host=${host.toUpperCase()}`);
        return items.length === 1 ? items : undefined;
      },
      { timeoutMs: 60000, description: 'the network log' },
    );
    expect(logs[0]).toMatchObject({ sourceIp: '2001:db8::1', direction: 'inbound', protocol: 'TCP', action: 'deny' });
    expect((await push('unknown_topic', '{}')).status).toBe(404);
  });

  it('answers 400 for an unparseable body and 413 over 5 MB', async () => {
    expect((await push('transactions', '{not json')).status).toBe(400);
    const big = JSON.stringify([{ content: 'x'.repeat(5 * 1024 * 1024 + 10) }]);
    expect((await push('transactions', big)).status).toBe(413);
  });
});
