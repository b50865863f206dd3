/**
 * The world file: the emulated cluster saved as JSON after every change (written to a temp file
 * in the same directory, then renamed over the old one, so a reader never sees half a file),
 * and loaded at start when it exists. A file signature (size, mtime, inode) lets an emulator
 * notice that another process changed the file and reload it.
 */
import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { World } from './world.js';

export class WorldFileError extends Error {
  override readonly name = 'WorldFileError';
}

/** Identifies one version of the file on disk. */
export type FileSignature = string;

export function fileSignature(file: string): FileSignature | undefined {
  try {
    const st = statSync(file);
    return `${st.size}:${st.mtimeMs}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/** The world in `file`, or undefined when the file does not exist. */
export function loadWorldFile(file: string): World | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new WorldFileError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const w = data as Partial<World>;
  if (w.format !== 'hl-pve-emulator-world' || w.version !== 1) {
    throw new WorldFileError(`${file}: not an hl Proxmox emulator world (format/version mismatch)`);
  }
  return w as World;
}

/** Writes the world atomically; returns the new file signature. */
export function saveWorldFile(file: string, world: World): FileSignature | undefined {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  writeFileSync(tmp, JSON.stringify(world, null, 1) + '\n', 'utf8');
  try {
    renameSync(tmp, file);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw err;
  }
  return fileSignature(file);
}
