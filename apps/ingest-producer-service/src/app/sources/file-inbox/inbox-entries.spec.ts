import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { moveInto, nonRegularKind, NotRegularFileError, openRegularFile, writeJsonReport } from './inbox-file';

describe('inbox entries that are not regular files', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ingest-entries-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names each kind of entry, and none for a regular file', () => {
    const file = join(dir, 'f.csv');
    writeFileSync(file, 'x');
    symlinkSync(file, join(dir, 'l.csv'));
    mkdirSync(join(dir, 'd.csv'));
    execFileSync('mkfifo', [join(dir, 'p.csv')]);
    expect(nonRegularKind(lstatSync(file))).toBeUndefined();
    expect(nonRegularKind(lstatSync(join(dir, 'l.csv')))).toBe('a symbolic link');
    expect(nonRegularKind(lstatSync(join(dir, 'd.csv')))).toBe('a folder');
    expect(nonRegularKind(lstatSync(join(dir, 'p.csv')))).toBe('a named pipe');
  });

  it('opens a regular file, and refuses a link (without following it) and a FIFO (without hanging)', async () => {
    const file = join(dir, 'f.csv');
    writeFileSync(file, 'content');
    const handle = await openRegularFile(file);
    expect((await handle.readFile()).toString()).toBe('content');
    await handle.close();
    symlinkSync(file, join(dir, 'l.csv'));
    await expect(openRegularFile(join(dir, 'l.csv'))).rejects.toEqual(new NotRegularFileError('a symbolic link'));
    execFileSync('mkfifo', [join(dir, 'p.csv')]);
    await expect(openRegularFile(join(dir, 'p.csv'))).rejects.toEqual(new NotRegularFileError('a named pipe'));
  });

  it('moves a link itself, leaving its target where it is', async () => {
    const target = join(dir, 'target.csv');
    writeFileSync(target, 'secret');
    symlinkSync(target, join(dir, 'l.csv'));
    const moved = await moveInto(join(dir, 'failed'), join(dir, 'l.csv'));
    expect(lstatSync(moved).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('secret');
  });

  it('does not write a report through a link planted under its name', async () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'untouched');
    symlinkSync(victim, join(dir, 'a.csv.error.json'));
    await expect(writeJsonReport(join(dir, 'a.csv.error.json'), { code: 'X' })).rejects.toMatchObject({
      code: 'ELOOP',
    });
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
  });
});
