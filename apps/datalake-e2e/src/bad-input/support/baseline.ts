import { uniqueId, waitFor } from '@datalake/testing';
import { call } from '../../support/api';
import { listAll } from './corpus-stack';

/** One stored record of the baseline: where to read it and what it looked like before the corpus. */
export interface BaselineRecord {
  resource: string;
  id: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  snapshot: any;
}

export interface Baseline {
  tag: string;
  records: BaselineRecord[];
}

/** Three valid records per topic, pushed through the gateway before any bad input is sent. */
function baselineBodies(tag: string) {
  return {
    transactions: [0, 1, 2].map((i) => ({
      transactionId: `${tag}-tx-${i}`,
      customerId: `${tag}-cust`,
      amount: `${10 + i}.25`,
      currency: 'eur',
      timestamp: `2026-11-2${i}T10:00:00Z`,
      merchant: 'Baseline Shop',
      cardNumber: '4111 1111 1111 1111',
    })),
    social_posts: [0, 1, 2].map((i) => ({
      postId: `${tag}-post-${i}`,
      platform: 'mastodon',
      author: `${tag}-author`,
      content: `baseline post ${i} #corpus @lake`,
      timestamp: `2026-11-2${i}T11:00:00Z`,
      likes: i,
    })),
    network_logs: [0, 1, 2].map((i) => ({
      timestamp: `2026-11-2${i}T12:00:00Z`,
      sourceIp: `192.0.2.${10 + i}`,
      destIp: '10.0.0.1',
      protocol: 'tcp',
      action: 'allow',
      host: `${tag}-host`,
      message: `baseline log ${i}`,
    })),
  };
}

const FILTERS: Record<string, (tag: string) => [string, Record<string, string>]> = {
  transactions: (tag) => ['transactions', { customerId: `${tag}-cust` }],
  social_posts: (tag) => ['social-posts', { author: `${tag}-author` }],
  network_logs: (tag) => ['network-logs', { host: `${tag}-host` }],
};

/** Stores the baseline and snapshots each record as the gateway serves it. */
export async function storeBaseline(gateway: string, adminBearer: string): Promise<Baseline> {
  const tag = uniqueId('base');
  const records: BaselineRecord[] = [];
  for (const [topic, body] of Object.entries(baselineBodies(tag))) {
    const answer = await call(gateway, `/ingest/${topic}`, { token: adminBearer, json: body });
    if (answer.status !== 202 || answer.body.accepted !== body.length) {
      throw new Error(`baseline ${topic}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    const [resource, query] = FILTERS[topic](tag);
    const items = await waitFor(
      async () => {
        const found = await listAll(gateway, adminBearer, resource, query);
        return found.length === body.length ? found : undefined;
      },
      { timeoutMs: 60_000, description: `the baseline ${resource}` },
    );
    for (const item of items) {
      const one = await call(gateway, `/${resource}/${encodeURIComponent(item.id)}`, { token: adminBearer });
      records.push({ resource, id: item.id, snapshot: one.body });
    }
  }
  return { tag, records };
}

/** The baseline records as the gateway serves them now (status and body per record). */
export async function rereadBaseline(gateway: string, adminBearer: string, baseline: Baseline) {
  return Promise.all(
    baseline.records.map(async (record) => {
      const answer = await call(gateway, `/${record.resource}/${encodeURIComponent(record.id)}`, {
        token: adminBearer,
      });
      return { resource: record.resource, id: record.id, status: answer.status, body: answer.body };
    }),
  );
}
