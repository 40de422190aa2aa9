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
    for (let hit = 1; hit <= 5; hit++)
      await expect(sut.hit(key, HOUR_MS, 100, now)).resolves.toMatchObject({ hits: hit });
    await expect(sut.hit(key, HOUR_MS, 100, now + HOUR_MS)).resolves.toMatchObject({ hits: 1 });
    await expect(sut.hit(`${key}-other`, HOUR_MS, 100, now)).resolves.toMatchObject({ hits: 1 });
  });

  it.each(stores)('%s: takes a hit back', async (_kind, make) => {
    const sut = make();
    const key = uniqueId('unhit');
    const now = Date.now();
    await sut.hit(key, MINUTE_MS, 10, now);
    const second = await sut.hit(key, MINUTE_MS, 10, now);
    await sut.unhit(key, second);
    await expect(sut.hit(key, MINUTE_MS, 10, now)).resolves.toMatchObject({ hits: 2 });
  });

  /** Two gateway replicas: two stores, each on its own client, on one collection. */
  async function twoReplicas<T>(use: (replicas: [SlotCounterStore, SlotCounterStore]) => Promise<T>): Promise<T> {
    const other = await MongoClient.connect((await getTestInfra()).mongoUri);
    try {
      return await use([
        new SlotCounterStore(collection()),
        new SlotCounterStore(other.db(db.databaseName).collection(QUOTAS_COLLECTION)),
      ]);
    } finally {
      await other.close();
    }
  }

  /** Slot documents of a key (the taken-back marker is not a hit). */
  const slotsOf = async (key: string) =>
    (
      await collection()
        .find({ key }, { projection: { _id: 1 } })
        .toArray()
    ).filter((document) => !document._id.endsWith('#released')).length;

  it('slots: lets exactly `limit` of 150 concurrent hits pass across 2 replicas, and refuses 50', async () => {
    await twoReplicas(async (replicas) => {
      const key = uniqueId('burst');
      const now = Date.now();
      const results = await Promise.all(
        Array.from({ length: 150 }, (_, i) => replicas[i % 2].hit(key, HOUR_MS, 100, now)),
      );
      expect(results.filter((result) => result.hits <= 100)).toHaveLength(100);
      expect(results.filter((result) => result.hits > 100)).toHaveLength(50);
      // Each passed hit holds its own slot 1..100.
      const held = results.flatMap((result) => (result.hits <= 100 ? [result.slot] : []));
      expect(new Set(held).size).toBe(100);
      expect(Math.max(...(held as number[]))).toBe(100);
      expect(await slotsOf(key)).toBe(100);
      // Both replicas stay at the limit afterwards.
      await expect(replicas[0].hit(key, HOUR_MS, 100, now)).resolves.toMatchObject({ hits: 101 });
      await expect(replicas[1].hit(key, HOUR_MS, 100, now)).resolves.toMatchObject({ hits: 101 });
    });
  });

  it('slots: a replica whose hint fell behind catches up and keeps counting exactly', async () => {
    await twoReplicas(async ([first, second]) => {
      const key = uniqueId('behind');
      const now = Date.now();
      for (let hit = 0; hit < 40; hit++) await first.hit(key, HOUR_MS, 50, now);
      await expect(second.hit(key, HOUR_MS, 50, now)).resolves.toMatchObject({ hits: 41, slot: 41 });
      const rest = await Promise.all(
        Array.from({ length: 20 }, (_, i) => [first, second][i % 2].hit(key, HOUR_MS, 50, now)),
      );
      expect(rest.filter((result) => result.hits <= 50)).toHaveLength(9);
      expect(await slotsOf(key)).toBe(50);
    });
  });

  it('slots: a hit taken back on one replica frees a slot for the other', async () => {
    await twoReplicas(async ([first, second]) => {
      const key = uniqueId('release');
      const now = Date.now();
      const firstHit = await first.hit(key, MINUTE_MS, 3, now);
      await first.hit(key, MINUTE_MS, 3, now);
      await expect(second.hit(key, MINUTE_MS, 3, now)).resolves.toMatchObject({ slot: 3 });
      await expect(second.hit(key, MINUTE_MS, 3, now)).resolves.toMatchObject({ hits: 4 });
      await first.unhit(key, firstHit);
      await expect(second.hit(key, MINUTE_MS, 3, now)).resolves.toMatchObject({ slot: firstHit.slot });
      await expect(first.hit(key, MINUTE_MS, 3, now)).resolves.toMatchObject({ hits: 4 });
      await expect(second.hit(key, MINUTE_MS, 3, now)).resolves.toMatchObject({ hits: 4 });
      expect(await slotsOf(key)).toBe(3);
    });
  });

  it('slots: the time per hit does not grow with the documents already stored', async () => {
    const medianHitMs = async (key: string) => {
      const sut = new SlotCounterStore(collection());
      const times: number[] = [];
      for (let hit = 0; hit < 41; hit++) {
        const started = process.hrtime.bigint();
        await sut.hit(key, HOUR_MS, 1000);
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      return times.sort((a, b) => a - b)[20];
    };
    const empty = await medianHitMs(uniqueId('alone'));
    const window = windowOf(Date.now(), HOUR_MS);
    const others = Array.from({ length: 5000 }, (_, i) => ({
      _id: `quota:user:other-${i % 50}@${window.start}#${String(Math.floor(i / 50) + 1).padStart(7, '0')}`,
      key: `quota:user:other-${i % 50}`,
      windowStart: new Date(window.start),
      expiresAt: new Date(window.end),
    }));
    for (let i = 0; i < others.length; i += 1000) await collection().insertMany(others.slice(i, i + 1000));
    const crowded = await medianHitMs(uniqueId('crowded'));
    // Counting by range (the former store) took ~1 ms per stored document here; a slot claim is one insert.
    expect(crowded).toBeLessThan(3 * empty + 5);
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
    for (let hit = 0; hit < 2; hit++) await sut.hit(key, HOUR_MS, 3, now);
    const third = await sut.hit(key, HOUR_MS, 3, now);
    await sut.unhit(key, third);
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
