import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@datalake/kafka-schemas';
import { fileCheckpointId, formatOf, isTemporaryName, moveInto } from './inbox-file';
import { lastLineEnd, tailStart } from './live-file-tail.service';

describe('inbox files', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ingest-inbox-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['a.csv', 'csv'],
    ['A.CSV', 'csv'],
    ['a.json', 'json'],
    ['a.ndjson', 'ndjson'],
    ['a.jsonl', 'ndjson'],
    ['a.sqlite', 'sqlite'],
    ['a.db', 'sqlite'],
    ['a.txt', undefined],
  ])('reads the format of %s as %s', (name, format) => expect(formatOf(name)).toBe(format));

  it.each([
    '.a.csv',
    '~a.csv',
    'a.csv.tmp',
    'a.csv.part',
    'a.db-journal',
    'a.db-wal',
    'a.csv.error.json',
    'a.csv.report.json',
  ])('treats %s as a file still being written or our own report', (name) => expect(isTemporaryName(name)).toBe(true));

  it('keeps a file identity across restarts and changes it when the file changes', async () => {
    const path = join(dir, 'a.csv');
    writeFileSync(path, 'x,y\n1,2\n');
    utimesSync(path, new Date(1_000_000), new Date(1_000_000));
    const id = await fileCheckpointId(TOPICS.transactions, path, statSync(path));
    expect(id).toMatch(/^file:transactions:[0-9a-f]{32}$/);
    expect(await fileCheckpointId(TOPICS.transactions, path, statSync(path))).toBe(id);
    expect(await fileCheckpointId(TOPICS.socialPosts, path, statSync(path))).not.toBe(id);
    writeFileSync(path, 'x,y\n1,3\n');
    utimesSync(path, new Date(1_000_000), new Date(1_000_000));
    expect(await fileCheckpointId(TOPICS.transactions, path, statSync(path))).not.toBe(id);
  });

  it('moves a file aside without overwriting one of the same name', async () => {
    const processed = join(dir, 'processed');
    for (const content of ['one', 'two', 'three']) {
      writeFileSync(join(dir, 'a.csv'), content);
      await moveInto(processed, join(dir, 'a.csv'));
    }
    const names = readdirSync(processed).sort();
    expect(names).toHaveLength(3);
    expect(names).toContain('a.csv');
    expect(names.every((name) => /^a(\.\d{8}T\d{6}Z?(-\d+)?)?\.csv$/.test(name))).toBe(true);
  });

  describe(lastLineEnd.name, () => {
    it('finds the end of the last complete line, also far back', async () => {
      const path = join(dir, 'live.csv');
      writeFileSync(path, `a\n${'b'.repeat(200_000)}`);
      expect(await lastLineEnd(path, 0, statSync(path).size)).toBe(2);
      expect(await lastLineEnd(path, 2, statSync(path).size)).toBe(2);
    });
  });

  describe(tailStart.name, () => {
    const file = { ino: 7, size: 100, birthtimeMs: 5 };
    const at = (position: object) => ({ position: { rows: 3, offset: 60, line: 3, ...position } });

    it('starts a new file at 0', () => {
      expect(tailStart(null, file)).toEqual({
        position: { rows: 0, offset: 0, line: 0, ino: 7, born: 5 },
        reset: 'new',
      });
    });

    it('resumes the same file at its checkpoint', () => {
      expect(tailStart(at({ ino: 7, born: 5 }), file)).toEqual({
        position: { rows: 3, offset: 60, line: 3, ino: 7, born: 5 },
        reset: undefined,
      });
    });

    it('starts over when the file was replaced or truncated', () => {
      expect(tailStart(at({ ino: 8, born: 5 }), file).reset).toBe('replaced');
      expect(tailStart(at({ ino: 7, born: 4 }), file).reset).toBe('replaced');
      expect(tailStart(at({ ino: 7, born: 5, offset: 150 }), file)).toMatchObject({
        reset: 'truncated',
        position: { offset: 0 },
      });
    });
  });
});
