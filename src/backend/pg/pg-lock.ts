/**
 * The workspace lock on PostgreSQL: a session-level advisory lock, exclusive for runs that
 * write and shared for plans (any number at once, no writer meanwhile). It belongs to the
 * connection: when hl dies, even by SIGKILL, the server ends its session and the lock is gone;
 * there is no stale lock to take over. Who holds it is written to `lock_holders` (the
 * lock's id, pid, user, host, operation), before the lock is taken, so that a waiting run can
 * always name the holder; a row counts only while pg_locks shows its session holding the lock.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Client } from 'pg';
import { DiagnosticsError, error } from '../../core/diagnostic.js';
import { currentUser, describeHolder, type LockInfo } from '../../state/state-lock.js';
import type { HeldLock, LockMode, LockRequest } from '../state-backend.js';
import { advisoryKey, quoteIdent } from './pg-schema.js';

export function lockKeyOf(schema: string, workspace: string): { key: string; hi: number; lo: number } {
  return advisoryKey('hl-state', schema, workspace);
}

export interface PgHolder {
  /** The holder's session. */
  pid: number;
  mode: LockMode;
  /** What it recorded; undefined for a session that has not written its row yet (or is not hl). */
  info?: LockInfo;
}

/** The sessions holding the workspace's lock now, with what they recorded. */
export async function pgHolders(client: Client, schema: string, workspace: string): Promise<PgHolder[]> {
  const k = lockKeyOf(schema, workspace);
  const { rows } = await client.query<{ pid: number; mode: string; info: LockInfo | null }>(
    `SELECT l.pid, l.mode, h.info
       FROM pg_locks l
       LEFT JOIN ${quoteIdent(schema)}.lock_holders h ON h.backend_pid = l.pid AND h.workspace = $1
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $2::bigint::oid AND l.objid = $3::bigint::oid AND l.objsubid = 1
      ORDER BY l.pid`,
    [workspace, k.hi, k.lo],
  );
  return rows.map((r) => ({ pid: r.pid, mode: r.mode === 'ShareLock' ? 'shared' : 'exclusive', ...(r.info ? { info: r.info } : {}) }));
}

export function describePgHolders(holders: PgHolder[]): string {
  if (holders.length === 0) return 'nobody (it was just released)';
  return holders
    .map((h) => (h.info ? describeHolder(h.info) : `a PostgreSQL session (backend pid ${h.pid}) that has not said who it is`))
    .join('; ');
}

/** Takes the lock, waiting up to `timeoutMs`; DiagnosticsError naming the holders when it cannot. */
export async function acquirePgLock(client: Client, schema: string, workspace: string, request: LockRequest): Promise<HeldLock> {
  const k = lockKeyOf(schema, workspace);
  const shared = request.mode === 'shared';
  const info: LockInfo = {
    id: randomUUID(),
    pid: process.pid,
    host: hostname(),
    user: currentUser(),
    operation: request.operation,
    created: new Date().toISOString(),
    version: request.version,
  };
  const s = quoteIdent(schema);
  // Who we are is written before the lock is taken: a run that finds the lock held then always
  // finds its holder's row (the row of a session that does not hold the lock means nothing).
  // Rows of sessions that are gone (killed holders) are litter: cleared on the way in.
  await client.query(
    `DELETE FROM ${s}.lock_holders h WHERE h.workspace = $1
       AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = h.backend_pid)`,
    [workspace],
  );
  await client.query(
    `INSERT INTO ${s}.lock_holders (lock_id, workspace, mode, backend_pid, info) VALUES ($1, $2, $3, pg_backend_pid(), $4)`,
    [info.id, workspace, request.mode, JSON.stringify(info)],
  );
  const forget = () => client.query(`DELETE FROM ${s}.lock_holders WHERE lock_id = $1`, [info.id]).catch(() => undefined);
  const started = Date.now();
  let lastSeen: string | undefined;
  try {
    for (;;) {
      const { rows } = await client.query<{ ok: boolean }>(
        `SELECT ${shared ? 'pg_try_advisory_lock_shared' : 'pg_try_advisory_lock'}($1::bigint) AS ok`,
        [k.key],
      );
      if (rows[0]?.ok) break;
      const holders = await pgHolders(client, schema, workspace);
      const described = describePgHolders(holders);
      const waited = Date.now() - started;
      if (waited >= request.timeoutMs) throw lockedError(workspace, holders, described, request.timeoutMs > 0 ? waited : undefined);
      if (described !== lastSeen) {
        lastSeen = described;
        request.onWait?.(described);
      }
      await new Promise((r) => setTimeout(r, Math.min(250, request.timeoutMs - waited)));
    }
  } catch (e) {
    await forget();
    throw e;
  }
  let released = false;
  return {
    info,
    mode: request.mode,
    release: async () => {
      if (released) return;
      released = true;
      // when the connection is gone, so is the lock; the row goes after the lock, as it came before it
      await client
        .query(`SELECT ${shared ? 'pg_advisory_unlock_shared' : 'pg_advisory_unlock'}($1::bigint)`, [k.key])
        .catch(() => undefined);
      await forget();
    },
  };
}

/** Takes the exclusive lock besides a shared one this session holds, if nobody else holds it now. */
export async function tryUpgradePgLock(client: Client, schema: string, workspace: string): Promise<(() => Promise<void>) | undefined> {
  const k = lockKeyOf(schema, workspace);
  const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [k.key]);
  if (!rows[0]?.ok) return undefined;
  return async () => {
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [k.key]).catch(() => undefined);
  };
}

function lockedError(workspace: string, holders: PgHolder[], described: string, waitedMs: number | undefined): DiagnosticsError {
  const waited = waitedMs !== undefined ? ` (waited ${(waitedMs / 1000).toFixed(1)} s)` : '';
  const ids = holders.flatMap((h) => (h.info ? [h.info.id] : []));
  return new DiagnosticsError([
    error(
      `State workspace "${workspace}" is locked by ${described}${waited}`,
      undefined,
      "Wait for it to finish, or retry with --lock-timeout. The lock is PostgreSQL's and ends with its holder's session, so a killed run never leaves it behind" +
        (ids.length > 0 ? `; to end a holder's session now: hl force-unlock ${ids[0]}` : '.'),
    ),
  ]);
}
