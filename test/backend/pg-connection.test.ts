/** Connecting to PostgreSQL: TLS required off loopback, verified when asked for, and no password in any message. */
import { expect, it } from 'vitest';
import type { PgBackendSettings } from '../../src/backend/backend-settings.js';
import { connectPg } from '../../src/backend/pg/pg-connection.js';
import { DiagnosticsError } from '../../src/core/diagnostic.js';
import { describeWithPg, pgUrl } from '../support/pg.js';

const settings = (connStr: string, extra: Partial<PgBackendSettings> = {}): PgBackendSettings => ({
  type: 'pg',
  connStr,
  connStrSource: 'HL_PG_CONN_STR',
  schema: 'hl',
  insecurePlaintext: false,
  ...extra,
});

async function refusal(s: PgBackendSettings): Promise<string> {
  try {
    const c = await connectPg(s, {});
    await c.client.end();
  } catch (e) {
    if (e instanceof DiagnosticsError) return e.diagnostics.map((d) => `${d.summary}\n${d.detail ?? ''}`).join('\n');
    throw e;
  }
  return 'connected';
}

it('refuses plain text to a host that is not loopback unless insecure_plaintext says so', async () => {
  const text = await refusal(settings('postgres://hl@db.example.invalid/homelab?sslmode=disable'));
  expect(text).toContain('Refusing a PostgreSQL connection without TLS to db.example.invalid');
  expect(text).toContain('insecure_plaintext');
  // with the opt-in it goes on to connect (and fails on the name, not on the policy)
  const opted = await refusal(settings('postgres://hl@db.example.invalid:1/homelab?sslmode=disable', { insecurePlaintext: true }));
  expect(opted).toContain('Cannot connect to PostgreSQL at postgres://hl@db.example.invalid:1/homelab');
});

describeWithPg('against the test server', () => {
  it('connects on loopback without TLS, and asking for TLS there is honoured, not downgraded', async () => {
    const url = new URL(pgUrl()!);
    const c = await connectPg(settings(url.toString()), {});
    expect((await c.client.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
    expect(c.location).toBe(`postgres://${url.username}@127.0.0.1:${url.port}/postgres`);
    expect(c.location).not.toContain(decodeURIComponent(url.password));
    await c.client.end();
    url.searchParams.set('sslmode', 'verify-full');
    const text = await refusal(settings(url.toString()));
    expect(text).toMatch(/Cannot connect to PostgreSQL at .*: The server does not support SSL connections/);
  });

  it('says a wrong password is wrong without printing it', async () => {
    const url = new URL(pgUrl()!);
    url.password = 'not-the-password-7f3a';
    const text = await refusal(settings(url.toString()));
    expect(text).toContain('password authentication failed');
    expect(text).not.toContain('not-the-password-7f3a');
  });
});
