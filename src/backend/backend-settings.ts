/**
 * Which backend a run uses and how to reach it, from (first wins) the command line
 * (`--backend`, `--state`), the environment (`HL_BACKEND`, `HL_PG_CONN_STR`,
 * `HL_PG_SCHEMA_NAME`; the PG* variables are read by the PostgreSQL client itself) and the
 * config's `hl.backend` block. Without any, the file backend keeps `homelab.state.json`
 * beside the config.
 */
import { isAbsolute, resolve } from 'node:path';
import type { BackendBlock, BackendType } from '../config/backend-block.js';
import { BACKEND_TYPES } from '../config/backend-block.js';
import { error, type Diagnostic } from '../core/diagnostic.js';

export const DEFAULT_STATE_FILE = 'homelab.state.json';
export const DEFAULT_PG_SCHEMA = 'hl';

export interface FileBackendSettings {
  type: 'file';
  /** The default workspace's state file, absolute. */
  path: string;
}

export interface PgBackendSettings {
  type: 'pg';
  /** A connection string, when one is given (else the PG* variables and defaults apply). */
  connStr?: string;
  /** Where the connection string came from, for messages. */
  connStrSource?: string;
  schema: string;
  /** CA certificates for the server's certificate, absolute. */
  caFile?: string;
  insecurePlaintext: boolean;
}

export type BackendSettings = FileBackendSettings | PgBackendSettings;

export interface BackendInputs {
  block: BackendBlock | undefined;
  /** The directory of the config (the default state is kept there). */
  configRoot: string;
  /** The directory relative paths on the command line are resolved against. */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** --state PATH. */
  stateFlag?: string;
  /** --backend TYPE. */
  backendFlag?: string;
}

export function resolveBackendSettings(i: BackendInputs): { settings?: BackendSettings; diagnostics: Diagnostic[] } {
  const chosen = i.backendFlag ?? nonEmpty(i.env.HL_BACKEND) ?? i.block?.type ?? (nonEmpty(i.env.HL_PG_CONN_STR) ? 'pg' : 'file');
  const from = i.backendFlag !== undefined ? '--backend' : nonEmpty(i.env.HL_BACKEND) ? 'HL_BACKEND' : 'hl.backend.type';
  if (!(BACKEND_TYPES as readonly string[]).includes(chosen)) {
    return {
      diagnostics: [
        error(`Unknown backend ${JSON.stringify(chosen)} (from ${from})`, undefined, `The backends are ${BACKEND_TYPES.join(' and ')}.`),
      ],
    };
  }
  const type = chosen as BackendType;
  const block = i.block?.type === type ? i.block : undefined;
  const rel = (p: string): string => (isAbsolute(p) ? p : resolve(i.configRoot, p));
  if (type === 'file') {
    const path =
      i.stateFlag !== undefined
        ? resolve(i.cwd, i.stateFlag)
        : typeof block?.settings.path === 'string'
          ? rel(block.settings.path)
          : resolve(i.configRoot, DEFAULT_STATE_FILE);
    return { settings: { type: 'file', path }, diagnostics: [] };
  }
  if (i.stateFlag !== undefined) {
    return {
      diagnostics: [
        error(
          '--state names a state file, but this run uses the pg backend',
          block?.loc,
          'Select a workspace with "hl workspace select NAME" (or HL_WORKSPACE) instead, or run with --backend=file.',
        ),
      ],
    };
  }
  const envConn = nonEmpty(i.env.HL_PG_CONN_STR);
  const blockConn = typeof block?.settings.conn_str === 'string' ? block.settings.conn_str : undefined;
  const settings: PgBackendSettings = {
    type: 'pg',
    schema:
      nonEmpty(i.env.HL_PG_SCHEMA_NAME) ??
      (typeof block?.settings.schema_name === 'string' ? block.settings.schema_name : DEFAULT_PG_SCHEMA),
    insecurePlaintext: block?.settings.insecure_plaintext === true || i.env.HL_PG_INSECURE_PLAINTEXT === '1',
  };
  if (envConn !== undefined) {
    settings.connStr = envConn;
    settings.connStrSource = 'HL_PG_CONN_STR';
  } else if (blockConn !== undefined) {
    settings.connStr = blockConn;
    settings.connStrSource = 'hl.backend.conn_str';
  }
  const ca = nonEmpty(i.env.HL_PG_CA_FILE) ?? (typeof block?.settings.ca_file === 'string' ? block.settings.ca_file : undefined);
  if (ca !== undefined) settings.caFile = nonEmpty(i.env.HL_PG_CA_FILE) !== undefined ? resolve(i.cwd, ca) : rel(ca);
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(settings.schema)) {
    return {
      diagnostics: [
        error(
          `Invalid PostgreSQL schema name ${JSON.stringify(settings.schema)}`,
          block?.locs.schema_name,
          'A schema name for hl is letters, digits and "_", starting with a letter or "_".',
        ),
      ],
    };
  }
  return { settings, diagnostics: [] };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}
