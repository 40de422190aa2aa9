import { createHash } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, rename, type FileHandle } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { Topic } from '@datalake/kafka-schemas';

export type InboxFormat = 'csv' | 'json' | 'ndjson' | 'sqlite';

const FORMATS: Readonly<Record<string, InboxFormat>> = {
  '.csv': 'csv',
  '.json': 'json',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.sqlite': 'sqlite',
  '.sqlite3': 'sqlite',
  '.db': 'sqlite',
};

/** Formats a growing file in `live/` can be tailed in. */
export const TAILABLE_FORMATS: readonly InboxFormat[] = ['csv', 'ndjson'];

export const INBOX_SUBDIRS = { processed: 'processed', failed: 'failed', live: 'live' } as const;

export function formatOf(path: string): InboxFormat | undefined {
  return FORMATS[extname(path).toLowerCase()];
}

/**
 * Names a writer uses while a file is incomplete (write-then-rename): hidden files and the usual
 * temporary suffixes, and SQLite's journal files.
 */
export function isTemporaryName(path: string): boolean {
  const name = basename(path);
  return (
    name.startsWith('.') ||
    name.startsWith('~') ||
    /\.(tmp|temp|part|partial|crdownload|swp|inprogress|error\.json|report\.json)$/i.test(name) ||
    /-(journal|wal|shm)$/i.test(name)
  );
}

/** An inbox entry that is not a regular file (a symbolic link, a folder, a FIFO…): never read. */
export class NotRegularFileError extends Error {
  override readonly name = 'NotRegularFileError';
  readonly code = 'NOT_A_REGULAR_FILE';

  constructor(readonly kind: string) {
    super(`the inbox reads only regular files; this is ${kind}, which is not followed or read`);
  }
}

/** What kind of non-regular entry `stats` describes, in words; undefined for a regular file. */
export function nonRegularKind(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  return 'a device or other special file';
}

const OPEN_NO_FOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Opens an inbox file for reading without following a symbolic link (O_NOFOLLOW: a link fails
 * with ELOOP) and checks the opened file is a regular one, so a link or a FIFO swapped in after
 * the inbox looked at the name is refused too. O_NONBLOCK keeps opening a FIFO from hanging.
 */
export async function openRegularFile(path: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_NO_FOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new NotRegularFileError('a symbolic link');
    throw error;
  }
  const kind = nonRegularKind(await handle.stat());
  if (kind) {
    await handle.close();
    throw new NotRegularFileError(kind);
  }
  return handle;
}

const HEAD_BYTES = 64 * 1024;

/**
 * A dropped file's identity: its name, size, modification time and a hash of its first 64 KiB.
 * The same file found again (after a restart, or dropped twice) maps to the same checkpoint, at
 * the cost of one small read instead of hashing the whole file.
 */
export async function fileCheckpointId(
  topic: Topic,
  path: string,
  stats: Pick<Stats, 'size' | 'mtimeMs'>,
): Promise<string> {
  const handle = await openRegularFile(path);
  const head = Buffer.alloc(Math.min(HEAD_BYTES, stats.size));
  try {
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  const digest = createHash('sha256')
    .update(`${topic}\0${basename(path)}\0${stats.size}\0${Math.trunc(stats.mtimeMs)}\0`)
    .update(head)
    .digest('hex');
  return `file:${topic}:${digest.slice(0, 32)}`;
}

/** Whether a name is taken (by anything, a dangling link included). */
async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** Moves a file (or a link itself, never its target) into `dir`, adding a timestamp to its name when that name is taken there. */
export async function moveInto(dir: string, path: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const name = basename(path);
  let target = join(dir, name);
  if (await exists(target)) {
    const extension = extname(name);
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
    target = join(dir, `${name.slice(0, name.length - extension.length)}.${stamp}${extension}`);
    for (let n = 2; await exists(target); n++) {
      target = join(dir, `${name.slice(0, name.length - extension.length)}.${stamp}-${n}${extension}`);
    }
  }
  await rename(path, target);
  return target;
}

const WRITE_NO_FOLLOW = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;

/** Writes a report beside a moved file; a link planted under the report's name is not followed. */
export async function writeJsonReport(path: string, report: Record<string, unknown>): Promise<void> {
  const handle = await open(path, WRITE_NO_FOLLOW, 0o644);
  try {
    await handle.writeFile(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await handle.close();
  }
}
