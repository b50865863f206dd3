/**
 * Crash-safe file replacement: the content goes to a uniquely named temp file in the same
 * directory, is fsync'ed, renamed over the target and the directory is fsync'ed, so a reader
 * (or the next run after a power cut) sees either the old file or the new one, never a mix.
 * Files are private (mode 0600): state holds secrets in plaintext.
 */
import { randomUUID } from 'node:crypto';
import { chmod, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { processAlive } from './process-alive.js';

export const PRIVATE_FILE_MODE = 0o600;

/** A temp name beside `target`, unique per process and call, hidden and recognisable. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Removes temp files of `target` (see tempPathFor) left by processes that died mid-write
 * (kill -9, power cut). Files of live processes on this host are kept. Call it while holding
 * the state lock: a writer on another host sharing the directory would look dead.
 */
export async function removeStaleTempFiles(target: string): Promise<string[]> {
  const dir = dirname(target);
  const pattern = new RegExp(`^\\.${escapeRegExp(basename(target))}\\.(\\d+)\\.[0-9a-f]{8}\\.tmp$`);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m || processAlive(Number(m[1]))) continue;
    try {
      await unlink(join(dir, name));
      removed.push(name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return removed;
}

/**
 * Flushes a directory entry change (create, rename, unlink) to disk. Platforms where a
 * directory cannot be opened or fsync'ed (Windows, some network file systems) are tolerated.
 */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EACCES' && code !== 'ENOTSUP') {
      throw e;
    }
  } finally {
    await handle?.close();
  }
}

/** Atomically replaces (or creates) `target` with `data`; the result has mode 0600. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(target);
  const handle = await open(temp, 'wx', PRIVATE_FILE_MODE);
  let renamed = false;
  try {
    try {
      // The umask can only remove bits, but be explicit: the mode is part of the contract.
      await handle.chmod(PRIVATE_FILE_MODE);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    renamed = true;
    await fsyncDirectory(dirname(target));
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}

/** Tightens an existing file's permissions to 0600 when they are looser; missing files are ignored. */
export async function restrictMode(path: string): Promise<void> {
  try {
    const st = await stat(path);
    if ((st.mode & 0o777) !== PRIVATE_FILE_MODE) await chmod(path, PRIVATE_FILE_MODE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
