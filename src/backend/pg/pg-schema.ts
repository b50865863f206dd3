/**
 * hl's tables in PostgreSQL, created and migrated by hl in their own schema (`hl` unless
 * `schema_name` says otherwise). Each migration runs once, in one transaction, under a
 * transaction-level advisory lock, so two hl processes starting on an empty database at once
 * do not race; `schema_migrations` records which ran. A database migrated by a newer hl is
 * refused rather than misread.
 *
 *   workspaces       one row per workspace: lineage, the plan key that signs saved plans
 *   state_versions   every stored state (serial, lineage, content as the state file's text,
 *                    sha256, who and when): the history `hl state history` lists
 *   journal          the records made since the latest version (the file backend's journal
 *                    lines), one row each; an intent's row is written in the same transaction
 *                    as the other records that became ready with it
 *   lock_holders     who holds the workspace's advisory lock (the lock itself is PostgreSQL's
 *                    and dies with its session; a row whose session is gone means nothing)
 */
import { createHash } from 'node:crypto';
import type { Client } from 'pg';
import { DiagnosticsError, error } from '../../core/diagnostic.js';

/** One migration per entry, in order; never edit one that has shipped, add the next. */
const MIGRATIONS: ReadonlyArray<(s: string) => string> = [
  (s) => `
    CREATE TABLE ${s}.workspaces (
      name        text PRIMARY KEY,
      lineage     uuid,
      plan_key    text,
      created_at  timestamptz NOT NULL DEFAULT now(),
      created_by  text NOT NULL
    );
    CREATE TABLE ${s}.state_versions (
      workspace   text NOT NULL REFERENCES ${s}.workspaces (name) ON DELETE CASCADE,
      serial      bigint NOT NULL,
      lineage     uuid NOT NULL,
      content     text NOT NULL,
      sha256      text NOT NULL,
      resources   integer NOT NULL,
      hl_version  text NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      created_by  text NOT NULL,
      PRIMARY KEY (workspace, serial)
    );
    CREATE TABLE ${s}.journal (
      workspace   text NOT NULL REFERENCES ${s}.workspaces (name) ON DELETE CASCADE,
      seq         bigserial,
      kind        text NOT NULL,
      intent_id   uuid,
      record      text NOT NULL,
      written_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace, seq)
    );
    CREATE TABLE ${s}.lock_holders (
      lock_id     uuid PRIMARY KEY,
      workspace   text NOT NULL,
      mode        text NOT NULL,
      backend_pid integer NOT NULL,
      info        jsonb NOT NULL,
      acquired_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX lock_holders_by_workspace ON ${s}.lock_holders (workspace, backend_pid);
  `,
];

export const PG_SCHEMA_VERSION = MIGRATIONS.length;

/** A 64-bit advisory lock key for `parts` (signed, as PostgreSQL's bigint), with its two 32-bit halves as pg_locks shows them. */
export function advisoryKey(...parts: string[]): { key: string; hi: number; lo: number } {
  const digest = createHash('sha256').update(parts.join('\0')).digest();
  return { key: digest.readBigInt64BE(0).toString(), hi: digest.readUInt32BE(0), lo: digest.readUInt32BE(4) };
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Creates or migrates hl's schema; `who` is recorded as the creator of the default workspace. */
export async function migrateSchema(client: Client, schema: string, hlVersion: string, who: string): Promise<void> {
  const s = quoteIdent(schema);
  const current = await appliedVersion(client, schema);
  if (current > PG_SCHEMA_VERSION) throw newerSchema(schema, current);
  if (current === PG_SCHEMA_VERSION) return;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [advisoryKey('hl-migrate', schema).key]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now(), hl_version text NOT NULL)`,
    );
    const { rows } = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${s}.schema_migrations`);
    const done = rows[0]?.v ?? 0;
    if (done > PG_SCHEMA_VERSION) throw newerSchema(schema, done);
    for (let v = done + 1; v <= PG_SCHEMA_VERSION; v++) {
      await client.query(MIGRATIONS[v - 1]!(s));
      await client.query(`INSERT INTO ${s}.schema_migrations (version, hl_version) VALUES ($1, $2)`, [v, hlVersion]);
    }
    await client.query(`INSERT INTO ${s}.workspaces (name, created_by) VALUES ('default', $1) ON CONFLICT DO NOTHING`, [who]);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (e instanceof DiagnosticsError) throw e;
    throw new DiagnosticsError([
      error(
        `Cannot create hl's tables in schema ${schema}: ${(e as Error).message}`,
        undefined,
        `The PostgreSQL user needs the right to create a schema (or tables in an existing schema ${schema}); a DBA can run "CREATE SCHEMA ${schema} AUTHORIZATION <user>".`,
      ),
    ]);
  }
}

async function appliedVersion(client: Client, schema: string): Promise<number> {
  const { rows } = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`${quoteIdent(schema)}.schema_migrations`]);
  if (rows[0]?.t === null || rows[0]?.t === undefined) return 0;
  const r = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${quoteIdent(schema)}.schema_migrations`);
  return r.rows[0]?.v ?? 0;
}

function newerSchema(schema: string, version: number): DiagnosticsError {
  return new DiagnosticsError([
    error(
      `The hl tables in schema ${schema} were migrated by a newer hl (schema version ${version}; this hl knows up to ${PG_SCHEMA_VERSION})`,
      undefined,
      'Upgrade hl. It will not read or write tables it does not understand.',
    ),
  ]);
}
