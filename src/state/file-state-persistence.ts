/**
 * The state as files: `homelab.state.json` (kept with lowdb through an atomic adapter) and
 * its append-only journal `<state>.journal` beside it.
 *
 * Checkpoint order: (1) the first write of a run copies the previous file to `<state>.backup`;
 * (2) the new state file is renamed into place; (3) the journal is atomically replaced by a
 * header and the still-open intents. A crash between (2) and (3) replays the old journal over
 * the new file, which is harmless because every journal record is absolute.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { DiagnosticsError, error } from '../core/diagnostic.js';
import { AtomicJsonFile } from './atomic-json-file.js';
import { removeStaleTempFiles, restrictMode, writeFileAtomic } from './atomic-write.js';
import { JournalFile } from './journal-file.js';
import { decodeJournal, JOURNAL_FORMAT_VERSION, type DecodedJournal, type JournalHeader } from './journal-records.js';
import { decodeStateFileBytes, encodeStateFile } from './state-file-format.js';
import type { CheckpointMeta, LoadedState, StatePersistence } from './state-persistence.js';
import type { StateValidator } from './state-schema.js';
import { emptyState, type State } from './state-types.js';

export function journalPathOf(statePath: string): string {
  return `${statePath}.journal`;
}

export function backupPathOf(statePath: string): string {
  return `${statePath}.backup`;
}

export class FileStatePersistence implements StatePersistence {
  readonly path: string;
  readonly journalPath: string;
  readonly backupPath: string;
  #db: Low<State> | undefined;
  #journal: JournalFile | undefined;
  #validBytes = 0;
  #stateFileExists = false;

  constructor(path: string) {
    this.path = path;
    this.journalPath = journalPathOf(path);
    this.backupPath = backupPathOf(path);
  }

  get location(): string {
    return this.path;
  }

  get journalLocation(): string {
    return this.journalPath;
  }

  async load(validate: StateValidator): Promise<LoadedState> {
    const path = this.path;
    const adapter = new AtomicJsonFile<State>(path, {
      parse: (bytes) => {
        const decoded = decodeStateFileBytes(bytes, path, validate);
        if ('diagnostics' in decoded) throw new DiagnosticsError(decoded.diagnostics);
        return decoded.state;
      },
      stringify: encodeStateFile,
    });
    const placeholder = emptyState('00000000-0000-0000-0000-000000000000', '0');
    const db = new Low<State>(adapter, placeholder);
    try {
      await db.read();
    } catch (e) {
      if (e instanceof DiagnosticsError) throw e;
      throw new DiagnosticsError([error(`Cannot read state file ${path}: ${(e as Error).message}`)]);
    }
    const fileState = db.data === placeholder ? null : db.data;
    this.#db = db;
    this.#stateFileExists = fileState !== null;

    const journalBytes = await readJournal(this.journalPath);
    let journal: DecodedJournal | null = null;
    if (journalBytes !== null) {
      const decoded = decodeJournal(journalBytes, validate);
      if ('corruption' in decoded) {
        const { line, col, message } = decoded.corruption;
        throw new DiagnosticsError([
          error(
            `State journal ${this.journalPath} is damaged at line ${line}${col === undefined ? '' : `, column ${col}`}: ${message}`,
            { file: this.journalPath, line, col: col ?? 1 },
            `The journal records operations made since ${path} was last written. hl will not use or modify it; ` +
              `repair it by hand, or move it aside if you accept losing those records (run \`hl plan\` afterwards to see what is unaccounted for).`,
          ),
        ]);
      }
      journal = decoded;
      checkJournalHeader(decoded, path, this.journalPath, fileState);
    }
    this.#validBytes = journal?.validBytes ?? 0;
    return { state: fileState, journal };
  }

  async openForWriting(loaded: LoadedState, header: () => JournalHeader): Promise<void> {
    const path = this.path;
    if (loaded.state !== null) await restrictMode(path);
    else await assertDirectory(path);
    // Litter from a process killed mid-write; harmless, but each may be megabytes.
    for (const target of [path, this.journalPath, this.backupPath, `${path}.lock`, `${path}.lock.break`, `${path}.plankey`]) {
      await removeStaleTempFiles(target);
    }
    this.#journal = new JournalFile(this.journalPath, this.#validBytes, header);
  }

  append(line: string): Promise<void> {
    return this.#writer().append(line);
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.#writer().exclusive(fn);
  }

  async checkpoint(next: State | undefined, openIntentLines: string[], meta: CheckpointMeta & { firstOfRun: boolean }): Promise<void> {
    const journal = this.#writer();
    if (next !== undefined) {
      if (meta.firstOfRun) await this.#writeBackup();
      const db = this.#db!;
      db.data = next;
      await db.write();
      this.#stateFileExists = true;
    }
    // Only now, with the state file in place, may the journal forget what it holds.
    await journal.replace(openIntentLines);
  }

  async settler(): Promise<{ persistence: StatePersistence; done(): Promise<void> }> {
    const twin = new FileStatePersistence(this.path);
    return { persistence: twin, done: async () => undefined };
  }

  async close(): Promise<void> {
    await this.#journal?.close();
  }

  #writer(): JournalFile {
    if (!this.#journal) throw new Error('bug: the state files were not opened for writing');
    return this.#journal;
  }

  async #writeBackup(): Promise<void> {
    if (!this.#stateFileExists) return;
    let previous: Buffer | undefined;
    try {
      previous = await readFile(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (previous !== undefined) await writeFileAtomic(this.backupPath, previous);
  }
}

async function readJournal(path: string): Promise<Uint8Array | null> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DiagnosticsError([error(`Cannot read state journal ${path}: ${(e as Error).message}`)]);
  }
}

/** A new state file will be written beside `path`: its directory must exist. */
async function assertDirectory(path: string): Promise<void> {
  const dir = dirname(path);
  try {
    if ((await stat(dir)).isDirectory()) return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  throw new DiagnosticsError([error(`Cannot create state file ${path}: directory ${dir} does not exist`)]);
}

/** Refuses a journal that does not belong on top of this state file. */
function checkJournalHeader(journal: DecodedJournal, path: string, journalPath: string, fileState: State | null): void {
  const header = journal.header;
  if (!header) return;
  const keep = `hl will not use or modify ${journalPath} or ${path}.`;
  if (header.v > JOURNAL_FORMAT_VERSION) {
    throw new DiagnosticsError([
      error(`State journal ${journalPath} was written by a newer hl (journal format ${header.v})`, undefined, keep),
    ]);
  }
  if (fileState === null) {
    if (header.serial > 0) {
      throw new DiagnosticsError([
        error(
          `State file ${path} is missing, but its journal ${journalPath} continues serial ${header.serial} of lineage ${header.lineage}`,
          undefined,
          `The state file was deleted or moved after it was written. Restore it (or ${path}.backup), ` +
            `or, to really start from an empty state, move the journal aside too. ${keep}`,
        ),
      ]);
    }
    return;
  }
  if (header.lineage !== fileState.lineage) {
    throw new DiagnosticsError([
      error(
        `State journal ${journalPath} belongs to a different state (lineage ${header.lineage}; ${path} has lineage ${fileState.lineage})`,
        undefined,
        `The state file was replaced while a journal was left from an earlier run. ${keep}`,
      ),
    ]);
  }
  if (header.serial > fileState.serial) {
    throw new DiagnosticsError([
      error(
        `State journal ${journalPath} continues serial ${header.serial}, but ${path} has the older serial ${fileState.serial}`,
        undefined,
        `The state file was replaced by an older copy (a backup?) after the journal was started. ${keep}`,
      ),
    ]);
  }
}
