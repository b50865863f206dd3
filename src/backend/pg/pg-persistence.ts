/**
 * A workspace's state in PostgreSQL, for the StateStore: the latest row of `state_versions`
 * plus the `journal` rows made since. Appends that arrive together are inserted by one
 * statement (one transaction: group-commit.ts), so operations that become ready at once
 * share one commit. A checkpoint inserts the next version and replaces the journal rows by
 * the intents still open in one transaction: there is no in-between for a crash to find.
 */
import { createHash } from 'node:crypto';
import type { Client } from 'pg';
import { DiagnosticsError, error } from '../../core/diagnostic.js';
import { GroupCommit } from '../../state/group-commit.js';
import { decodeJournal, encodeJournalLine, journalHeader, type JournalHeader } from '../../state/journal-records.js';
import { decodeStateFileBytes, encodeStateFile } from '../../state/state-file-format.js';
import type { CheckpointMeta, LoadedState, StatePersistence } from '../../state/state-persistence.js';
import type { StateValidator } from '../../state/state-schema.js';
import type { State } from '../../state/state-types.js';
import { quoteIdent } from './pg-schema.js';
import { DEFAULT_WORKSPACE, missingWorkspace } from '../workspace-name.js';

export interface PgPersistenceOptions {
  client: Client;
  schema: string;
  workspace: string;
  /** `postgres://user@host/db`, for messages. */
  location: string;
  /** `user@host`, recorded with each version. */
  who: string;
  /** A writable twin for settling the journal under a shared lock (pg-backend.ts). */
  settler?: () => Promise<{ persistence: StatePersistence; done(): Promise<void> } | undefined>;
}

interface JournalRow {
  seq: string;
  record: string;
}

export class PgStatePersistence implements StatePersistence {
  readonly #o: PgPersistenceOptions;
  readonly #s: string;
  readonly #commits: GroupCommit;
  #lineage: string | undefined;

  constructor(o: PgPersistenceOptions) {
    this.#o = o;
    this.#s = quoteIdent(o.schema);
    this.#commits = new GroupCommit((lines) => this.#insert(lines), `the journal of workspace ${o.workspace}`);
    if (o.settler) this.settler = o.settler;
  }

  settler?: () => Promise<{ persistence: StatePersistence; done(): Promise<void> } | undefined>;

  /**
   * Journal rows are as durable as a version and cheap to replay, and every checkpoint is a
   * version kept in the history: during a run, one every 30 s at most (the end of a run
   * always makes one).
   */
  readonly checkpointIntervalMs = 30_000;

  get location(): string {
    return `${this.#o.location} (workspace ${this.#o.workspace})`;
  }

  get journalLocation(): string {
    return `${this.#o.location} (table ${this.#o.schema}.journal, workspace ${this.#o.workspace})`;
  }

  async load(validate: StateValidator): Promise<LoadedState> {
    const { client, workspace } = this.#o;
    const s = this.#s;
    let ws: { lineage: string | null } | undefined;
    let version: { serial: string; content: string } | undefined;
    let rows: JournalRow[];
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      ws = (await client.query<{ lineage: string | null }>(`SELECT lineage FROM ${s}.workspaces WHERE name = $1`, [workspace])).rows[0];
      version = (
        await client.query<{ serial: string; content: string }>(
          `SELECT serial, content FROM ${s}.state_versions WHERE workspace = $1 ORDER BY serial DESC LIMIT 1`,
          [workspace],
        )
      ).rows[0];
      rows = (await client.query<JournalRow>(`SELECT seq, record FROM ${s}.journal WHERE workspace = $1 ORDER BY seq`, [workspace])).rows;
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw unreachable(this.location, e);
    }
    if (!ws && workspace !== DEFAULT_WORKSPACE) throw missingWorkspace(workspace, this.#o.location);
    let state: State | null = null;
    if (version) {
      const decoded = decodeStateFileBytes(Buffer.from(version.content, 'utf8'), `${this.location} serial ${version.serial}`, validate);
      if ('diagnostics' in decoded) throw new DiagnosticsError(decoded.diagnostics);
      state = decoded.state;
    }
    this.#lineage = state?.lineage ?? ws?.lineage ?? undefined;
    if (rows.length === 0) return { state, journal: null };
    if (this.#lineage === undefined) throw new Error(`bug: journal rows in workspace ${workspace} without a lineage`);
    // the rows as the file backend's journal: a header, then one line each
    const text = encodeJournalLine(journalHeader(this.#lineage, state?.serial ?? 0)) + rows.map((r) => r.record).join('');
    const decoded = decodeJournal(Buffer.from(text, 'utf8'), validate);
    if ('corruption' in decoded || decoded.tornTail) {
      const line = 'corruption' in decoded ? decoded.corruption.line : decoded.records.length + 2;
      const row = rows[line - 2];
      throw new DiagnosticsError([
        error(
          `State journal row ${row?.seq ?? '?'} in ${this.journalLocation} is damaged: ${'corruption' in decoded ? decoded.corruption.message : 'line not terminated'}`,
          undefined,
          'hl will not use or modify this workspace until the row is repaired or removed by hand.',
        ),
      ]);
    }
    return { state, journal: decoded };
  }

  async openForWriting(loaded: LoadedState, header: () => JournalHeader): Promise<void> {
    const { client, workspace, who } = this.#o;
    const lineage = loaded.state?.lineage ?? header().lineage;
    try {
      if (workspace === DEFAULT_WORKSPACE) {
        await client.query(`INSERT INTO ${this.#s}.workspaces (name, created_by) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [workspace, who]);
      }
      await client.query(`UPDATE ${this.#s}.workspaces SET lineage = $2 WHERE name = $1 AND lineage IS NULL`, [workspace, lineage]);
    } catch (e) {
      throw unreachable(this.location, e);
    }
    this.#lineage = lineage;
  }

  append(line: string): Promise<void> {
    return this.#commits.append(line);
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.#commits.exclusive(fn);
  }

  async checkpoint(next: State | undefined, openIntentLines: string[], meta: CheckpointMeta & { firstOfRun: boolean }): Promise<void> {
    const { client, workspace, who } = this.#o;
    const s = this.#s;
    const content = next !== undefined ? encodeStateFile(next) : undefined;
    try {
      await client.query('BEGIN');
      if (next !== undefined && content !== undefined) {
        await client.query(
          `INSERT INTO ${s}.state_versions (workspace, serial, lineage, content, sha256, resources, hl_version, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            workspace,
            next.serial,
            next.lineage,
            content,
            createHash('sha256').update(content).digest('hex'),
            next.resources.length,
            meta.hlVersion,
            who,
          ],
        );
        // a push or migrate with --force may bring another lineage: the journal follows the new state
        await client.query(`UPDATE ${s}.workspaces SET lineage = $2 WHERE name = $1`, [workspace, next.lineage]);
      }
      await client.query(`DELETE FROM ${s}.journal WHERE workspace = $1`, [workspace]);
      if (openIntentLines.length > 0) await this.#insertRows(openIntentLines);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw writeFailed(this.location, e);
    }
  }

  async close(): Promise<void> {
    await this.#commits.close();
  }

  /** One statement, one transaction, however many lines. */
  async #insert(lines: string[]): Promise<void> {
    try {
      await this.#insertRows(lines);
    } catch (e) {
      throw writeFailed(this.location, e);
    }
  }

  async #insertRows(lines: string[]): Promise<void> {
    const kinds: string[] = [];
    const intents: (string | null)[] = [];
    for (const line of lines) {
      const r = JSON.parse(line) as { t: string; intentId?: string; intent?: { intentId?: string } };
      kinds.push(r.t);
      intents.push(r.intentId ?? r.intent?.intentId ?? null);
    }
    await this.#o.client.query(
      `INSERT INTO ${this.#s}.journal (workspace, kind, intent_id, record)
       SELECT $1, k, i, r FROM unnest($2::text[], $3::uuid[], $4::text[]) WITH ORDINALITY AS t (k, i, r, n) ORDER BY n`,
      [this.#o.workspace, kinds, intents, lines],
    );
  }
}

/**
 * A write PostgreSQL did not take: most often the connection is gone (the server restarted, an
 * administrator ended the session, the network dropped), and the workspace lock with it. hl
 * stops there: no operation starts without its intent stored, and the intents stored before
 * are checked by the next apply.
 */
function writeFailed(location: string, e: unknown): DiagnosticsError {
  if (e instanceof DiagnosticsError) return e;
  return new DiagnosticsError([
    error(
      `Cannot write the state at ${location}: ${(e as Error).message}`,
      undefined,
      'hl stopped here: nothing starts without its record stored. If the connection was lost, the workspace lock ended with it; ' +
        'operations begun before are recorded and the next "hl apply" checks each with its provider.',
    ),
  ]);
}

function unreachable(location: string, e: unknown): DiagnosticsError {
  if (e instanceof DiagnosticsError) return e;
  return new DiagnosticsError([error(`Cannot read or write the state at ${location}: ${(e as Error).message}`)]);
}
