/**
 * The state lock: `<state>.lock`, a small JSON file saying who holds it (id, pid, host, user,
 * operation, time, hl version). It is created exclusively, already complete: the content is
 * written to a private temp file which is then hard-linked to the lock name (link fails when
 * the name exists), so nobody ever sees a half-written lock. File systems without hard links
 * fall back to `open(..., 'wx', 0600)`.
 *
 * A lock whose holder ran on this host and whose pid no longer exists is stale and taken
 * over. Breaking a lock (takeover, force-unlock, release) happens under a second exclusive
 * file, `<state>.lock.break`, so two processes cannot both break the same stale lock and
 * each think they won: the one holding `.lock.break` re-reads the lock and removes it only
 * if it is still the very lock (same id) it judged stale; then everyone competes again on
 * the exclusive create.
 *
 * Every exit path must leave no lock and no temp file behind: the locks this process holds,
 * the break file it holds and the temp files it is writing are remembered, and
 * `releaseLocksOnExit()` removes them synchronously (from an `exit` handler, a signal or an
 * uncaught error, when no await can run any more).
 *
 * This is an I/O edge module: it reads the clock, the host name, the user and pids.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { DiagnosticsError, error } from '../core/diagnostic.js';
import { PRIVATE_FILE_MODE, tempPathFor } from './atomic-write.js';
import { releaseOnExit } from './exit-release.js';
import { processAlive } from './process-alive.js';

export interface LockInfo {
  id: string;
  pid: number;
  host: string;
  user: string;
  /** What the holder is doing: `apply`, `plan`, `state mv`, ... */
  operation: string;
  /** ISO time the lock was taken. */
  created: string;
  /** hl version of the holder. */
  version: string;
}

/** What is found at the lock path. */
export type LockFileContent =
  | { kind: 'none' }
  | { kind: 'held'; info: LockInfo }
  /** Present but unreadable or not a lock we understand. */
  | { kind: 'unknown'; reason: string };

export interface StateLock {
  readonly path: string;
  readonly info: LockInfo;
  /** The stale lock this one replaced, if any. */
  readonly tookOverFrom: LockInfo | undefined;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): Promise<void>;
}

export interface AcquireLockOptions {
  /** How long to wait for a held lock; 0 (the default) fails at once. */
  timeoutMs?: number;
  /**
   * Called when a wait starts and whenever the holder changes while waiting; `holder` is
   * undefined when the lock file cannot be understood (`content` says why).
   */
  onWait?(holder: LockInfo | undefined, content: LockFileContent): void;
  /** Called after a stale lock (dead holder on this host) was taken over. */
  onStaleTakeover?(previous: LockInfo): void;
  /** Poll interval while waiting (default 250 ms). */
  pollMs?: number;
}

/** What this process has on disk right now, for `releaseLocksOnExit`. */
const heldLocks = new Map<string, string>(); // lock path → our lock id
const heldBreakFiles = new Set<string>();
const tempFiles = new Set<string>();

/** Called before anything is added above: from then on the exit paths run `releaseLocksOnExit`. */
function holding(): void {
  releaseOnExit(releaseLocksOnExit);
}

/**
 * Synchronously removes every state lock this process holds (only while it is still ours: same
 * id), the `.lock.break` file it holds and the temp files it was writing. For exit paths
 * where nothing asynchronous runs any more: `process.on('exit')`, a fatal signal, an uncaught
 * error. Never throws.
 */
export function releaseLocksOnExit(): void {
  for (const temp of tempFiles) removeSync(temp);
  tempFiles.clear();
  for (const [path, id] of heldLocks) {
    try {
      const info: unknown = JSON.parse(readFileSync(path, 'utf8'));
      if (isLockInfo(info) && info.id === id) removeSync(path);
    } catch {
      // gone, or no longer a lock we can read: not ours to remove
    }
  }
  heldLocks.clear();
  for (const breakPath of heldBreakFiles) removeSync(breakPath);
  heldBreakFiles.clear();
}

function removeSync(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** A `.lock.break` file older than this is considered left by a crashed process. */
const BREAK_FILE_STALE_MS = 10_000;

export function lockPathOf(statePath: string): string {
  return `${statePath}.lock`;
}

function breakPathOf(lockPath: string): string {
  return `${lockPath}.break`;
}

function isErrno(e: unknown, ...codes: string[]): boolean {
  return codes.includes((e as NodeJS.ErrnoException).code ?? '');
}

/** The user this process runs as, recorded with a lock or a stored state version. */
export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? `uid ${process.getuid?.() ?? '?'}`;
  }
}

function isLockInfo(v: unknown): v is LockInfo {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.id === 'string' &&
    typeof o.pid === 'number' &&
    typeof o.host === 'string' &&
    typeof o.user === 'string' &&
    typeof o.operation === 'string' &&
    typeof o.created === 'string' &&
    typeof o.version === 'string'
  );
}

/** Reads the lock file at `lockPath` without judging it. */
export async function readLockFile(lockPath: string): Promise<LockFileContent> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return { kind: 'none' };
    return { kind: 'unknown', reason: `cannot be read (${(e as Error).message})` };
  }
  if (text.trim() === '') return { kind: 'unknown', reason: 'is empty' };
  try {
    const data: unknown = JSON.parse(text);
    return isLockInfo(data) ? { kind: 'held', info: data } : { kind: 'unknown', reason: 'does not hold hl lock information' };
  } catch {
    return { kind: 'unknown', reason: 'is not valid JSON' };
  }
}

/** A lock is stale when its holder ran on this host and that process is gone. */
export function isStale(info: LockInfo, host: string = hostname()): boolean {
  return info.host === host && Number.isInteger(info.pid) && info.pid > 0 && !processAlive(info.pid);
}

function operationLabel(operation: string): string {
  return operation.startsWith('hl ') ? operation : `hl ${operation}`;
}

/** `hl apply (pid 1234, user root on host pve1) since 2026-...; lock id 5f0...`. */
export function describeHolder(info: LockInfo): string {
  return `${operationLabel(info.operation)} (pid ${info.pid}, user ${info.user} on host ${info.host}) since ${info.created}; lock id ${info.id}`;
}

/** `waitedMs` is undefined when the caller did not ask to wait. */
function lockedError(
  lockPath: string,
  holder: LockFileContent & { kind: 'held' | 'unknown' },
  waitedMs: number | undefined,
): DiagnosticsError {
  const waited = waitedMs !== undefined ? ` (waited ${(waitedMs / 1000).toFixed(1)} s)` : '';
  if (holder.kind === 'held') {
    return new DiagnosticsError([
      error(
        `State is locked by ${describeHolder(holder.info)}${waited}`,
        undefined,
        `Wait for it to finish, or retry with --lock-timeout. If you are sure no hl process holds it ` +
          `(e.g. it ran on another host that is gone), remove it with: hl force-unlock ${holder.info.id}`,
      ),
    ]);
  }
  return new DiagnosticsError([
    error(
      `State is locked by an unknown holder: the lock file ${lockPath} ${holder.reason}${waited}`,
      undefined,
      `hl cannot tell who holds this lock or whether it is stale. If you are sure no hl process is running ` +
        `against this state, delete ${lockPath} by hand.`,
    ),
  ]);
}

/** Creates the lock file exclusively with complete content; false when it already exists. */
async function createExclusive(lockPath: string, text: string): Promise<boolean> {
  const temp = tempPathFor(lockPath);
  let linked = false;
  holding();
  tempFiles.add(temp);
  try {
    const handle = await open(temp, 'wx', PRIVATE_FILE_MODE);
    try {
      await handle.chmod(PRIVATE_FILE_MODE);
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(temp, lockPath);
      linked = true;
    } catch (e) {
      if (isErrno(e, 'EEXIST')) return false;
      if (!isErrno(e, 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK')) throw e;
    }
  } finally {
    await unlink(temp).catch(() => undefined);
    tempFiles.delete(temp);
  }
  if (linked) return true;
  // No hard links here: plain exclusive create (a reader may briefly see it empty).
  try {
    const handle = await open(lockPath, 'wx', PRIVATE_FILE_MODE);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch (e) {
    if (isErrno(e, 'EEXIST')) return false;
    throw e;
  }
}

/**
 * Runs `fn` holding `<lock>.break`; returns undefined when another process holds it (the
 * caller retries later). A break file left by a crash (older than 10 s) is removed.
 */
async function withBreakMutex<T>(lockPath: string, fn: () => Promise<T>): Promise<{ value: T } | undefined> {
  const breakPath = breakPathOf(lockPath);
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), created: new Date().toISOString() });
  if (!(await createExclusive(breakPath, mine))) {
    try {
      const st = await stat(breakPath);
      if (Date.now() - st.mtimeMs > BREAK_FILE_STALE_MS) await unlink(breakPath);
    } catch {
      // Gone already, or not ours to judge: retry later.
    }
    return undefined;
  }
  holding();
  heldBreakFiles.add(breakPath);
  try {
    return { value: await fn() };
  } finally {
    await unlink(breakPath).catch(() => undefined);
    heldBreakFiles.delete(breakPath);
  }
}

/** Removes the lock at `lockPath` if its id is `id`, under the break mutex. */
async function removeIfId(lockPath: string, id: string, onlyIfStale: boolean): Promise<'removed' | 'changed' | 'busy'> {
  const done = await withBreakMutex(lockPath, async () => {
    const current = await readLockFile(lockPath);
    if (current.kind !== 'held' || current.info.id !== id) return 'changed' as const;
    if (onlyIfStale && !isStale(current.info)) return 'changed' as const;
    await unlink(lockPath).catch((e: unknown) => {
      if (!isErrno(e, 'ENOENT')) throw e;
    });
    return 'removed' as const;
  });
  return done?.value ?? 'busy';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sameHolder(a: LockFileContent | undefined, b: LockFileContent): boolean {
  if (!a || a.kind !== b.kind) return false;
  if (a.kind === 'held' && b.kind === 'held') return a.info.id === b.info.id;
  if (a.kind === 'unknown' && b.kind === 'unknown') return a.reason === b.reason;
  return true;
}

/**
 * Takes the state lock, waiting up to `timeoutMs` for a holder to release it. A stale lock
 * (dead process on this host) is taken over and reported through `onStaleTakeover`.
 * Throws DiagnosticsError naming the holder when the lock stays held.
 */
export async function acquireLock(
  statePath: string,
  info: { operation: string; version?: string },
  opts: AcquireLockOptions = {},
): Promise<StateLock> {
  const lockPath = lockPathOf(statePath);
  const timeoutMs = opts.timeoutMs ?? 0;
  const pollMs = opts.pollMs ?? 250;
  const mine: LockInfo = {
    id: randomUUID(),
    pid: process.pid,
    host: hostname(),
    user: currentUser(),
    operation: info.operation,
    created: new Date().toISOString(),
    version: info.version ?? 'unknown',
  };
  const text = `${JSON.stringify(mine, null, 2)}\n`;
  const started = Date.now();
  let tookOverFrom: LockInfo | undefined;
  let lastReported: LockFileContent | undefined;

  for (;;) {
    let created: boolean;
    // ours from the moment the link succeeds, even before we hear of it (an exit in between)
    holding();
    heldLocks.set(lockPath, mine.id);
    try {
      created = await createExclusive(lockPath, text);
    } catch (e) {
      heldLocks.delete(lockPath);
      if (!isErrno(e, 'ENOENT', 'EACCES', 'EROFS', 'ENOTDIR', 'ENOSPC')) throw e;
      throw new DiagnosticsError([error(`Cannot create the state lock ${lockPath}: ${(e as Error).message}`)]);
    }
    if (!created) heldLocks.delete(lockPath);
    if (created) {
      if (tookOverFrom) opts.onStaleTakeover?.(tookOverFrom);
      return makeLock(lockPath, mine, tookOverFrom);
    }
    const holder = await readLockFile(lockPath);
    if (holder.kind === 'none') continue; // released between our attempt and the read
    if (holder.kind === 'held' && isStale(holder.info)) {
      const outcome = await removeIfId(lockPath, holder.info.id, true);
      if (outcome === 'removed') tookOverFrom = holder.info;
      // 'busy': another process is breaking it right now; its outcome decides the next round.
      if (outcome === 'busy') await sleep(10);
      continue;
    }
    tookOverFrom = undefined; // someone else got in first: no takeover to report if we win later
    const waited = Date.now() - started;
    if (waited >= timeoutMs) throw lockedError(lockPath, holder, timeoutMs > 0 ? waited : undefined);
    if (!sameHolder(lastReported, holder)) {
      lastReported = holder;
      opts.onWait?.(holder.kind === 'held' ? holder.info : undefined, holder);
    }
    await sleep(Math.min(pollMs, Math.max(1, timeoutMs - waited)));
  }
}

function makeLock(path: string, info: LockInfo, tookOverFrom: LockInfo | undefined): StateLock {
  let released = false;
  holding();
  heldLocks.set(path, info.id);
  return {
    path,
    info,
    tookOverFrom,
    async release(): Promise<void> {
      if (released) return;
      for (;;) {
        const outcome = await removeIfId(path, info.id, false);
        if (outcome !== 'busy') break;
        await sleep(20);
      }
      released = true;
      if (heldLocks.get(path) === info.id) heldLocks.delete(path);
    },
  };
}

/**
 * `hl force-unlock ID`: removes the lock only when its id is `id`. Returns the removed
 * lock's information; throws DiagnosticsError when there is no lock or the id differs.
 */
export async function forceUnlock(statePath: string, id: string): Promise<LockInfo> {
  const lockPath = lockPathOf(statePath);
  for (;;) {
    const current = await readLockFile(lockPath);
    if (current.kind === 'none') {
      throw new DiagnosticsError([error(`State ${statePath} is not locked (no ${lockPath})`)]);
    }
    if (current.kind === 'unknown') {
      throw new DiagnosticsError([
        error(
          `Cannot force-unlock by id: the lock file ${lockPath} ${current.reason}`,
          undefined,
          `If you are sure no hl process is running against this state, delete ${lockPath} by hand.`,
        ),
      ]);
    }
    if (current.info.id !== id) {
      throw new DiagnosticsError([
        error(
          `Lock id ${id} does not match the current lock, held by ${describeHolder(current.info)}`,
          undefined,
          'Nothing was removed. Check the id in the "State is locked" message and retry.',
        ),
      ]);
    }
    const outcome = await removeIfId(lockPath, id, false);
    if (outcome === 'removed') return current.info;
    if (outcome === 'busy') await sleep(20);
    // 'changed': re-read and report what is there now.
  }
}
