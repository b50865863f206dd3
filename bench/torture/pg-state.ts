/**
 * Torture runs on the PostgreSQL backend: a server (HL_TEST_PG_URL's, or a throwaway cluster
 * of scripts/pg-test-cluster.sh started for the run and stopped after), one database per run
 * and one schema per trial. A target on pg runs hl with HL_PG_CONN_STR and HL_PG_SCHEMA_NAME
 * set, and its state is read from the database, as hl reads it, instead of from the file.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPgBackend } from '../../src/backend/pg/pg-backend.js';
import { StateStore, type StateStoreOptions } from '../../src/state/state-store.js';
import { repoRoot } from './hl-process.js';
import type { TargetSetup } from './targets.js';

export interface PgServer {
  /** A superuser URL. */
  url: string;
  /** Stops the server when this run started it. */
  stop(): Promise<void>;
}

function clusterScript(...args: string[]): Promise<{ code: number; output: string }> {
  const script = join(repoRoot(), 'scripts', 'pg-test-cluster.sh');
  return new Promise((resolve) => {
    execFile('bash', [script, ...args], { encoding: 'utf8' }, (e, stdout, stderr) =>
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, output: stdout + stderr }),
    );
  });
}

/** HL_TEST_PG_URL's server, or a throwaway cluster (undefined, saying why, when neither is possible). */
export async function pgServer(): Promise<PgServer | { problem: string }> {
  const given = process.env.HL_TEST_PG_URL;
  if (given) return { url: given, stop: async () => undefined };
  if ((await clusterScript('bindir')).code !== 0)
    return { problem: 'HL_TEST_PG_URL is not set and no PostgreSQL binaries were found for scripts/pg-test-cluster.sh' };
  const dir = mkdtempSync(join(tmpdir(), 'hl-torture-pg-'));
  const started = await clusterScript('start', dir);
  const url = started.code === 0 ? /^HL_TEST_PG_URL=(.+)$/m.exec(readFileSync(join(dir, 'env'), 'utf8'))?.[1] : undefined;
  if (!url) {
    await clusterScript('stop', dir);
    return { problem: `scripts/pg-test-cluster.sh start ${dir} failed: ${started.output.trim()}` };
  }
  return { url, stop: async () => void (await clusterScript('stop', dir)) };
}

async function asAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A database of this run's own on `server`: trials get a schema each in it. */
export interface PgTortureDatabase {
  url: string;
  name: string;
  /** Drops the database (and every trial's schema with it). */
  drop(): Promise<void>;
}

export async function createTortureDatabase(serverUrl: string, prefix = 'torture'): Promise<PgTortureDatabase> {
  const name = `hl_${prefix}_${randomBytes(5).toString('hex')}`;
  await asAdmin(serverUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => asAdmin(serverUrl, async (c) => void (await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}

/** Opens the state of `schema` in `url` read-only, as hl would. */
export function pgStateReader(url: string, schema: string) {
  return async (opts: StateStoreOptions): Promise<{ store: StateStore; close(): Promise<void> }> => {
    const backend = await openPgBackend({ type: 'pg', connStr: url, schema, insecurePlaintext: false }, 'default');
    try {
      return { store: await StateStore.openOn(backend.persistence(), opts), close: () => backend.close() };
    } catch (e) {
      await backend.close();
      throw e;
    }
  };
}

let trials = 0;

/** `setup` with every trial's state in a schema of its own in `db` (kept, for a look, until the database is dropped). */
export function onPg(setup: TargetSetup, db: PgTortureDatabase): TargetSetup {
  return {
    name: `${setup.name} on pg`,
    setup: async (random) => {
      const inner = await setup.setup(random);
      const schema = `trial_${++trials}_${randomBytes(3).toString('hex')}`;
      return {
        ...inner,
        target: {
          ...inner.target,
          env: { ...inner.target.env, HL_PG_CONN_STR: db.url, HL_PG_SCHEMA_NAME: schema },
          readState: pgStateReader(db.url, schema),
          stateLocation: `schema ${schema} of database ${db.name}`,
        },
      };
    },
  };
}
