import { MongoClient, type Db } from 'mongodb';
import { getTestInfra, uniqueId } from '@datalake/testing';
import {
  type CounterDocument,
  type CounterStore,
  createCounterStore,
  IncrementCounterStore,
  QUOTAS_COLLECTION,
  SlotCounterStore,
  sweepExpiredCounters,
  HOUR_MS,
  MINUTE_MS,
  windowOf,
} from '@datalake/service-kit';

describe('quota counter stores (real MongoDB wire server)', () => {
  let client: MongoClient;
  let db: Db;

  beforeAll(async () => {
    const infra = await getTestInfra();
    client = await MongoClient.connect(infra.mongoUri, { serverSelectionTimeoutMS: 5000 });
    db = client.db(uniqueId('gateway_quota_'));
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await client?.close();
  });

  const collection = () => db.collection<CounterDocument>(QUOTAS_COLLECTION);
  const stores: [string, () => CounterStore][] = [
    ['slots', () => new SlotCounterStore(collection())],
    ['increment', () => new IncrementCounterStore(collection())],
  ];

  it('picks the store that counts exactly on this server', async () => {
    const store = await createCounterStore(db);
    const info = await db.admin().command({ buildInfo: 1 });
    expect(store.kind).toBe('ferretdbVersion' in info ? 'slots' : 'increment');
  });

  it.each(stores)('%s: counts sequential hits per key and window', async (_kind, make) => {
    const sut = make();
    const key = uniqueId('seq');
    const now = Date.parse('2026-11-24T10:30:00Z');
    for (let hit = 1; hit <= 5; hit++) await expect(sut.hit(key, HOUR_MS, 100, now)).resolves.toMatchObject({ hits: hit });
    await expect(sut.hit(key, HOUR_MS, 100, now + HOUR_MS)).resolves.toMatchObject({ hits: 1 });
    await expect(sut.hit(`${key}-other`, HOUR_MS, 100, now)).resolves.toMatchObject({ hits: 1 });
  });

  it.each(stores)('%s: takes a hit back', async (_kind, make) => {
    const sut = make();
    const key = uniqueId('unhit');
    const now = Date.now();
    await sut.hit(key, MINUTE_MS, 10, now);
    const second = await sut.hit(key, MINUTE_MS, 10, now);
    await sut.unhit(key, second.window);
    await expect(sut.hit(key, MINUTE_MS, 10, now)).resolves.toMatchObject({ hits: 2 });
  });

  it('slots: lets exactly `limit` of many concurrent hits pass, across clients', async () => {
    const infra = await getTestInfra();
    const other = await MongoClient.connect(infra.mongoUri);
    try {
      const replicas = [new SlotCounterStore(collection()), new SlotCounterStore(other.db(db.databaseName).collection(QUOTAS_COLLECTION))];
      const key = uniqueId('burst');
      const now = Date.now();
      const results = await Promise.all(Array.from({ length: 120 }, (_, i) => replicas[i % 2].hit(key, HOUR_MS, 100, now)));
      // Exactly `limit` hits pass (each holds one of the slots 1..100), the rest are refused.
      expect(results.filter((result) => result.hits <= 100)).toHaveLength(100);
      expect(await collection().countDocuments({ key })).toBe(100);
    } finally {
      await other.close();
    }
  });

  it('slots: stores nothing for refused hits', async () => {
    const sut = new SlotCounterStore(collection());
    const key = uniqueId('cap');
    const now = Date.now();
    for (let hit = 0; hit < 6; hit++) await sut.hit(key, HOUR_MS, 3, now);
    expect(await collection().countDocuments({ key })).toBe(3);
    await expect(sut.hit(key, HOUR_MS, 3, now)).resolves.toMatchObject({ hits: 4 });
  });

  it('slots: fills the slot a released hit left', async () => {
    const sut = new SlotCounterStore(collection());
    const key = uniqueId('refill');
    const now = Date.now();
    for (let hit = 0; hit < 3; hit++) await sut.hit(key, HOUR_MS, 3, now);
    await sut.unhit(key, windowOf(now, HOUR_MS));
    await expect(sut.hit(key, HOUR_MS, 3, now)).resolves.toMatchObject({ hits: 3 });
    await expect(sut.hit(key, HOUR_MS, 3, now)).resolves.toMatchObject({ hits: 4 });
  });

  it('sweeps the counters of finished windows only', async () => {
    const sut = new SlotCounterStore(collection());
    const key = uniqueId('sweep');
    const longAgo = Date.now() - 3 * HOUR_MS;
    await sut.hit(key, HOUR_MS, 10, longAgo);
    await sut.hit(key, HOUR_MS, 10);
    await sweepExpiredCounters(db);
    const left = await collection().find({ key }).toArray();
    expect(left.map((document) => document.windowStart.getTime())).toEqual([windowOf(Date.now(), HOUR_MS).start]);
  });
});
