/**
 * Connecting to PostgreSQL for the pg backend, with node-postgres (`pg`, loaded here on
 * first use). The connection string comes from HL_PG_CONN_STR or the config (never with a
 * password there); what it leaves out, the client takes from the PG* variables, and the
 * password from PGPASSWORD or ~/.pgpass.
 *
 * TLS as everywhere in hl: to a host that is not loopback the connection is TLS with the
 * server's certificate verified (against `ca_file` when given, else the system's CAs),
 * whatever `sslmode` says short of `disable`; plain text there only with
 * `insecure_plaintext: true` (or HL_PG_INSECURE_PLAINTEXT=1). To loopback and to a unix
 * socket, `sslmode` is followed as given (no TLS by default).
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { Client, ClientConfig } from 'pg';
import { DiagnosticsError, error } from '../../core/diagnostic.js';
import type { PgBackendSettings } from '../backend-settings.js';

export interface PgConnection {
  client: Client;
  /** `postgres://user@host:port/db`, without a password, for messages. */
  location: string;
  /** The password, when one was given in text hl read (to mask it in any message). */
  secret?: string;
}

const SSL_PARAMS = ['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'ssl', 'sslcompression', 'uselibpqcompat'];

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === '' || h.startsWith('/') || h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

interface Target {
  connectionString?: string;
  host: string;
  port: string;
  user: string;
  database: string;
  sslmode: string | undefined;
  secret?: string;
}

function targetOf(settings: PgBackendSettings, env: Readonly<Record<string, string | undefined>>): Target {
  const envUser = env.PGUSER ?? env.USER ?? 'postgres';
  if (settings.connStr === undefined) {
    return {
      host: env.PGHOST ?? 'localhost',
      port: env.PGPORT ?? '5432',
      user: envUser,
      database: env.PGDATABASE ?? envUser,
      sslmode: env.PGSSLMODE,
    };
  }
  if (!/^postgres(ql)?:\/\//i.test(settings.connStr)) {
    throw new DiagnosticsError([
      error(
        `The PostgreSQL connection string from ${settings.connStrSource} is not a URL`,
        undefined,
        'Write it as postgres://USER@HOST:PORT/DATABASE?sslmode=verify-full (the password in PGPASSWORD or ~/.pgpass).',
      ),
    ]);
  }
  let url: URL;
  try {
    url = new URL(settings.connStr);
  } catch {
    throw new DiagnosticsError([error(`The PostgreSQL connection string from ${settings.connStrSource} is not a valid URL`)]);
  }
  const sslmode = url.searchParams.get('sslmode') ?? env.PGSSLMODE;
  const secret = url.password !== '' ? decodeURIComponent(url.password) : (url.searchParams.get('password') ?? undefined);
  const socketHost = url.searchParams.get('host');
  for (const p of SSL_PARAMS) url.searchParams.delete(p);
  const host = socketHost ?? (url.hostname !== '' ? decodeURIComponent(url.hostname) : (env.PGHOST ?? 'localhost'));
  const user = url.username !== '' ? decodeURIComponent(url.username) : envUser;
  const database = url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : (env.PGDATABASE ?? user);
  return {
    connectionString: url.toString(),
    host,
    port: url.port !== '' ? url.port : (env.PGPORT ?? '5432'),
    user,
    database,
    sslmode,
    ...(secret !== undefined ? { secret } : {}),
  };
}

async function sslOf(settings: PgBackendSettings, t: Target): Promise<ClientConfig['ssl']> {
  const mode = t.sslmode?.toLowerCase();
  if (mode !== undefined && !['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'].includes(mode)) {
    throw new DiagnosticsError([
      error(`Unknown sslmode ${JSON.stringify(t.sslmode)}`, undefined, 'Use verify-full (or disable, for loopback).'),
    ]);
  }
  const loopback = isLoopback(t.host);
  const plain = mode === 'disable' || mode === 'allow' || mode === 'prefer' || (mode === undefined && loopback);
  if (plain) {
    if (loopback || settings.insecurePlaintext) return false;
    throw new DiagnosticsError([
      error(
        `Refusing a PostgreSQL connection without TLS to ${t.host}, which is not loopback (sslmode=${mode})`,
        undefined,
        'The state holds what hl knows of your homelab. Use sslmode=verify-full (with ca_file for a private CA), ' +
          'or, on a network you trust, set insecure_plaintext: true in hl.backend (or HL_PG_INSECURE_PLAINTEXT=1).',
      ),
    ]);
  }
  let ca: string | undefined;
  if (settings.caFile !== undefined) {
    try {
      ca = await readFile(settings.caFile, 'utf8');
    } catch (e) {
      throw new DiagnosticsError([error(`Cannot read the PostgreSQL CA file ${settings.caFile}: ${(e as Error).message}`)]);
    }
  }
  // SNI names a host, never an address (RFC 6066); the certificate is checked against either
  const sni = t.host.startsWith('/') || isIP(t.host.replace(/^\[|\]$/g, '')) !== 0 ? {} : { servername: t.host };
  return { rejectUnauthorized: true, ...(ca !== undefined ? { ca } : {}), ...sni };
}

/** Connects; DiagnosticsError (never a password) when it cannot. */
export async function connectPg(settings: PgBackendSettings, env: Readonly<Record<string, string | undefined>>): Promise<PgConnection> {
  const t = targetOf(settings, env);
  const location = `postgres://${encodeURIComponent(t.user)}@${t.host.startsWith('/') ? encodeURIComponent(t.host) : t.host}:${t.port}/${encodeURIComponent(t.database)}`;
  const ssl = await sslOf(settings, t);
  const { default: pg } = await import('pg');
  const config: ClientConfig = {
    ...(t.connectionString !== undefined ? { connectionString: t.connectionString } : {}),
    ssl,
    application_name: 'hl',
    connectionTimeoutMillis: 15_000,
    keepAlive: true,
    // a query that gets no answer (a network that drops packets, a server that hangs) fails
    // the run instead of hanging it; the lock wait polls, so no query waits for long by design
    query_timeout: 120_000,
  };
  const client = new pg.Client(config);
  // a connection that dies later fails the query in flight; this only keeps it from crashing the process
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    const message = mask((e as Error).message, t.secret);
    throw new DiagnosticsError([
      error(
        `Cannot connect to PostgreSQL at ${location}: ${message}`,
        undefined,
        'Check the host, the port and the credentials (PGPASSWORD, ~/.pgpass); hl stores the state there (hl.backend).',
      ),
    ]);
  }
  return { client, location, ...(t.secret !== undefined ? { secret: t.secret } : {}) };
}

export function mask(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('***') : text;
}
