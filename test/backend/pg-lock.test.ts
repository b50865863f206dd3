/**
 * The pg lock in process (src/backend/pg/pg-lock.ts): a run that finds the workspace locked
 * names its holder even when it looks the very moment the holder has taken the lock.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { acquirePgLock } from '../../src/backend/pg/pg-lock.js';
import { migrateSchema } from '../../src/backend/pg/pg-schema.js';
import { DiagnosticsError } from '../../src/core/diagnostic.js';
import { createTestDatabase, describeWithPg, type TestDatabase } from '../support/pg.js';

const request = (operation: string) => ({ operation, version: '0.1.0-test', mode: 'exclusive' as const, timeoutMs: 0 });

describeWithPg('the pg lock', () => {
  let db: TestDatabase;
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('lock');
  });
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
    await db?.drop();
  });

  async function client(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: db.url, application_name: 'hl' });
    await c.connect();
    clients.push(c);
    return c;
  }

  it('a run that looks the moment the holder got the lock finds who holds it', async () => {
    const a = await client();
    const b = await client();
    await migrateSchema(a, 'hl', '0.1.0-test', 'test@host');
    let seen: unknown;
    // A's session: right after its try-lock returns (granted), B tries and fails
    const paused = new Proxy(a, {
      get(target, prop, receiver) {
        if (prop !== 'query') return Reflect.get(target, prop, receiver);
        return async (text: string, values?: unknown[]) => {
          const r = await target.query(text, values);
          if (seen === undefined && /pg_try_advisory_lock\(/.test(text)) {
            seen = await acquirePgLock(b, 'hl', 'default', request('plan')).then(
              () => new Error('B got the lock A holds'),
              (e: unknown) => e,
            );
          }
          return r;
        };
      },
    });
    const held = await acquirePgLock(paused as pg.Client, 'hl', 'default', request('apply'));
    expect(seen).toBeInstanceOf(DiagnosticsError);
    const d = (seen as DiagnosticsError).diagnostics[0]!;
    expect(d.summary).toMatch(/State workspace "default" is locked by hl apply \(pid \d+, user .+ on host .+\)/);
    expect(d.detail ?? '').toContain(`hl force-unlock ${held.info.id}`);
    // B's attempt left no row; A's row goes with its lock
    expect((await a.query('SELECT lock_id FROM hl.lock_holders')).rows).toEqual([{ lock_id: held.info.id }]);
    await held.release();
    expect((await a.query('SELECT lock_id FROM hl.lock_holders')).rows).toEqual([]);
  });
});
