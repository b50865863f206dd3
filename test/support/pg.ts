/**
 * PostgreSQL for the tests: the server test/support/pg-global-setup.ts provides (a throwaway
 * cluster of scripts/pg-test-cluster.sh, or the one HL_TEST_PG_URL names).
 *
 *   describeWithPg('pg backend', () => {
 *     let db: TestDatabase;
 *     beforeEach(async () => { db = await createTestDatabase('backend'); });
 *     afterEach(async () => { await db.drop(); });
 *     it('...', async () => { ... db.url ... });
 *   });
 *
 * Without a server the suite is skipped, saying why (PG_SKIP_REASON), except under CI=true,
 * where it fails: CI must not pass by testing nothing.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, inject, it } from 'vitest';

export const PG_SKIP_REASON =
  'No PostgreSQL to test against: HL_TEST_PG_URL is not set and no initdb/pg_ctl was found on the PATH or under ' +
  '/usr/lib/postgresql/*/bin. Install PostgreSQL (Debian: apt-get install postgresql) and the test run starts a ' +
  'throwaway cluster by itself, or set HL_TEST_PG_URL to a superuser URL of a server you can spare ' +
  '(scripts/pg-test-cluster.sh start DIR makes one and writes its URL to DIR/env).';

/** A superuser URL of the test server, or undefined when there is none. */
export function pgUrl(): string | undefined {
  let provided: string | undefined;
  try {
    provided = inject('pgUrl') as string | undefined;
  } catch {
    // Outside a test worker: only the environment can say.
  }
  return provided || process.env.HL_TEST_PG_URL || undefined;
}

export interface TestDatabase {
  /** The URL of the new database (the server's superuser). */
  url: string;
  name: string;
  /** Drops the database, disconnecting whoever is still connected (WITH (FORCE)). Idempotent. */
  drop(): Promise<void>;
}

async function asAdmin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** CREATE DATABASE hl_<prefix>_<random> on the test server: a database of the caller's own. */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const admin = pgUrl();
  if (!admin) {
    throw new Error(PG_SKIP_REASON);
  }
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .slice(0, 40);
  const name = `hl_${clean}_${randomBytes(6).toString('hex')}`;
  await asAdmin(admin, `CREATE DATABASE "${name}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) {
        return;
      }
      await asAdmin(admin, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      dropped = true;
    },
  };
}

let warned = false;

/**
 * `describe` when there is a test server; otherwise `describe.skip` with PG_SKIP_REASON warned
 * (once per test file), or, when CI=true, a suite whose one test fails with that reason.
 */
export function describeWithPg(name: string, fn: () => void): void {
  if (pgUrl()) {
    describe(name, fn);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('has a PostgreSQL server to test against', () => {
        throw new Error(`${PG_SKIP_REASON} CI=true, so this fails instead of skipping.`);
      });
    });
    return;
  }
  if (!warned) {
    warned = true;
    console.warn(`Skipping PostgreSQL tests: ${PG_SKIP_REASON}`);
  }
  describe.skip(name, fn);
}
