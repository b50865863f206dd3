/**
 * The plan key: a random secret kept beside the state (`<state>.plankey`, mode 0600) with
 * which `hl plan --out` signs a saved plan (HMAC-SHA256, see plan-codec.ts) and `hl apply
 * PLANFILE` checks it, so that a plan edited after it was written is refused. It is created
 * by the first `hl plan --out`, never printed and never written into a plan.
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DiagnosticsError, error } from '../core/diagnostic.js';
import { fsyncDirectory, PRIVATE_FILE_MODE, tempPathFor } from './atomic-write.js';

const KEY_RE = /^([0-9a-f]{64})\n?$/;

export function planKeyPathOf(statePath: string): string {
  return `${statePath}.plankey`;
}

function damaged(path: string): DiagnosticsError {
  return new DiagnosticsError([
    error(
      `The plan key ${path} is damaged`,
      undefined,
      'Delete it; the next "hl plan --out" creates a new one (saved plans made with the old key can then no longer be applied).',
    ),
  ]);
}

/** The key beside `statePath`, or undefined when there is none yet. */
export async function readPlanKey(statePath: string): Promise<Buffer | undefined> {
  const path = planKeyPathOf(statePath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DiagnosticsError([error(`Cannot read the plan key ${path}: ${(e as Error).message}`)]);
  }
  const m = KEY_RE.exec(text);
  if (!m) throw damaged(path);
  return Buffer.from(m[1]!, 'hex');
}

/**
 * The key beside `statePath`, created when missing: written whole to a temp file and linked
 * into place, so a crash never leaves a partial key and two plans racing agree on one key.
 */
export async function planKeyForWriting(statePath: string): Promise<Buffer> {
  const existing = await readPlanKey(statePath);
  if (existing) return existing;
  const path = planKeyPathOf(statePath);
  const temp = tempPathFor(path);
  try {
    const handle = await open(temp, 'wx', PRIVATE_FILE_MODE);
    try {
      await handle.chmod(PRIVATE_FILE_MODE);
      await handle.writeFile(`${randomBytes(32).toString('hex')}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw new DiagnosticsError([error(`Cannot create the plan key ${path}: ${(e as Error).message}`)]);
  }
  try {
    await link(temp, path);
    await fsyncDirectory(dirname(path));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new DiagnosticsError([error(`Cannot create the plan key ${path}: ${(e as Error).message}`)]);
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  const key = await readPlanKey(statePath);
  if (!key) throw new Error(`bug: the plan key ${path} vanished right after it was created`);
  return key;
}
