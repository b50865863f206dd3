/**
 * The PostgreSQL backend: a team's and CI's shared state. One connection per run carries
 * the workspace's advisory lock (pg-lock.ts) and every read and write of its state
 * (pg-persistence.ts); the tables are hl's own (pg-schema.ts).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Client } from 'pg';
import { DiagnosticsError, error } from '../../core/diagnostic.js';
import { currentUser, describeHolder, type LockInfo } from '../../state/state-lock.js';
import type { StatePersistence } from '../../state/state-persistence.js';
import { HL_VERSION } from '../../version.js';
import type { PgBackendSettings } from '../backend-settings.js';
import type { HeldLock, LockRequest, StateBackend, StateVersion, WorkspaceInfo } from '../state-backend.js';
import { DEFAULT_WORKSPACE, missingWorkspace, workspaceNameProblem } from '../workspace-name.js';
import { connectPg, mask } from './pg-connection.js';
import { acquirePgLock, describePgHolders, pgHolders, tryUpgradePgLock } from './pg-lock.js';
import { PgStatePersistence } from './pg-persistence.js';
import { migrateSchema, quoteIdent } from './pg-schema.js';

export async function openPgBackend(
  settings: PgBackendSettings,
  workspace: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<PgBackend> {
  const problem = workspaceNameProblem(workspace);
  if (problem) throw new DiagnosticsError([problem]);
  const conn = await connectPg(settings, env);
  const who = `${currentUser()}@${hostname()}`;
  try {
    await migrateSchema(conn.client, settings.schema, HL_VERSION, who);
  } catch (e) {
    await conn.client.end().catch(() => undefined);
    if (e instanceof DiagnosticsError) throw e;
    throw new DiagnosticsError([error(`PostgreSQL at ${conn.location}: ${mask((e as Error).message, conn.secret)}`)]);
  }
  return new PgBackend(conn.client, conn.location, settings.schema, workspace, who);
}

export class PgBackend implements StateBackend {
  readonly kind = 'pg' as const;
  readonly #client: Client;
  readonly #location: string;
  readonly #schema: string;
  readonly #s: string;
  readonly workspace: string;
  readonly #who: string;
  #held: HeldLock | undefined;
  #closed = false;

  constructor(client: Client, location: string, schema: string, workspace: string, who: string) {
    this.#client = client;
    this.#location = location;
    this.#schema = schema;
    this.#s = quoteIdent(schema);
    this.workspace = workspace;
    this.#who = who;
  }

  get location(): string {
    return `${this.#location} (workspace ${this.workspace})`;
  }

  get planKeyLocation(): string {
    return `${this.#location} (table ${this.#schema}.workspaces, workspace ${this.workspace})`;
  }

  /** The database, without the workspace. */
  get database(): string {
    return this.#location;
  }

  async lock(request: LockRequest): Promise<HeldLock> {
    if (!(await this.hasWorkspace(this.workspace))) throw missingWorkspace(this.workspace, this.#location);
    const held = await acquirePgLock(this.#client, this.#schema, this.workspace, request);
    this.#held = held;
    return {
      info: held.info,
      mode: held.mode,
      release: async () => {
        if (this.#held === held) this.#held = undefined;
        await held.release();
      },
    };
  }

  persistence(): StatePersistence {
    return new PgStatePersistence({
      client: this.#client,
      schema: this.#schema,
      workspace: this.workspace,
      location: this.#location,
      who: this.#who,
      settler: async () => {
        const mode = this.#held?.mode;
        if (mode === undefined) return undefined;
        const twin = (): StatePersistence =>
          new PgStatePersistence({
            client: this.#client,
            schema: this.#schema,
            workspace: this.workspace,
            location: this.#location,
            who: this.#who,
          });
        if (mode === 'exclusive') return { persistence: twin(), done: async () => undefined };
        // a plan holds the shared lock: settle only if no one else holds it right now
        const release = await tryUpgradePgLock(this.#client, this.#schema, this.workspace);
        return release ? { persistence: twin(), done: release } : undefined;
      },
    });
  }

  async planKey(create: boolean): Promise<Buffer | undefined> {
    const read = async (): Promise<string | null | undefined> =>
      (
        await this.#client.query<{ plan_key: string | null }>(`SELECT plan_key FROM ${this.#s}.workspaces WHERE name = $1`, [
          this.workspace,
        ])
      ).rows[0]?.plan_key;
    let key = await read();
    if (!key && create) {
      if (this.workspace === DEFAULT_WORKSPACE) {
        await this.#client.query(`INSERT INTO ${this.#s}.workspaces (name, created_by) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
          this.workspace,
          this.#who,
        ]);
      }
      // two plans racing agree on the first key written
      await this.#client.query(`UPDATE ${this.#s}.workspaces SET plan_key = $2 WHERE name = $1 AND plan_key IS NULL`, [
        this.workspace,
        randomBytes(32).toString('hex'),
      ]);
      key = await read();
      if (!key) throw missingWorkspace(this.workspace, this.#location);
    }
    return key ? Buffer.from(key, 'hex') : undefined;
  }

  async history(): Promise<StateVersion[]> {
    const { rows } = await this.#client.query<{
      serial: string;
      lineage: string;
      created_at: Date;
      created_by: string;
      hl_version: string;
      resources: number;
      sha256: string;
    }>(
      `SELECT serial, lineage, created_at, created_by, hl_version, resources, sha256 FROM ${this.#s}.state_versions WHERE workspace = $1 ORDER BY serial`,
      [this.workspace],
    );
    return rows.map((r) => ({
      serial: Number(r.serial),
      lineage: r.lineage,
      createdAt: r.created_at.toISOString(),
      createdBy: r.created_by,
      hlVersion: r.hl_version,
      resources: r.resources,
      sha256: r.sha256,
    }));
  }

  async readVersion(serial: number): Promise<string | undefined> {
    const { rows } = await this.#client.query<{ content: string }>(
      `SELECT content FROM ${this.#s}.state_versions WHERE workspace = $1 AND serial = $2`,
      [this.workspace, serial],
    );
    return rows[0]?.content;
  }

  async forceUnlock(id: string): Promise<string> {
    const { rows } = await this.#client.query<{ backend_pid: number; info: LockInfo }>(
      `SELECT backend_pid, info FROM ${this.#s}.lock_holders WHERE lock_id::text = $1 AND workspace = $2`,
      [id, this.workspace],
    );
    const holders = await pgHolders(this.#client, this.#schema, this.workspace);
    const row = rows[0];
    const live = row && holders.some((h) => h.pid === row.backend_pid);
    if (!row || !live) {
      throw new DiagnosticsError([
        error(
          `No lock with id ${id} is held on workspace "${this.workspace}"`,
          undefined,
          holders.length > 0 ? `It is held by ${describePgHolders(holders)}.` : 'Nobody holds it now.',
        ),
      ]);
    }
    try {
      await this.#client.query('SELECT pg_terminate_backend($1)', [row.backend_pid]);
    } catch (e) {
      throw new DiagnosticsError([
        error(
          `Cannot end the session holding the lock: ${(e as Error).message}`,
          undefined,
          'Ending another session takes the same PostgreSQL role, membership in pg_signal_backend, or a superuser.',
        ),
      ]);
    }
    await this.#client.query(`DELETE FROM ${this.#s}.lock_holders WHERE lock_id::text = $1`, [id]);
    return describeHolder(row.info);
  }

  async listWorkspaces(): Promise<WorkspaceInfo[]> {
    const { rows } = await this.#client.query<{ name: string; serial: string | null; resources: number | null }>(
      `SELECT w.name, v.serial, v.resources FROM ${this.#s}.workspaces w
         LEFT JOIN LATERAL (SELECT serial, resources FROM ${this.#s}.state_versions s WHERE s.workspace = w.name ORDER BY serial DESC LIMIT 1) v ON true
        ORDER BY w.name <> 'default', w.name`,
    );
    const out = rows.map((r) => ({ name: r.name, serial: Number(r.serial ?? 0), resources: r.resources ?? 0 }));
    if (!out.some((w) => w.name === DEFAULT_WORKSPACE)) out.unshift({ name: DEFAULT_WORKSPACE, serial: 0, resources: 0 });
    return out;
  }

  async createWorkspace(name: string): Promise<void> {
    const problem = workspaceNameProblem(name);
    if (problem) throw new DiagnosticsError([problem]);
    const r = await this.#client.query(`INSERT INTO ${this.#s}.workspaces (name, created_by) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      name,
      this.#who,
    ]);
    if (r.rowCount === 0) throw new DiagnosticsError([error(`Workspace "${name}" already exists`)]);
  }

  async deleteWorkspace(name: string): Promise<void> {
    if (name === DEFAULT_WORKSPACE) throw new DiagnosticsError([error('The default workspace cannot be deleted')]);
    await this.#client.query(`DELETE FROM ${this.#s}.workspaces WHERE name = $1`, [name]);
  }

  async hasWorkspace(name: string): Promise<boolean> {
    if (name === DEFAULT_WORKSPACE) return true;
    const { rows } = await this.#client.query(`SELECT 1 FROM ${this.#s}.workspaces WHERE name = $1`, [name]);
    return rows.length > 0;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.end().catch(() => undefined);
  }
}
