import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@datalake/kafka-schemas';
import { UnparseableRecord } from '../../../unparseable-record';
import { UnreadableFileError, type SourcePosition, type SourceRow } from '../../source-row';
import { csvRows } from './csv.reader';
import { jsonRows } from './json.reader';
import { readLines } from './line-reader';
import { ndjsonRows } from './ndjson.reader';

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

const records = (rows: SourceRow[]) => rows.map((row) => row.record);

describe('inbox readers', () => {
  let dir: string;
  let n = 0;
  const file = (content: string | Buffer, extension = 'txt') => {
    const path = join(dir, `f${++n}.${extension}`);
    writeFileSync(path, content);
    return path;
  };

  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'ingest-readers-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe(readLines.name, () => {
    it('yields lines with their end offsets, line numbers and no CR or BOM', async () => {
      const path = file('\uFEFFone\r\ntwo\n\nthree');
      const lines = await collect(readLines(path));
      expect(lines.map(({ text, line, endOffset }) => [text, line, endOffset])).toEqual([
        ['one', 1, 8],
        ['two', 2, 12],
        ['', 3, 13],
        ['three', 4, 18],
      ]);
    });

    it('resumes at an offset and, when tailing, leaves an unterminated last line', async () => {
      const path = file('a\nbb\ncc');
      const lines = await collect(readLines(path, { start: 2, firstLine: 2, completeOnly: true }));
      expect(lines.map((line) => [line.text, line.line, line.endOffset])).toEqual([['bb', 2, 5]]);
    });

    it('cuts an overlong line to a preview and goes on after it', async () => {
      const path = file(`${'x'.repeat(50_000)}\nok\n`);
      const lines = await collect(readLines(path, { maxLineBytes: 10_000 }));
      expect(lines.map((line) => [line.oversized, line.text.length, line.endOffset])).toEqual([
        [true, 4096, 50_001],
        [false, 2, 50_004],
      ]);
    });
  });

  describe(ndjsonRows.name, () => {
    it('parses lines, skips blank ones and marks bad JSON as unparseable', async () => {
      const path = file('{"a":1}\n\nnot json\n[1]\n{"b":2}');
      const rows = await collect(ndjsonRows(path, { rows: 0 }));
      expect(rows.map((row) => row.location)).toEqual(['line 1', 'line 3', 'line 4', 'line 5']);
      expect(rows[0].record).toEqual({ a: 1 });
      expect(rows[1].record).toBeInstanceOf(UnparseableRecord);
      expect((rows[1].record as UnparseableRecord).message).toMatch(/^line 3: value is not JSON/);
      expect(rows[1].raw).toBe('not json');
      expect(rows[2].record).toEqual([1]); // refused later by validation: not an object
      expect(rows[3].position).toEqual({ rows: 4, offset: 29, line: 5 });
    });

    it('resumes from a checkpoint without repeating or skipping a line', async () => {
      const path = file('{"n":1}\n{"n":2}\n{"n":3}\n');
      const all = await collect(ndjsonRows(path, { rows: 0 }));
      const resumed = await collect(ndjsonRows(path, all[0].position));
      expect(records(resumed)).toEqual([{ n: 2 }, { n: 3 }]);
      expect(resumed.map((row) => row.position.line)).toEqual([2, 3]);
    });

    it('while tailing reads only complete lines, then the rest once it is complete', async () => {
      const path = file('{"n":1}\n{"n":');
      const first = await collect(ndjsonRows(path, { rows: 0 }, { completeOnly: true }));
      expect(records(first)).toEqual([{ n: 1 }]);
      appendFileSync(path, '2}\n');
      expect(records(await collect(ndjsonRows(path, first[0].position, { completeOnly: true })))).toEqual([{ n: 2 }]);
    });
  });

  describe(csvRows.name, () => {
    const header = 'transaction_id,customer_id,amount,currency,timestamp,merchant\r\n';

    it('maps columns, handles BOM, CRLF, quoted commas, quotes and newlines', async () => {
      const path = file(
        `\uFEFF${header}t1,c1,1.50,EUR,2026-11-24T10:00:00Z,"Joe's, ""Best"" Diner"\r\nt2,c2,2,USD,2026-11-24T10:00:01Z,"two\r\nlines"\r\n`,
      );
      const rows = await collect(csvRows(path, TOPICS.transactions, { rows: 0 }));
      expect(records(rows)).toEqual([
        {
          transactionId: 't1',
          customerId: 'c1',
          amount: '1.50',
          currency: 'EUR',
          timestamp: '2026-11-24T10:00:00Z',
          merchant: 'Joe\'s, "Best" Diner',
        },
        {
          transactionId: 't2',
          customerId: 'c2',
          amount: '2',
          currency: 'USD',
          timestamp: '2026-11-24T10:00:01Z',
          merchant: 'two\r\nlines',
        },
      ]);
      expect(rows[0].raw).toBe('t1,c1,1.50,EUR,2026-11-24T10:00:00Z,"Joe\'s, ""Best"" Diner"');
      expect(rows[0].location).toBe('line 2');
      expect(rows[0].position).toMatchObject({
        rows: 1,
        line: 2,
        header: ['transaction_id', 'customer_id', 'amount', 'currency', 'timestamp', 'merchant'],
      });
    });

    it('numbers lines right after quoted fields that hold newlines', async () => {
      const path = file(
        `${header}t1,c1,1,EUR,2026-11-24T10:00:00Z,"two\r\nlines"\r\nt2,c2,2,EUR,2026-11-24T10:00:00Z,m\r\n\r\nt3,c3,3,EUR,2026-11-24T10:00:00Z,"a\nb\nc"\nt4,c4,4,EUR,2026-11-24T10:00:00Z,m`,
      );
      const rows = await collect(csvRows(path, TOPICS.transactions, { rows: 0 }));
      expect(rows.map((row) => [row.location, row.position.line])).toEqual([
        ['line 2', 3],
        ['line 4', 4],
        ['line 6', 8],
        ['line 9', 9],
      ]);
      const resumed = await collect(csvRows(path, TOPICS.transactions, rows[1].position));
      expect(resumed.map((row) => row.location)).toEqual(['line 6', 'line 9']);
    });

    it('marks a row with the wrong number of fields as unparseable and goes on', async () => {
      const path = file(`${header}t1,c1,1,EUR,2026-11-24T10:00:00Z,m,extra\nt2,c2,2,EUR,2026-11-24T10:00:00Z,m\n`);
      const rows = await collect(csvRows(path, TOPICS.transactions, { rows: 0 }));
      expect((rows[0].record as UnparseableRecord).message).toBe('line 2 has 7 fields, the header has 6');
      expect(rows[1].record).toMatchObject({ transactionId: 't2' });
    });

    it('refuses a header that lacks required columns', async () => {
      const path = file('transaction_id,amount\nt1,1\n');
      await expect(collect(csvRows(path, TOPICS.transactions, { rows: 0 }))).rejects.toMatchObject({
        name: 'UnreadableFileError',
        code: 'WRONG_HEADER',
        message: expect.stringContaining('customerId, currency, timestamp'),
      });
    });

    it('fails the rest of a file at an unclosed quote, after the rows before it', async () => {
      const path = file(`${header}t1,c1,1,EUR,2026-11-24T10:00:00Z,m\nt2,c2,2,EUR,2026-11-24T10:00:00Z,"open\n`);
      const seen: SourceRow[] = [];
      const error = await (async () => {
        for await (const row of csvRows(path, TOPICS.transactions, { rows: 0 })) seen.push(row);
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnreadableFileError);
      expect((error as UnreadableFileError).code).toBe('CSV_QUOTE_NOT_CLOSED');
      expect(seen.length).toBeLessThanOrEqual(1);
    });

    it('resumes at a checkpoint with the stored header', async () => {
      const path = file(
        `${header}t1,c1,1,EUR,2026-11-24T10:00:00Z,m\nt2,c2,2,EUR,2026-11-24T10:00:00Z,"x\ny"\nt3,c3,3,EUR,2026-11-24T10:00:00Z,m\n`,
      );
      const all = await collect(csvRows(path, TOPICS.transactions, { rows: 0 }));
      const resumed = await collect(csvRows(path, TOPICS.transactions, all[1].position));
      expect(resumed.map((row) => (row.record as { transactionId: string }).transactionId)).toEqual(['t3']);
      expect(resumed[0].position.rows).toBe(3);
      expect(resumed[0].location).toBe('line 5');
    });

    it('while tailing stops quietly before a record whose closing quote has not arrived', async () => {
      const path = file(`${header}t1,c1,1,EUR,2026-11-24T10:00:00Z,m\nt2,c2,2,EUR,2026-11-24T10:00:00Z,"still\n`);
      const rows = await collect(csvRows(path, TOPICS.transactions, { rows: 0 }, { tail: true }));
      expect(rows.length).toBeLessThanOrEqual(1);
      const position: SourcePosition = rows[0]?.position ?? { rows: 0 };
      appendFileSync(path, 'writing"\n');
      const rest = await collect(csvRows(path, TOPICS.transactions, position, { tail: true }));
      expect([...rows, ...rest].map((row) => (row.record as { merchant: string }).merchant)).toEqual([
        'm',
        'still\nwriting',
      ]);
    });
  });

  describe(jsonRows.name, () => {
    it('streams the items of an array', async () => {
      const path = file(' \n[{"a":1}, {"a":2}, 3]');
      const rows = await collect(jsonRows(path, { rows: 0 }));
      expect(rows.map((row) => [row.record, row.location, row.position.rows])).toEqual([
        [{ a: 1 }, 'item 1', 1],
        [{ a: 2 }, 'item 2', 2],
        [3, 'item 3', 3],
      ]);
      expect(rows[1].raw).toBe('{"a":2}');
    });

    it('reads a single object, BOM included', async () => {
      expect(records(await collect(jsonRows(file('\uFEFF{"a":{"b":[1]}}'), { rows: 0 })))).toEqual([{ a: { b: [1] } }]);
    });

    it('skips the items a checkpoint counts', async () => {
      expect(records(await collect(jsonRows(file('[1,2,3,4]'), { rows: 2 })))).toEqual([3, 4]);
    });

    it.each([
      ['an empty file', ' \n', 'the file is empty'],
      ['a scalar', '"text"', 'must hold a JSON array or object'],
      ['a truncated array', '[{"a":1},{"b":', 'the file ends inside item 2'],
      ['text after the array', '[{"a":1}] x', 'text after the end of the array'],
    ])('refuses %s', async (_case, content, message) => {
      await expect(collect(jsonRows(file(content), { rows: 0 }))).rejects.toMatchObject({
        code: 'INVALID_JSON',
        message: expect.stringContaining(message),
      });
    });
  });
});
