/**
 * The pg backend's lock between real hl processes: two checkouts of one project (two
 * directories, the same homelab.yaml, one fake world) share one database. The lock is a
 * PostgreSQL advisory lock held by the run's session, so it ends with the process however
 * the process ends. One database for the file, one schema per test (HL_PG_SCHEMA_NAME).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeWorld } from '../../providers/fake/fake-world.js';
import { openPgBackend } from '../../src/backend/pg/pg-backend.js';
import { newLineage } from '../../src/state/new-lineage.js';
import { StateStore } from '../../src/state/state-store.js';
import { createTestDatabase, describeWithPg, type TestDatabase } from '../support/pg.js';
import { runHl, startHl, uncleanFailure, type HlResult } from '../support/run-hl.js';

const HOLDER = /locked by hl apply \(pid \d+, user .+ on host .+\)/;

describeWithPg('the pg lock between hl processes', () => {
  let db: TestDatabase;
  let admin: pg.Client;
  let schemas = 0;
  const dirs: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('lock_processes');
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await db?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  interface Checkouts {
    a: string;
    b: string;
    world: string;
    schema: string;
    env: Record<string, string>;
  }

  /**
   * Two checkouts of one project: `resources` fake resources (each call taking `latencyMs`: a
   * create is two calls), a world both share, a schema of their own.
   */
  function checkouts(resources: number, opts: { latencyMs: number; chained?: boolean }): Checkouts {
    const root = mkdtempSync(join(tmpdir(), 'hl-pg-lock-'));
    dirs.push(root);
    const world = join(root, 'world.jsonl');
    let yaml = `providers:\n  fake: { latency_ms: ${opts.latencyMs}, world: ${world} }\nresources:\n`;
    for (let i = 0; i < resources; i++) {
      yaml += `  fake_resource.r${i}:\n    name: r${i}\n`;
      if (opts.chained && i > 0) yaml += `    value: "\${fake_resource.r${i - 1}.id}"\n`;
    }
    const a = mkdtempSync(join(root, 'a-'));
    const b = mkdtempSync(join(root, 'b-'));
    for (const d of [a, b]) writeFileSync(join(d, 'homelab.yaml'), yaml);
    const schema = `hl_t${++schemas}`;
    return { a, b, world, schema, env: { HL_PG_CONN_STR: db.url, HL_PG_SCHEMA_NAME: schema } };
  }

  const hl = (c: Checkouts, dir: string, args: string[]) => runHl(args, { cwd: dir, env: c.env, timeoutMs: 60_000 });
  const startApply = (c: Checkouts, dir: string, extra: string[] = []) =>
    startHl(['apply', '--auto-approve', ...extra], { cwd: dir, env: c.env, timeoutMs: 60_000 });

  /** The lock holders recorded now (rows of sessions that are gone left out). */
  async function holders(schema: string): Promise<{ lock_id: string; mode: string; backend_pid: number }[]> {
    const { rows } = await admin
      .query<{ lock_id: string; mode: string; backend_pid: number }>(
        `SELECT h.lock_id, h.mode, h.backend_pid FROM ${schema}.lock_holders h
          WHERE EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = h.backend_pid)`,
      )
      .catch(() => ({ rows: [] }));
    return rows;
  }

  async function waitForHolder(schema: string, mode: string): Promise<{ lock_id: string; backend_pid: number }> {
    for (let i = 0; i < 400; i++) {
      const h = (await holders(schema)).find((r) => r.mode === mode);
      if (h) return h;
      await sleep(25);
    }
    throw new Error(`no ${mode} holder of the lock in schema ${schema} appeared`);
  }

  /** Waits until no session holds an advisory lock in this database (a killed holder's session has ended). */
  async function waitForNoAdvisoryLocks(): Promise<void> {
    for (let i = 0; i < 400; i++) {
      const { rows } = await admin.query(
        `SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = current_database()`,
      );
      if (rows.length === 0) return;
      await sleep(25);
    }
    throw new Error('an advisory lock outlived its holder');
  }

  /** State (as stored in the schema) against the world: orphans, lost objects, pending intents. */
  async function consistency(c: Checkouts): Promise<{ orphans: string[]; lost: string[]; pending: string[]; objects: number }> {
    const backend = await openPgBackend({ type: 'pg', connStr: db.url, schema: c.schema, insecurePlaintext: false }, 'default');
    try {
      const store = await StateStore.openOn(backend.persistence(), { hlVersion: 'test', newLineage, readOnly: true });
      const inState = new Set(store.listResources().map((r) => r.id));
      const world = new FakeWorld(c.world);
      const inWorld = new Set(world.list().map((o) => o.id));
      world.close();
      return {
        orphans: [...inWorld].filter((id) => !inState.has(id)),
        lost: [...inState].filter((id) => !inWorld.has(id)),
        pending: store.pendingIntents().map((p) => `${p.operation} ${p.address}`),
        objects: inWorld.size,
      };
    } finally {
      await backend.close();
    }
  }

  function expectCleanFailure(r: HlResult): void {
    expect(r.code).not.toBe(0);
    expect(uncleanFailure(r)).toBeUndefined();
  }

  it('of two applies from two checkouts, one applies and the other fails naming the holder; with --lock-timeout it waits and finds nothing to do', async () => {
    const c = checkouts(2, { latencyMs: 800 });
    const [x, y] = await Promise.all([startApply(c, c.a).done, startApply(c, c.b).done]);
    const [won, lost] = x.code === 0 ? [x, y] : [y, x];
    expect(won.code).toBe(0);
    expect(lost.code).toBe(1);
    expect(uncleanFailure(lost)).toBeUndefined();
    expect(lost.stderr).toMatch(HOLDER);
    expect(lost.stderr).toContain(hostname());
    expect(lost.stderr).toMatch(/hl force-unlock [0-9a-f-]{36}/);
    expect(await consistency(c)).toEqual({ orphans: [], lost: [], pending: [], objects: 2 });

    const d = checkouts(2, { latencyMs: 800 });
    const first = startApply(d, d.a);
    await waitForHolder(d.schema, 'exclusive');
    const waiting = await hl(d, d.b, ['apply', '--auto-approve', '--lock-timeout', '40s']);
    expect((await first.done).code).toBe(0);
    expect(waiting.code).toBe(0);
    expect(waiting.stdout).toContain('No changes.');
    expect(await consistency(d)).toEqual({ orphans: [], lost: [], pending: [], objects: 2 });
  }, 60_000);

  it('ten plans at once all succeed (the shared lock); a plan while an apply holds the lock fails naming it, or waits', async () => {
    const c = checkouts(1, { latencyMs: 200 });
    expect((await hl(c, c.a, ['apply', '--auto-approve'])).code).toBe(0);
    const plans = await Promise.all(
      Array.from({ length: 10 }, (_, i) => hl(c, i % 2 === 0 ? c.a : c.b, ['plan', '--detailed-exitcode'])),
    );
    expect(plans.map((p) => [p.code, uncleanFailure(p)])).toEqual(plans.map(() => [0, undefined]));
    expect(plans.every((p) => p.stdout.includes('No changes.'))).toBe(true);

    // slower, so that the apply holds the lock a while
    writeFileSync(join(c.a, 'homelab.yaml'), `providers:\n  fake: { latency_ms: 800, world: ${c.world} }\nresources:\n  fake_resource.r0: { name: r0 }\n  fake_resource.r1: { name: r1 }\n`);
    const apply = startApply(c, c.a);
    await waitForHolder(c.schema, 'exclusive');
    const refused = await hl(c, c.b, ['plan']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(HOLDER);
    const waited = await hl(c, c.a, ['plan', '--detailed-exitcode', '--lock-timeout', '40s']);
    expect((await apply.done).code).toBe(0);
    expect(waited.code).toBe(0);
    expect(waited.stdout).toContain('No changes.');
  }, 60_000);

  it('an apply SIGKILLed while it holds the lock leaves none behind: the next apply proceeds, no force-unlock', async () => {
    const c = checkouts(3, { latencyMs: 400, chained: true });
    const killed = startApply(c, c.a);
    await waitForHolder(c.schema, 'exclusive');
    await sleep(600);
    killed.child.kill('SIGKILL');
    await killed.done;
    await waitForNoAdvisoryLocks();
    const next = await hl(c, c.b, ['apply', '--auto-approve']);
    expect(next.code).toBe(0);
    expect(next.stderr).not.toMatch(/locked/);
    expect(await consistency(c)).toEqual({ orphans: [], lost: [], pending: [], objects: 3 });
  }, 60_000);

  it('hl force-unlock ID ends the holder\'s session: that apply fails cleanly, the next one reconciles', async () => {
    const c = checkouts(3, { latencyMs: 400, chained: true });
    const victim = startApply(c, c.a);
    const holder = await waitForHolder(c.schema, 'exclusive');
    await sleep(600);
    const unlock = await hl(c, c.b, ['force-unlock', holder.lock_id]);
    expect(unlock.code).toBe(0);
    expectCleanFailure(await victim.done);
    expect(await holders(c.schema)).toEqual([]);
    expect((await hl(c, c.b, ['apply', '--auto-approve'])).code).toBe(0);
    expect(await consistency(c)).toEqual({ orphans: [], lost: [], pending: [], objects: 3 });
  }, 60_000);

  it("an apply whose database connection is killed mid-apply fails cleanly; the next apply reconciles", async () => {
    const c = checkouts(3, { latencyMs: 400, chained: true });
    const victim = startApply(c, c.a);
    await waitForHolder(c.schema, 'exclusive');
    await sleep(600);
    const { rows } = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'hl' AND pid <> pg_backend_pid() AND datname = current_database()`,
    );
    expect(rows.length).toBe(1);
    expectCleanFailure(await victim.done);
    await waitForNoAdvisoryLocks();
    const next = await hl(c, c.b, ['apply', '--auto-approve']);
    expect(next.code).toBe(0);
    expect(await consistency(c)).toEqual({ orphans: [], lost: [], pending: [], objects: 3 });
  }, 60_000);
});
