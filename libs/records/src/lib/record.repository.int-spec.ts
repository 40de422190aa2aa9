import { MongoClient, type Db } from 'mongodb';
import { getTestInfra, uniqueId } from '@datalake/testing';
import type { ListQueryDto } from '@datalake/dto';
import type { RecordDefinition, RecordDocument } from './record-definition';
import { RecordRepository } from './record.repository';
import type { CatalogueEntry } from './partition-catalogue';

const definition = {
  resource: 'things',
  collection: 'things',
  filters: {
    kind: (value: string) => ({ kind: value }),
    owner: (value: string) => ({ owner: value }),
  },
  narrowFilters: ['owner'],
  indexes: [{ key: { owner: 1, timestamp: -1, _id: -1 }, name: 'owner_time' }],
  applyUpdate: (_current: RecordDocument, patch: Record<string, unknown>) => patch,
} as unknown as RecordDefinition;

function record(id: number, timestamp: Date): RecordDocument {
  return {
    _id: `r-${String(id).padStart(5, '0')}`,
    timestamp,
    ingestedAt: new Date(),
    source: { kind: 'http', name: 'spec' },
    eventId: `e-${id}`,
    kind: id % 3 === 0 ? 'rare' : 'common',
    owner: `o-${id % 7}`,
  };
}

/** What a newest-first listing must return: everything matching, sorted by (timestamp, _id) descending. */
function expected(records: RecordDocument[], match: (r: RecordDocument) => boolean = () => true): string[] {
  return records
    .filter(match)
    .sort((a, b) => b.timestamp.getTime() - a.timestamp.getTime() || (a._id < b._id ? 1 : -1))
    .map((r) => r._id);
}

describe('RecordRepository on time partitions (real MongoDB wire server)', () => {
  let client: MongoClient;
  let db: Db;
  let repository: RecordRepository;
  const records: RecordDocument[] = [];

  async function listAll(query: Partial<ListQueryDto>): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const result = await repository.list({ limit: 7, ...query, cursor } as ListQueryDto);
      ids.push(...result.items.map((item) => item._id));
      expect(result.items.every((item) => !('partitions' in item))).toBe(true);
      if (!result.nextCursor) return ids;
      cursor = result.nextCursor;
    }
    throw new Error('paging did not end');
  }

  beforeAll(async () => {
    const infra = await getTestInfra();
    client = await MongoClient.connect(infra.mongoUri, { serverSelectionTimeoutMS: 5000 });
    db = client.db(uniqueId('records_partitions_'));
    // A small read limit makes the walk use every level: whole partitions, sub-partitions, seconds.
    repository = new RecordRepository(db, definition, { partitionReadLimit: 4 });
    await repository.ensureIndexes();
    let id = 0;
    // a busy minute (12 records over 3 seconds, ties on the same instant), a sparse hour, other days, another year
    for (let i = 0; i < 12; i++) records.push(record(id++, new Date(Date.UTC(2026, 11, 1, 3, 27, 5 + (i % 3)))));
    for (let i = 0; i < 6; i++) records.push(record(id++, new Date(Date.UTC(2026, 11, 1, 1, i * 9, 30))));
    for (let i = 0; i < 9; i++) records.push(record(id++, new Date(Date.UTC(2026, 10, 20 + i, 12))));
    for (let i = 0; i < 3; i++) records.push(record(id++, new Date(Date.UTC(2024, 1, 29, i))));
    const shuffled = [...records].sort(() => Math.random() - 0.5);
    expect(await repository.upsertMany(shuffled.slice(0, 15))).toEqual([]);
    expect(await repository.upsertMany(shuffled.slice(15))).toEqual([]);
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await client?.close();
  });

  it('pages through everything newest first, each record once', async () => {
    expect(await listAll({})).toEqual(expected(records));
  });

  it('applies broad filters while walking, and narrow ones directly', async () => {
    expect(await listAll({ kind: 'rare' } as never)).toEqual(expected(records, (r) => r['kind'] === 'rare'));
    expect(await listAll({ owner: 'o-3' } as never)).toEqual(expected(records, (r) => r['owner'] === 'o-3'));
  });

  it('keeps to a from/to range', async () => {
    const from = new Date(Date.UTC(2026, 11, 1, 1, 9));
    const to = new Date(Date.UTC(2026, 11, 1, 3, 27, 6));
    const inRange = (r: RecordDocument) => r.timestamp >= from && r.timestamp < to;
    expect(await listAll({ from: from.toISOString(), to: to.toISOString() })).toEqual(expected(records, inRange));
  });

  it('counts each partition once per record, whatever the number of deliveries', async () => {
    expect(await repository.upsertMany(records.slice(0, 20))).toEqual([]);
    await repository.flushCounts();
    const catalogue = db.collection<CatalogueEntry>('things_partitions');
    const minute = await catalogue.findOne({ _id: '2026-12-01T03:27' });
    expect(minute?.count).toBe(12);
    expect((await catalogue.findOne({ _id: '2026' }))?.count).toBe(27);
    expect(await listAll({})).toEqual(expected(records));
  });

  it('replaces a record when a different event brings it again, and keeps it when the same event is redelivered', async () => {
    const target = records[5];
    const changed = { ...target, eventId: 'e-changed', kind: 'changed' };
    expect(await repository.upsertMany([changed, { ...records[6], kind: 'not-written' }])).toEqual([]);
    expect((await repository.findById(target._id))['kind']).toBe('changed');
    // same eventId as stored: a redelivery, nothing rewritten
    expect((await repository.findById(records[6]._id))['kind']).toBe(records[6]['kind']);
    Object.assign(target, changed);
    // the same record sent again as a new event: the stored one is kept as it is
    expect(await repository.upsertMany([{ ...records[7], eventId: 'e-resent', ingestedAt: new Date() }])).toEqual([]);
    expect((await repository.findById(records[7]._id)).eventId).toBe(records[7].eventId);
  });

  it('takes a deleted record out of its partitions and its listing', async () => {
    const [gone] = records.splice(0, 1);
    await repository.delete(gone._id);
    await repository.flushCounts();
    const catalogue = db.collection<CatalogueEntry>('things_partitions');
    expect((await catalogue.findOne({ _id: '2026-12-01T03:27' }))?.count).toBe(11);
    expect(await listAll({})).toEqual(expected(records));
    await expect(repository.findById(gone._id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('stores a redelivered batch once, whether it finds the stored records by insert or by reading their minutes', async () => {
    const fresh = new RecordRepository(db, { ...definition, collection: 'redelivered' } as RecordDefinition);
    await fresh.ensureIndexes();
    const start = Date.UTC(2026, 10, 2, 8);
    const batch = Array.from({ length: 60 }, (_, n) => record(1_000 + n, new Date(start + n * 7_000)));
    expect(await fresh.upsertMany(batch)).toEqual([]);
    // first redelivery: inserted blind, the duplicate keys tell; the second reads the minutes first
    for (let delivery = 0; delivery < 2; delivery++) {
      expect(await fresh.upsertMany(batch.map((r) => ({ ...r, ingestedAt: new Date() })))).toEqual([]);
    }
    // a changed record in a redelivered batch is still written
    const changed = batch.map((r, n) => (n === 3 ? { ...r, eventId: 'e-fix', kind: 'fixed' } : r));
    expect(await fresh.upsertMany(changed)).toEqual([]);
    expect((await fresh.findById(batch[3]._id))['kind']).toBe('fixed');
    expect(await db.collection('redelivered').countDocuments()).toBe(60);
    await fresh.flushCounts();
    const catalogue = db.collection<CatalogueEntry>('redelivered_partitions');
    expect((await catalogue.findOne({ _id: '2026-11-02T08' }))?.count).toBe(60);
  });

  it('writes partition counts together, within a second, and before its own catalogue reads', async () => {
    const quick = new RecordRepository(db, { ...definition, collection: 'counted' } as RecordDefinition);
    await quick.ensureIndexes();
    const at = Date.UTC(2026, 10, 3, 9, 30);
    expect(await quick.upsertMany([record(2_000, new Date(at)), record(2_001, new Date(at + 1_000))])).toEqual([]);
    const catalogue = db.collection<CatalogueEntry>('counted_partitions');
    // the partition exists before its records are written; its count follows
    expect(await catalogue.findOne({ _id: '2026-11-03T09:30' })).not.toBeNull();
    // the repository's own reads see its counts at once
    expect((await quick.list({ limit: 5 } as ListQueryDto)).items).toHaveLength(2);
    expect((await catalogue.findOne({ _id: '2026-11-03T09:30' }))?.count).toBe(2);
    expect(await quick.upsertMany([record(2_002, new Date(at + 2_000))])).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await catalogue.findOne({ _id: '2026-11-03T09:30' }))?.count).toBe(3);
  });

  it('answers a read that outlives its time limit with UNAVAILABLE, not a server error', async () => {
    const impatient = new RecordRepository(db, definition, { readTimeoutMs: 1, partitionReadLimit: 0 });
    await expect(impatient.list({ limit: 50 } as ListQueryDto)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
