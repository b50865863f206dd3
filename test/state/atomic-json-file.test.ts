import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtomicJsonFile } from '../../src/state/atomic-json-file.js';
import { writeFileAtomic } from '../../src/state/atomic-write.js';
import { tempDir } from './helpers.js';

let t: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  t = await tempDir();
});
afterEach(async () => {
  await t.dispose();
});

const modeOf = async (p: string): Promise<number> => (await stat(p)).mode & 0o777;

describe('AtomicJsonFile', () => {
  it('reads a missing file as null', async () => {
    expect(await new AtomicJsonFile(join(t.dir, 'nope.json')).read()).toBeNull();
  });

  it('writes with mode 0600 and leaves no temp files', async () => {
    const file = join(t.dir, 'state.json');
    const adapter = new AtomicJsonFile<{ n: number }>(file);
    for (let n = 0; n < 5; n++) await adapter.write({ n });
    expect(await readdir(t.dir)).toEqual(['state.json']);
    expect(await modeOf(file)).toBe(0o600);
    expect(await adapter.read()).toEqual({ n: 4 });
  });

  it('replaces an existing world-readable file by a 0600 one', async () => {
    const file = join(t.dir, 'state.json');
    await writeFile(file, '{"n":0}', { mode: 0o644 });
    await chmod(file, 0o644);
    const before = (await stat(file)).ino;
    await new AtomicJsonFile<{ n: number }>(file).write({ n: 1 });
    const after = await stat(file);
    expect(after.mode & 0o777).toBe(0o600);
    expect(after.ino).not.toBe(before); // renamed over, not rewritten in place
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ n: 1 });
  });

  it('works as the adapter of lowdb Low', async () => {
    const file = join(t.dir, 'db.json');
    const db = new Low<{ items: string[] }>(new AtomicJsonFile(file), { items: [] });
    await db.read();
    await db.update((d) => d.items.push('a'));
    const again = new Low<{ items: string[] }>(new AtomicJsonFile(file), { items: [] });
    await again.read();
    expect(again.data.items).toEqual(['a']);
    expect(await modeOf(file)).toBe(0o600);
  });

  it('uses the given parse hook and propagates its errors', async () => {
    const file = join(t.dir, 'bad.json');
    await writeFile(file, 'not json');
    const adapter = new AtomicJsonFile(file, {
      parse: () => {
        throw new Error('refused');
      },
    });
    await expect(adapter.read()).rejects.toThrow('refused');
  });

  it('cleans up its temp file when the rename fails', async () => {
    const target = join(t.dir, 'adir');
    await (await import('node:fs/promises')).mkdir(join(target, 'child'), { recursive: true });
    // Renaming a file over a non-empty directory fails.
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow();
    expect((await readdir(t.dir)).sort()).toEqual(['adir']);
  });
});

describe('removeStaleTempFiles', () => {
  it('removes temp files of dead writers and keeps those of live ones and unrelated files', async () => {
    const { removeStaleTempFiles } = await import('../../src/state/atomic-write.js');
    const { deadPid } = await import('./fixtures/child-process.js');
    const target = join(t.dir, 'homelab.state.json');
    const dead = `.homelab.state.json.${await deadPid()}.0123abcd.tmp`;
    const live = `.homelab.state.json.${process.pid}.89abcdef.tmp`;
    const other = `.homelab.state.json.lock.${await deadPid()}.0123abcd.tmp`;
    for (const name of [dead, live, other, 'homelab.state.json']) await writeFile(join(t.dir, name), 'x');
    expect(await removeStaleTempFiles(target)).toEqual([dead]);
    expect((await readdir(t.dir)).sort()).toEqual([live, other, 'homelab.state.json'].sort());
  });
});
