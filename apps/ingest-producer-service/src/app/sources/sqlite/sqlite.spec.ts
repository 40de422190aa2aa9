import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TOPICS } from '@datalake/kafka-schemas';
import type { SourcePosition, SourceRow } from '../source-row';
import { parseSqliteSources, parseSqliteTables } from './sqlite-source.config';
import { openSqlite, sqliteRows, type SqliteReadSpec } from './sqlite-table.reader';

async function collect(rows: AsyncIterable<SourceRow>): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

describe('SQLite sources', () => {
  describe(parseSqliteSources.name, () => {
    it('reads sources with defaults: table named after the topic, incrementing by rowid', () => {
      expect(parseSqliteSources('[{"name":"shop","path":"/d/shop.db","topic":"transactions"}]')).toEqual({
        ok: true,
        value: [
          {
            name: 'shop',
            path: '/d/shop.db',
            table: 'transactions',
            topic: 'transactions',
            mode: 'incrementing',
            column: 'rowid',
          },
        ],
      });
      expect(parseSqliteSources('')).toEqual({ ok: true, value: [] });
    });

    it('reads a JSON file given by path', () => {
      const dir = mkdtempSync(join(tmpdir(), 'ingest-sqlite-config-'));
      const path = join(dir, 'sources.json');
      writeFileSync(
        path,
        '[{"name":"a","path":"x.db","topic":"network_logs","table":"logs","mode":"timestamp","column":"updated_at"}]',
      );
      expect(parseSqliteSources(path)).toMatchObject({
        ok: true,
        value: [{ mode: 'timestamp', column: 'updated_at', table: 'logs' }],
      });
      rmSync(dir, { recursive: true });
    });

    it.each([
      ['{"name":"a"}', 'must be a JSON array'],
      ['[{"name":"a b","path":"x","topic":"transactions"}]', 'name must match'],
      ['[{"name":"a","topic":"transactions"}]', 'path is required'],
      ['[{"name":"a","path":"x","topic":"orders"}]', 'topic must be'],
      ['[{"name":"a","path":"x","topic":"transactions","table":"x; drop table y"}]', 'table must be an SQL identifier'],
      ['[{"name":"a","path":"x","topic":"transactions","mode":"timestamp"}]', 'needs the updated-at column'],
      [
        '[{"name":"a","path":"x","topic":"transactions"},{"name":"a","path":"y","topic":"transactions"}]',
        'is repeated',
      ],
      ['[not json', 'is not valid JSON'],
      [
        '[{"name":"a","path":"x","topic":"transactions","columns":{"c":"nope"}}]',
        'columns.c must name a transactions field',
      ],
      ['/no/such/file.json', 'cannot read'],
    ])('refuses %s', (value, message) => {
      const result = parseSqliteSources(value);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error).toContain(message);
    });
  });

  describe(parseSqliteTables.name, () => {
    it('maps topics to tables and refuses unknown topics', () => {
      expect(parseSqliteTables('{"transactions":"tx"}')).toEqual({ ok: true, value: { transactions: 'tx' } });
      expect(parseSqliteTables('{"orders":"tx"}').ok).toBe(false);
    });
  });

  describe(sqliteRows.name, () => {
    let dir: string;
    let path: string;
    let writer: Database.Database;
    let reader: Database.Database;
    const insert = (id: string, updatedAt: string | null, amount = '1.00') =>
      writer
        .prepare(
          'INSERT INTO tx (transaction_id, customer_id, amount, currency, ts, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(id, 'c1', amount, 'EUR', '2026-11-24T10:00:00Z', updatedAt);
    const ids = (rows: SourceRow[]) => rows.map((row) => (row.record as { transactionId: string }).transactionId);

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'ingest-sqlite-'));
      path = join(dir, 'shop.db');
      writer = new Database(path);
      writer.exec(
        'CREATE TABLE tx (id INTEGER PRIMARY KEY, transaction_id TEXT, customer_id TEXT, amount TEXT, currency TEXT, ts TEXT, updated_at TEXT, note BLOB)',
      );
      reader = openSqlite(path);
    });
    afterEach(() => {
      writer.close();
      reader.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const byRowid: SqliteReadSpec = { table: 'tx', topic: TOPICS.transactions, mode: 'incrementing', column: 'rowid' };

    it('reads rows past the checkpoint in rowid order, batch by batch, mapping columns', async () => {
      for (let i = 1; i <= 7; i++) insert(`t${i}`, null);
      const rows = await collect(sqliteRows(reader, byRowid, { rows: 0 }, 3));
      expect(ids(rows)).toEqual(['t1', 't2', 't3', 't4', 't5', 't6', 't7']);
      expect(rows[0]).toMatchObject({
        record: {
          transactionId: 't1',
          customerId: 'c1',
          amount: '1.00',
          currency: 'EUR',
          timestamp: '2026-11-24T10:00:00Z',
        },
        location: 'rowid 1',
        position: { rows: 1, rowid: 1 },
      });
      expect(JSON.parse(rows[0].raw)).toMatchObject({ id: 1, transaction_id: 't1', note: null });
      insert('t8', null);
      expect(ids(await collect(sqliteRows(reader, byRowid, rows[6].position, 3)))).toEqual(['t8']);
    });

    it('polls by an updated-at column: updated rows come again, ties are not lost', async () => {
      const spec: SqliteReadSpec = { ...byRowid, mode: 'timestamp', column: 'updated_at' };
      insert('a', '2026-01-01T00:00:01Z');
      insert('b', '2026-01-01T00:00:02Z');
      insert('c', '2026-01-01T00:00:02Z');
      insert('no-time', null);
      const first = await collect(sqliteRows(reader, spec, { rows: 0 }, 2));
      expect(ids(first)).toEqual(['a', 'b', 'c']);
      const position: SourcePosition = first[1].position; // stopped between the two rows of one second
      expect(ids(await collect(sqliteRows(reader, spec, position, 2)))).toEqual(['c']);
      writer
        .prepare("UPDATE tx SET amount = '9.00', updated_at = '2026-01-01T00:00:03Z' WHERE transaction_id = 'a'")
        .run();
      const again = await collect(sqliteRows(reader, spec, first[2].position, 2));
      expect(again.map((row) => row.record)).toEqual([expect.objectContaining({ transactionId: 'a', amount: '9.00' })]);
    });

    it('maps columns as configured', async () => {
      writer.exec('CREATE TABLE orders (ref TEXT, customer_id TEXT, amount TEXT, currency TEXT, ts TEXT)');
      writer.prepare("INSERT INTO orders VALUES ('r1', 'c1', '5', 'EUR', '2026-11-24T10:00:00Z')").run();
      const rows = await collect(
        sqliteRows(reader, { ...byRowid, table: 'orders', columns: { ref: 'transactionId' } }, { rows: 0 }, 10),
      );
      expect(rows[0].record).toMatchObject({ transactionId: 'r1', customerId: 'c1' });
    });

    it('refuses a missing table, naming the tables there are', async () => {
      await expect(collect(sqliteRows(reader, { ...byRowid, table: 'orders' }, { rows: 0 }, 10))).rejects.toMatchObject(
        {
          code: 'NO_TABLE',
          message: expect.stringContaining('(tables: tx)'),
        },
      );
    });

    it('refuses a table without the required columns', async () => {
      writer.exec('CREATE TABLE thin (transaction_id TEXT)');
      await expect(collect(sqliteRows(reader, { ...byRowid, table: 'thin' }, { rows: 0 }, 10))).rejects.toMatchObject({
        code: 'WRONG_HEADER',
      });
    });

    it('refuses a file that is not a database', async () => {
      const bogus = join(dir, 'bogus.db');
      writeFileSync(bogus, 'this is not sqlite at all, just some text that is long enough'.repeat(20));
      const db = openSqlite(bogus);
      await expect(collect(sqliteRows(db, byRowid, { rows: 0 }, 10))).rejects.toMatchObject({
        name: 'UnreadableFileError',
        code: 'SQLITE_NOTADB',
      });
      db.close();
    });
  });
});
