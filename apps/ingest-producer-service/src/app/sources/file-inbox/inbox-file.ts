import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { mkdir, open, rename, stat, writeFile } from 'node:fs/promises';
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

const HEAD_BYTES = 64 * 1024;

/**
 * A dropped file's identity: its name, size, modification time and a hash of its first 64 KiB.
 * The same file found again (after a restart, or dropped twice) maps to the same checkpoint, at
 * the cost of one small read instead of hashing the whole file.
 */
export async function fileCheckpointId(topic: Topic, path: string, stats: Pick<Stats, 'size' | 'mtimeMs'>): Promise<string> {
  const handle = await open(path, 'r');
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

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Moves a file into `dir`, adding a timestamp to its name when that name is taken there. */
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

export async function writeJsonReport(path: string, report: Record<string, unknown>): Promise<void> {
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}
