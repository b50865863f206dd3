/**
 * Lock tests against REAL processes: the children run fixtures/lock-holder.mjs, which imports
 * the real state-lock module transpiled from source for this run (see
 * fixtures/compile-for-child.ts for why this beats importing dist/ or re-implementing the lock).
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DiagnosticsError } from '../../src/core/diagnostic.js';
import { releaseLocksOnExit as releaseOnEngineExit } from '../../src/engine/exit-cleanup.js';
import { acquireLock, forceUnlock, releaseLocksOnExit, type LockInfo } from '../../src/state/state-lock.js';
import { deadPid, spawnFixture, type Child } from './fixtures/child-process.js';
import { compileForChild, type CompiledTree } from './fixtures/compile-for-child.js';
import { tempDir } from './helpers.js';

let compiled: CompiledTree;
let lockModule: string;
beforeAll(async () => {
  compiled = await compileForChild(['src/state/state-lock.ts']);
  lockModule = compiled.module('src/state/state-lock.ts');
});
afterAll(async () => {
  await compiled?.dispose();
});

let t: Awaited<ReturnType<typeof tempDir>>;
let statePath: string;
let lockPath: string;
const children: Child[] = [];
beforeEach(async () => {
  t = await tempDir();
  statePath = join(t.dir, 'homelab.state.json');
  lockPath = `${statePath}.lock`;
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
  await t.dispose();
});

function holder(timeoutMs = 0): Child {
  const c = spawnFixture('lock-holder.mjs', [lockModule, statePath, String(timeoutMs)]);
  children.push(c);
  return c;
}

async function writeLock(info: Partial<LockInfo>): Promise<LockInfo> {
  const full: LockInfo = {
    id: '5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
    pid: 1,
    host: hostname(),
    user: 'root',
    operation: 'apply',
    created: '2026-01-02T03:04:05.000Z',
    version: '0.1.0',
    ...info,
  };
  await writeFile(lockPath, JSON.stringify(full), { mode: 0o600 });
  return full;
}

describe('state lock, one process', () => {
  it('creates a private lock file with the holder details and removes it on release', async () => {
    const lock = await acquireLock(statePath, { operation: 'apply', version: '0.1.0' });
    expect((await stat(lockPath)).mode & 0o777).toBe(0o600);
    const onDisk = JSON.parse(await readFile(lockPath, 'utf8')) as LockInfo;
    expect(onDisk).toEqual(lock.info);
    expect(onDisk).toMatchObject({ pid: process.pid, host: hostname(), operation: 'apply', version: '0.1.0' });
    expect(onDisk.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(onDisk.created))).toBe(false);
    await lock.release();
    await lock.release(); // idempotent
    expect(await readdir(t.dir)).toEqual([]);
  });

  it('explains a lock that cannot be created', async () => {
    const err = await acquireLock(join(t.dir, 'missing', 's.json'), { operation: 'apply' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiagnosticsError);
    expect((err as Error).message).toMatch(/^Cannot create the state lock .*missing\/s\.json\.lock: ENOENT/);
  });

  it('force-unlock removes the lock only with the right id', async () => {
    const lock = await acquireLock(statePath, { operation: 'apply' });
    const wrong = (await forceUnlock(statePath, 'not-the-id').catch((e: unknown) => e)) as DiagnosticsError;
    expect(wrong).toBeInstanceOf(DiagnosticsError);
    expect(wrong.message).toContain(`Lock id not-the-id does not match the current lock, held by hl apply (pid ${process.pid}`);
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toEqual(lock.info);

    expect(await forceUnlock(statePath, lock.info.id)).toEqual(lock.info);
    expect(await readdir(t.dir)).toEqual([]);
    await expect(forceUnlock(statePath, lock.info.id)).rejects.toThrow(/is not locked/);
  });

  it('release does not remove a lock that is no longer ours', async () => {
    const old = await acquireLock(statePath, { operation: 'apply' });
    await forceUnlock(statePath, old.info.id);
    const fresh = await acquireLock(statePath, { operation: 'plan' });
    await old.release();
    expect((JSON.parse(await readFile(lockPath, 'utf8')) as LockInfo).id).toBe(fresh.info.id);
    await fresh.release();
  });

  it('releaseLocksOnExit removes, synchronously, the locks still held and only those that are still ours (issue 14, item 6)', async () => {
    const other = join(t.dir, 'other.state.json');
    const held = await acquireLock(statePath, { operation: 'apply' });
    const lost = await acquireLock(other, { operation: 'apply' });
    // the second lock was broken and taken by someone else meanwhile
    await forceUnlock(other, lost.info.id);
    const theirs = JSON.stringify({ ...lost.info, id: 'someone-else' });
    await writeFile(`${other}.lock`, theirs);
    releaseLocksOnExit();
    expect((await readdir(t.dir)).sort()).toEqual(['other.state.json.lock']);
    expect(await readFile(`${other}.lock`, 'utf8')).toBe(theirs);
    // a later release is a no-op, and so is a second call
    await held.release();
    releaseLocksOnExit();
    expect(await readFile(`${other}.lock`, 'utf8')).toBe(theirs);
  });

  it("the engine's exit cleanup (what hl's exit paths call) removes a lock held, though it never imports the lock code itself", async () => {
    const held = await acquireLock(statePath, { operation: 'apply' });
    expect(await readdir(t.dir)).toEqual(['homelab.state.json.lock']);
    releaseOnEngineExit();
    expect(await readdir(t.dir)).toEqual([]);
    await held.release();
  });

  it('reports an unreadable lock file as held by an unknown holder', async () => {
    await writeFile(lockPath, 'garbage{');
    const err = (await acquireLock(statePath, { operation: 'apply' }).catch((e: unknown) => e)) as DiagnosticsError;
    expect(err).toBeInstanceOf(DiagnosticsError);
    expect(err.message).toBe(`State is locked by an unknown holder: the lock file ${lockPath} is not valid JSON`);
    expect(err.diagnostics[0]!.detail).toContain(`delete ${lockPath} by hand`);
    await expect(forceUnlock(statePath, 'x')).rejects.toThrow(/Cannot force-unlock by id/);
    expect(await readFile(lockPath, 'utf8')).toBe('garbage{');
  });

  it('does not take over a lock from another host, even with a dead pid', async () => {
    const foreign = await writeLock({ host: 'some-other-host', pid: await deadPid() });
    const err = (await acquireLock(statePath, { operation: 'apply' }).catch((e: unknown) => e)) as DiagnosticsError;
    expect(err.message).toBe(
      `State is locked by hl apply (pid ${foreign.pid}, user root on host some-other-host) since 2026-01-02T03:04:05.000Z; lock id ${foreign.id}`,
    );
    expect(err.diagnostics[0]!.detail).toContain(`hl force-unlock ${foreign.id}`);
  });

  it('takes over a stale lock (dead pid on this host) and reports it', async () => {
    const stale = await writeLock({ pid: await deadPid() });
    const reported: LockInfo[] = [];
    const lock = await acquireLock(statePath, { operation: 'apply' }, { onStaleTakeover: (p) => reported.push(p) });
    expect(lock.tookOverFrom).toEqual(stale);
    expect(reported).toEqual([stale]);
    expect((JSON.parse(await readFile(lockPath, 'utf8')) as LockInfo).id).toBe(lock.info.id);
    await lock.release();
    expect(await readdir(t.dir)).toEqual([]);
  });
});

describe('state lock, real processes', () => {
  it('fails fast with the holder details while another process holds the lock', async () => {
    const child = holder();
    const locked = await child.waitFor((m) => m.event === 'locked');
    const info = locked.info as LockInfo;
    expect(info.pid).toBe(child.pid);

    const err = (await acquireLock(statePath, { operation: 'plan' }).catch((e: unknown) => e)) as DiagnosticsError;
    expect(err).toBeInstanceOf(DiagnosticsError);
    expect(err.message).toBe(
      `State is locked by hl apply (pid ${child.pid}, user ${info.user} on host ${hostname()}) since ${info.created}; lock id ${info.id}`,
    );
    expect(err.diagnostics[0]!.detail).toContain(`hl force-unlock ${info.id}`);

    // A second child process fails the same way.
    const second = holder();
    const failed = await second.waitFor((m) => m.event === 'failed');
    expect(failed.message).toContain(`pid ${child.pid}`);
    expect((await second.exited).code).toBe(3);

    child.send('release');
    await child.waitFor((m) => m.event === 'released');
    expect((await child.exited).code).toBe(0);
    expect(await readdir(t.dir)).toEqual([]);
  });

  it('waits for the holder to release, then gets the lock', async () => {
    const child = holder();
    const info = (await child.waitFor((m) => m.event === 'locked')).info as LockInfo;
    const waits: (LockInfo | undefined)[] = [];
    const started = Date.now();
    setTimeout(() => child.send('release'), 400);
    const lock = await acquireLock(statePath, { operation: 'apply' }, { timeoutMs: 10_000, pollMs: 25, onWait: (h) => waits.push(h) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(waits).toEqual([info]);
    expect(lock.tookOverFrom).toBeUndefined();
    await lock.release();
  });

  it('gives up after the timeout', async () => {
    const child = holder();
    await child.waitFor((m) => m.event === 'locked');
    const started = Date.now();
    const err = (await acquireLock(statePath, { operation: 'apply' }, { timeoutMs: 300, pollMs: 50 }).catch((e: unknown) => e)) as Error;
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(err.message).toMatch(new RegExp(`^State is locked by hl apply \\(pid ${child.pid},.*\\(waited 0\\.3 s\\)$`));
  });

  it('a child waiting on the parent gets the lock when the parent releases', async () => {
    const lock = await acquireLock(statePath, { operation: 'apply' });
    const child = holder(10_000);
    const waiting = await child.waitFor((m) => m.event === 'waiting');
    expect((waiting.holder as LockInfo).id).toBe(lock.info.id);
    await lock.release();
    await child.waitFor((m) => m.event === 'locked');
    child.send('release');
    expect((await child.exited).code).toBe(0);
  });

  it('takes over the lock of a process killed with SIGKILL', async () => {
    const victim = holder();
    const info = (await victim.waitFor((m) => m.event === 'locked')).info as LockInfo;
    victim.proc.kill('SIGKILL');
    await victim.exited;
    const lock = await acquireLock(statePath, { operation: 'apply' });
    expect(lock.tookOverFrom).toEqual(info);
    await lock.release();
  });

  it('exactly one of several processes racing for a stale lock wins', async () => {
    await writeLock({ pid: await deadPid() });
    const racers = Array.from({ length: 6 }, () => holder(0));
    const outcomes = await Promise.all(racers.map((r) => r.waitFor((m) => m.event === 'locked' || m.event === 'failed')));
    const winners = outcomes.filter((m) => m.event === 'locked');
    expect(winners).toHaveLength(1);
    const winnerInfo = winners[0]!.info as LockInfo;
    expect((JSON.parse(await readFile(lockPath, 'utf8')) as LockInfo).id).toBe(winnerInfo.id);
    for (const m of outcomes.filter((o) => o.event === 'failed')) expect(m.message).toContain(`pid ${winnerInfo.pid}`);
    const winner = racers.find((r) => r.pid === winnerInfo.pid)!;
    winner.send('release');
    expect((await winner.exited).code).toBe(0);
    expect(await readdir(t.dir)).toEqual([]);
  });
});
