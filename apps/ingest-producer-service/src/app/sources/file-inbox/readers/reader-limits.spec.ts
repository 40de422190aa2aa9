import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSON_LIMITS, TOPICS } from '@datalake/kafka-schemas';
import { UnparseableRecord } from '../../../unparseable-record';
import type { SourceRow } from '../../source-row';
import { NotRegularFileError } from '../inbox-file';
import { CsvRecordSplitter } from './csv-records';
import { csvRows } from './csv.reader';
import { JsonItemSplitter } from './json-items';
import { jsonRows } from './json.reader';
import { ndjsonRows } from './ndjson.reader';

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

const deepJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const header = 'transaction_id,customer_id,amount,currency,timestamp,merchant\n';
const csvRow = (n: number, merchant = 'm') => `t${n},c${n},${n},EUR,2026-11-24T10:00:0${n}Z,${merchant}\n`;

describe('inbox readers: limits and hostile input', () => {
  let dir: string;
  let n = 0;
  const file = (content: string | Buffer, extension = 'txt') => {
    const path = join(dir, `f${++n}.${extension}`);
    writeFileSync(path, content);
    return path;
  };

  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'ingest-limits-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('CSV', () => {
    it('turns a 1.2 MB field in row 2 of 5 into one TOO_LARGE row; rows 1, 3, 4 and 5 go through', async () => {
      const big = `"${'x'.repeat(1_200_000)}"`;
      const path = file(`${header}${csvRow(1)}${csvRow(2, big)}${csvRow(3)}${csvRow(4)}${csvRow(5)}`);
      const rows = await collect(csvRows(path, TOPICS.transactions, { rows: 0 }));
      expect(rows.map((row) => row.location)).toEqual(['line 2', 'line 3', 'line 4', 'line 5', 'line 6']);
      expect(rows[1].record).toBeInstanceOf(UnparseableRecord);
      expect(rows[1].parseErrorCode).toBe('TOO_LARGE');
      expect((rows[1].record as UnparseableRecord).message).toBe(
        `line 3 is ${Buffer.byteLength(csvRow(2, big)) - 1} bytes; a CSV record may be at most ${JSON_LIMITS.maxRecordBytes} bytes`,
      );
      expect(rows[1].raw.length).toBe(4096); // a preview for the DLQ and the report, not the whole row
      expect(
        rows.filter((_, i) => i !== 1).map((row) => (row.record as { transactionId: string }).transactionId),
      ).toEqual(['t1', 't3', 't4', 't5']);
      // Positions stay exact after the oversize row: a resume from row 2 reads rows 3–5.
      const resumed = await collect(csvRows(path, TOPICS.transactions, rows[1].position));
      expect(resumed.map((row) => row.location)).toEqual(['line 4', 'line 5', 'line 6']);
    });

    it('splits records the same way whatever the chunk boundaries', () => {
      const text = Buffer.from(`a,b\n"x\n""y""",z\r\n"q",\n\nlast`);
      const whole = new CsvRecordSplitter({ start: 0, lineBase: 0, maxRecordBytes: 100 });
      const expected = [...whole.push(text), whole.finish().record].map((r) => [
        r?.bytes.toString(),
        r?.firstLine,
        r?.lastLine,
        r?.endOffset,
      ]);
      const bytewise = new CsvRecordSplitter({ start: 0, lineBase: 0, maxRecordBytes: 100 });
      const found = [];
      for (let i = 0; i < text.length; i++) found.push(...bytewise.push(text.subarray(i, i + 1)));
      found.push(bytewise.finish().record);
      expect(found.map((r) => [r?.bytes.toString(), r?.firstLine, r?.lastLine, r?.endOffset])).toEqual(expected);
      expect(expected).toEqual([
        ['a,b', 1, 1, 4],
        ['"x\n""y""",z', 2, 3, 17],
        ['"q",', 4, 4, 22],
        ['', 5, 5, 23],
        ['last', 6, 6, 27],
      ]);
    });
  });

  describe('NDJSON', () => {
    it('turns an oversize line and a 6,000-deep line into one bad row each; the next lines go through', async () => {
      const path = file(`{"n":1}\n{"m":"${'y'.repeat(1_000_000)}"}\n${deepJson(6000)}\n{"n":4}\n`);
      const rows = await collect(ndjsonRows(path, { rows: 0 }));
      expect(rows.map((row) => [row.location, row.parseErrorCode])).toEqual([
        ['line 1', undefined],
        ['line 2', 'TOO_LARGE'],
        ['line 3', 'TOO_DEEP'],
        ['line 4', undefined],
      ]);
      expect(rows[3].record).toEqual({ n: 4 });
    });
  });

  describe('JSON', () => {
    it('turns a 6,000-deep item and an oversize item into one bad row each; the next items go through', async () => {
      const path = file(`[{"n":1}, ${deepJson(6000)}, {"m":"${'z'.repeat(1_000_000)}"}, {"n":4}]`);
      const rows = await collect(jsonRows(path, { rows: 0 }));
      expect(rows.map((row) => [row.location, row.parseErrorCode])).toEqual([
        ['item 1', undefined],
        ['item 2', 'TOO_DEEP'],
        ['item 3', 'TOO_LARGE'],
        ['item 4', undefined],
      ]);
      expect(rows[3].record).toEqual({ n: 4 });
      expect(rows[2].raw.length).toBeLessThanOrEqual(4096);
    });

    it('turns an item with broken syntax into one bad row and goes on', async () => {
      const rows = await collect(jsonRows(file('[{"a":1},{"b" 2},{"c":3}]'), { rows: 0 }));
      expect(rows.map((row) => row.parseErrorCode)).toEqual([undefined, 'INVALID_JSON', undefined]);
      expect(rows[1].raw).toBe('{"b" 2}');
      expect(rows[2].record).toEqual({ c: 3 });
    });

    it('finds the same items whatever the chunk boundaries, strings with brackets included', () => {
      const text = Buffer.from('[ {"a":"],[{\\"}"}, 2 ,"x,y", [1,[2]] ]');
      const split = (size: number) => {
        const sut = new JsonItemSplitter({ maxItemBytes: 1000 });
        const items = [];
        for (let i = 0; i < text.length; i += size) items.push(...sut.push(text.subarray(i, i + size)));
        sut.finish();
        return items.map((item) => [item.bytes.toString(), item.depth]);
      };
      expect(split(text.length)).toEqual([
        ['{"a":"],[{\\"}"}', 1],
        ['2', 0],
        ['"x,y"', 0],
        ['[1,[2]]', 2],
      ]);
      expect(split(1)).toEqual(split(text.length));
    });
  });

  describe('links', () => {
    it.each<[string, (path: string) => AsyncIterable<SourceRow>]>([
      ['csv', (path) => csvRows(path, TOPICS.transactions, { rows: 0 })],
      ['ndjson', (path) => ndjsonRows(path, { rows: 0 })],
      ['json', (path) => jsonRows(path, { rows: 0 })],
    ])('a %s reader refuses a symbolic link without reading its target', async (format, read) => {
      const target = file(format === 'csv' ? `${header}${csvRow(1)}` : '{"n":1}\n');
      const link = join(dir, `link-${format}`);
      symlinkSync(target, link);
      const error = await collect(read(link)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotRegularFileError);
      expect((error as NotRegularFileError).message).toBe(
        'the inbox reads only regular files; this is a symbolic link, which is not followed or read',
      );
    });
  });
});
