/**
 * The StateStore on the PostgreSQL persistence (src/backend/pg/pg-persistence.ts), in
 * process: journal rows replayed at open, checkpoints, pending intents after a crash, group
 * commit, damaged rows and schema migrations. One database for the file, one schema per test.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PgBackendSettings } from '../../src/backend/backend-settings.js';
import { openPgBackend, type PgBackend } from '../../src/backend/pg/pg-backend.js';
import { PG_SCHEMA_VERSION } from '../../src/backend/pg/pg-schema.js';
import { DiagnosticsError } from '../../src/core/diagnostic.js';
import { StateStore } from '../../src/state/state-store.js';
import { createTestDatabase, describeWithPg, type TestDatabase } from '../support/pg.js';
import { resource, storeOpts } from '../state/helpers.js';

const intentFor = (address: string) => ({
  address,
  operation: 'create' as const,
  type: 'proxmox_vm',
  provider: 'proxmox',
  identity: { node: 'pve', vmid: 107 },
});

describeWithPg('StateStore on the pg persistence', () => {
  let db: TestDatabase;
  let admin: pg.Client;
  let schemas = 0;
  const open: PgBackend[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('persistence');
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
  });
  afterAll(async () => {
    for (const b of open) await b.close();
    await admin?.end();
    await db?.drop();
  });

  const settingsOf = (schema: string): PgBackendSettings => ({ type: 'pg', connStr: db.url, schema, insecurePlaintext: false });
  const freshSchema = () => `hl_t${++schemas}`;

  async function backend(schema: string): Promise<PgBackend> {
    const b = await openPgBackend(settingsOf(schema), 'default');
    open.push(b);
    return b;
  }

  async function store(schema: string, readOnly = false): Promise<{ b: PgBackend; store: StateStore }> {
    const b = await backend(schema);
    return { b, store: await StateStore.openOn(b.persistence(), { ...storeOpts, readOnly }) };
  }

  const rows = async (schema: string) =>
    (
      await admin.query<{ seq: string; kind: string; xmin: string; record: string }>(
        `SELECT seq, kind, xmin::text AS xmin, record FROM ${schema}.journal ORDER BY seq`,
      )
    ).rows;
  const serials = async (schema: string) =>
    (await admin.query<{ serial: string }>(`SELECT serial FROM ${schema}.state_versions ORDER BY serial`)).rows.map((r) => Number(r.serial));

  it('replays journal rows at open: what was recorded survives a reopen without a checkpoint', async () => {
    const schema = freshSchema();
    const { b, store: s } = await store(schema);
    const id = await s.beginIntent(intentFor('proxmox_vm.a'));
    await s.completeIntent(id, { kind: 'applied', resource: resource('proxmox_vm.a', { vmid: 107 }) });
    await s.setResource(resource('proxmox_vm.b', { vmid: 108 }));
    await s.close();
    await b.close();
    expect(await serials(schema)).toEqual([]);
    expect((await rows(schema)).map((r) => r.kind)).toEqual(['begin', 'done', 'set']);

    const { store: again } = await store(schema, true);
    expect(again.state.resources.map((r) => [r.address, r.attributes.vmid])).toEqual([
      ['proxmox_vm.a', 107],
      ['proxmox_vm.b', 108],
    ]);
    expect(again.pendingIntents()).toEqual([]);
    expect(again.serial).toBe(0);
  });

  it('a checkpoint writes version serial + 1 and leaves only the open intents as rows', async () => {
    const schema = freshSchema();
    const { store: s } = await store(schema);
    await s.setResource(resource('proxmox_vm.a'));
    await s.checkpoint();
    expect(await serials(schema)).toEqual([1]);
    await s.setResource(resource('proxmox_vm.b'));
    const done = await s.beginIntent(intentFor('proxmox_vm.c'));
    await s.completeIntent(done, { kind: 'applied', resource: resource('proxmox_vm.c') });
    const open = await s.beginIntent(intentFor('proxmox_vm.d'));
    await s.checkpoint();
    expect(s.serial).toBe(2);
    expect(await serials(schema)).toEqual([1, 2]);
    const left = await rows(schema);
    expect(left.map((r) => r.kind)).toEqual(['begin']);
    expect(JSON.parse(left[0]!.record).intent.intentId).toBe(open);
    const { rows: latest } = await admin.query<{ content: string; resources: number }>(
      `SELECT content, resources FROM ${schema}.state_versions WHERE serial = 2`,
    );
    expect(latest[0]!.resources).toBe(3);
    expect(JSON.parse(latest[0]!.content).serial).toBe(2);
    await s.close();
  });

  it('reports an intent begun by a run that died (its connection closed without an outcome) as pending', async () => {
    const schema = freshSchema();
    const { b, store: s } = await store(schema);
    await s.setResource(resource('proxmox_vm.kept'));
    const id = await s.beginIntent(intentFor('proxmox_vm.lost'));
    await b.close(); // the "crash": no outcome, no close of the store, no checkpoint

    const { store: after } = await store(schema, true);
    expect(after.pendingIntents().map((p) => [p.intentId, p.address])).toEqual([[id, 'proxmox_vm.lost']]);
    expect(after.listResources().map((r) => r.address)).toEqual(['proxmox_vm.kept']);
  });

  it('inserts intents begun together in one tick with one statement (one transaction)', async () => {
    const schema = freshSchema();
    const { store: s } = await store(schema);
    await s.setResource(resource('proxmox_vm.first')); // the connection is warm and idle
    const ids = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => s.beginIntent(intentFor(`proxmox_vm.n${i}`))));
    const begun = (await rows(schema)).filter((r) => r.kind === 'begin');
    expect(begun.map((r) => JSON.parse(r.record).intent.intentId)).toEqual(ids);
    expect(new Set(begun.map((r) => r.xmin)).size).toBe(1);
    await s.close();
  });

  it('a write the database does not take (its connection killed) is a diagnostic, not a bug', async () => {
    const schema = freshSchema();
    const { store: s } = await store(schema);
    await s.setResource(resource('proxmox_vm.a'));
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'hl' AND datname = current_database() AND pid <> pg_backend_pid()`,
    );
    for (const write of [() => s.setResource(resource('proxmox_vm.b')), () => s.checkpoint()]) {
      const failure = await write().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(DiagnosticsError);
      expect((failure as DiagnosticsError).diagnostics[0]!.summary).toMatch(/^Cannot write the state at postgres:\/\/[^:]+@127/);
    }
    const { store: after } = await store(schema, true);
    expect(after.listResources().map((r) => r.address)).toEqual(['proxmox_vm.a']);
  });

  it('refuses a damaged journal row, naming its seq', async () => {
    const schema = freshSchema();
    const { store: s } = await store(schema);
    await s.setResource(resource('proxmox_vm.a'));
    await s.setResource(resource('proxmox_vm.b'));
    await s.setResource(resource('proxmox_vm.c'));
    await s.close();
    for (const victim of [1, 2]) {
      const target = (await rows(schema))[victim]!;
      const original = target.record;
      await admin.query(`UPDATE ${schema}.journal SET record = $2 WHERE seq = $1`, [target.seq, '{"t":"set","resource":{"address":']);
      const b = await backend(schema);
      const failure = await StateStore.openOn(b.persistence(), { ...storeOpts, readOnly: true }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(DiagnosticsError);
      expect((failure as DiagnosticsError).diagnostics[0]!.summary).toMatch(new RegExp(`journal row ${target.seq} .* is damaged`));
      await admin.query(`UPDATE ${schema}.journal SET record = $2 WHERE seq = $1`, [target.seq, original]);
    }
  });

  it('runs the migrations once when two backends open an empty database at once', async () => {
    const schema = freshSchema();
    await Promise.all([backend(schema), backend(schema), backend(schema)]);
    const { rows: applied } = await admin.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations`);
    expect(applied.map((r) => r.version)).toEqual(Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => i + 1));
    const { rows: ws } = await admin.query<{ name: string }>(`SELECT name FROM ${schema}.workspaces`);
    expect(ws.map((r) => r.name)).toEqual(['default']);
  });

  it('refuses a database migrated by a newer schema version', async () => {
    const schema = freshSchema();
    await backend(schema);
    await admin.query(`INSERT INTO ${schema}.schema_migrations (version, hl_version) VALUES ($1, '99.0.0')`, [PG_SCHEMA_VERSION + 1]);
    const failure = await openPgBackend(settingsOf(schema), 'default').then(
      (b) => b.close(),
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(DiagnosticsError);
    expect((failure as DiagnosticsError).diagnostics[0]!.summary).toMatch(
      new RegExp(`migrated by a newer hl \\(schema version ${PG_SCHEMA_VERSION + 1}`),
    );
  });
});
