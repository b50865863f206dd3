/**
 * The test PostgreSQL server is what the state-backend tests need it to be: loopback only,
 * not running as root, fsync on, real password authentication, and createTestDatabase gives
 * each caller a database of its own that drop() removes.
 */
import { readFileSync, statSync } from 'node:fs';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { createTestDatabase, describeWithPg, pgUrl, type TestDatabase } from './pg.js';

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  // A server-side disconnect (DROP DATABASE ... WITH (FORCE)) must not become an uncaught error.
  client.on('error', () => {});
  await client.connect();
  return client;
}

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = await connect(url);
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

function errorCode(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => (error as { code?: string }).code ?? String(error),
  );
}

describeWithPg('the test PostgreSQL server', () => {
  const url = pgUrl()!;
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of databases) {
      await db.drop();
    }
  });

  it('is the one child processes see too', () => {
    expect(process.env.HL_TEST_PG_URL).toBe(url);
  });

  it('listens on 127.0.0.1 only (or only on its unix socket), with fsync on', async () => {
    const [row] = await query<{ listen: string; sockets: string; fsync: string }>(
      url,
      "SELECT current_setting('listen_addresses') AS listen, current_setting('unix_socket_directories') AS sockets, current_setting('fsync') AS fsync",
    );
    if (row!.listen === '') {
      expect(row!.sockets).not.toBe('');
    } else {
      expect(row!.listen).toBe('127.0.0.1');
    }
    expect(row!.fsync).toBe('on');
  });

  it('does not run as root', async () => {
    const [row] = await query<{ pid: number; datadir: string }>(
      url,
      "SELECT pg_backend_pid() AS pid, current_setting('data_directory') AS datadir",
    );
    let uid: number;
    try {
      const status = readFileSync(`/proc/${row!.pid}/status`, 'utf8');
      uid = Number(/^Uid:\s+(\d+)/m.exec(status)![1]);
    } catch {
      uid = statSync(row!.datadir).uid;
    }
    expect(Number.isInteger(uid)).toBe(true);
    expect(uid).not.toBe(0);
  });

  it('refuses a wrong password', async () => {
    const wrong = new URL(url);
    wrong.password = 'not-the-password';
    expect(await errorCode(query(wrong.toString(), 'SELECT 1'))).toBe('28P01'); // invalid_password
    expect(await query<{ one: number }>(url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('gives each createTestDatabase caller a database of its own, which drop() removes', async () => {
    const a = await createTestDatabase('cluster test');
    const b = await createTestDatabase('cluster test');
    databases.push(a, b);
    expect(a.name).toMatch(/^hl_cluster_test_[0-9a-f]{12}$/);
    expect(b.name).not.toBe(a.name);
    expect(new URL(a.url).pathname).toBe(`/${a.name}`);

    await query(a.url, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$a$$)');
    expect(await query(a.url, 'SELECT v FROM kept')).toEqual([{ v: 'a' }]);
    expect(await query(b.url, "SELECT to_regclass('kept') AS t")).toEqual([{ t: null }]);

    // drop() succeeds with a session still connected to the database.
    const open = await connect(a.url);
    try {
      await a.drop();
    } finally {
      await open.end().catch(() => {});
    }
    expect(await query(url, 'SELECT 1 FROM pg_database WHERE datname = $1', [a.name])).toEqual([]);
    expect(await errorCode(query(a.url, 'SELECT 1'))).toBe('3D000'); // invalid_catalog_name
    await a.drop(); // idempotent

    await b.drop();
    expect(await query(url, 'SELECT 1 FROM pg_database WHERE datname = $1', [b.name])).toEqual([]);
  });
});
