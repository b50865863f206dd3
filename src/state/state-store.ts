/**
 * The durable state: the state file (`homelab.state.json`, kept with lowdb through an atomic
 * adapter) plus an append-only journal (`<state>.journal`).
 *
 * Every mutation is first a journal line (one fdatasync, cost independent of the state's
 * size); the full state file is rewritten only by `checkpoint()`, which the engine calls at
 * the end of a run and at most every `checkpointIntervalMs` (see `checkpointIfDue`). Opening
 * replays the journal, so nothing acknowledged before a crash is lost, and reports intents
 * that were begun but never completed, for reconciliation.
 *
 * Checkpoint order: (1) the first write of a run copies the previous file to `<state>.backup`;
 * (2) the new state file (serial + 1, only when the content changed) is renamed into place;
 * (3) the journal is atomically replaced by a header and the still-open intents. A crash
 * between (2) and (3) replays the old journal over the new file, which is harmless because
 * every journal record is absolute.
 *
 * A corrupt or foreign state file, or a damaged journal, is refused with a diagnostic and
 * never written to. The store does not take the lock: callers hold it (see state-lock.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { DiagnosticsError, error } from '../core/diagnostic.js';
import { parseAddress } from '../core/address.js';
import { didYouMean } from '../core/suggest.js';
import { containsUnknown } from '../core/value.js';
import { AtomicJsonFile } from './atomic-json-file.js';
import { removeStaleTempFiles, restrictMode, writeFileAtomic } from './atomic-write.js';
import type { IntentInput, IntentOutcome, PendingIntent, PendingResolution } from './intent-types.js';
import { JournalFile } from './journal-file.js';
import {
  decodeJournal,
  encodeJournalLine,
  JOURNAL_FORMAT_VERSION,
  journalHeader,
  type DecodedJournal,
  type JournalRecord,
} from './journal-records.js';
import { decodeStateFileBytes, encodeStateFile, sortedResources } from './state-file-format.js';
import { defaultStateValidator, compileStateValidator, type PrecompiledStateValidators, type StateValidator } from './state-schema.js';
import { emptyState, STATE_FORMAT_VERSION, type OutputState, type ResourceState, type State } from './state-types.js';

export type { IntentInput, IntentOperation, IntentOutcome, PendingIntent, PendingResolution } from './intent-types.js';

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 5_000;

export interface StateStoreOptions {
  /** Recorded in the file as the version that last wrote it. */
  hlVersion: string;
  /** Gives the lineage of a new state (see new-lineage.ts). */
  newLineage(): string;
  /** For `hl plan`: replay the journal in memory, write nothing, refuse mutations. */
  readOnly?: boolean;
  /** A state JSON Schema to use instead of `schemas/state.schema.json`. */
  schema?: object;
  /** The build's validators for the state schema (the engine passes them); without them it is compiled at run time. */
  precompiled?: PrecompiledStateValidators;
  /** Minimum time between two checkpoints made by `checkpointIfDue` (default 5 s). */
  checkpointIntervalMs?: number;
  /** Clock for `checkpointIfDue`; default Date.now. */
  now?: () => number;
  /**
   * The caller holds the lock and wants the state file brought up to date with a journal
   * that holds completed records (left by a run that died before its final checkpoint, e.g.
   * killed between its last operation and the rename of the state file). Without this, a run
   * with nothing to do would leave the stale file as it is, forever. A read-only store
   * checkpoints at open, before anything is read from it (a plan then records the serial it
   * wrote); a writable one at `close()` at the latest, so that a saved plan made against the
   * same content (serial and journal unchanged) is not refused as stale when applied.
   */
  settleJournal?: boolean;
}

function journalPathOf(statePath: string): string {
  return `${statePath}.journal`;
}

function backupPathOf(statePath: string): string {
  return `${statePath}.backup`;
}

function readOnlyError(): Error {
  return new Error('bug: this StateStore was opened read-only');
}

/** Hash of what a checkpoint would write, serial and hlVersion aside: equal hash, nothing to write. */
function contentHash(lineage: string, resources: ResourceState[], outputs: Record<string, OutputState>): string {
  return createHash('sha256')
    .update(JSON.stringify([lineage, resources, outputs]))
    .digest('hex');
}

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

async function readJournal(path: string): Promise<Uint8Array | null> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DiagnosticsError([error(`Cannot read state journal ${path}: ${(e as Error).message}`)]);
  }
}

export class StateStore {
  readonly path: string;
  readonly journalPath: string;
  readonly backupPath: string;
  readonly readOnly: boolean;

  readonly #db: Low<State>;
  readonly #validate: StateValidator;
  readonly #hlVersion: string;
  readonly #journal: JournalFile | undefined;
  readonly #checkpointIntervalMs: number;
  readonly #now: () => number;

  /** A journal write that failed after its caller stopped waiting (see completeIntent). */
  #deferredWriteError: unknown;
  #lineage: string;
  #serial: number;
  readonly #resources = new Map<string, ResourceState>();
  #outputs: Record<string, OutputState> = {};
  /** Intents begun with no outcome yet (this run's in-flight ones and earlier runs' pending ones). */
  readonly #openIntents = new Map<string, PendingIntent>();
  /** Ids of the intents found open in the journal when the store was opened. */
  readonly #pendingAtOpen = new Set<string>();
  /**
   * Hash of the content of the state file on disk (of the empty state when there is none);
   * computed at the first checkpoint, from what was loaded (a plan, read-only, never needs it).
   */
  #persistedHash: string | (() => string);
  #stateFileExists: boolean;
  #backupDone = false;
  /** Records applied (replayed or committed) so far, and how many the last checkpoint covered. */
  #mutations = 0;
  #checkpointedMutations = 0;
  /** The journal holds lines a checkpoint should truncate. */
  #journalNeedsRotation: boolean;
  #lastCheckpointAt: number;
  #cachedState: State | undefined;
  #closed = false;
  /** The journal replayed at open held completed records no checkpoint has covered yet. */
  #replayedUncheckpointed: boolean;
  readonly #settleJournal: boolean;

  private constructor(init: {
    path: string;
    opts: StateStoreOptions;
    db: Low<State>;
    validate: StateValidator;
    fileState: State | null;
    lineage: string;
    journal: DecodedJournal | null;
  }) {
    const { path, opts, db, fileState, journal } = init;
    this.path = path;
    this.journalPath = journalPathOf(path);
    this.backupPath = backupPathOf(path);
    this.readOnly = opts.readOnly === true;
    this.#db = db;
    this.#validate = init.validate;
    this.#hlVersion = opts.hlVersion;
    this.#checkpointIntervalMs = opts.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
    this.#now = opts.now ?? Date.now;
    this.#lastCheckpointAt = this.#now();
    this.#lineage = init.lineage;
    this.#serial = fileState?.serial ?? 0;
    this.#stateFileExists = fileState !== null;
    for (const r of fileState?.resources ?? []) this.#resources.set(r.address, r);
    this.#outputs = fileState?.outputs ?? {};
    const loaded = { resources: [...this.#resources.values()], outputs: this.#outputs };
    this.#persistedHash = () => contentHash(this.#lineage, sortedResources(loaded.resources), loaded.outputs);

    for (const record of journal?.records ?? []) this.#apply(record);
    this.#replayedUncheckpointed = (journal?.records ?? []).some((r) => r.t !== 'begin');
    this.#settleJournal = opts.settleJournal === true;
    this.#journalNeedsRotation = (journal?.validBytes ?? 0) > 0;
    for (const id of this.#openIntents.keys()) this.#pendingAtOpen.add(id);
    this.#journal = this.readOnly
      ? undefined
      : new JournalFile(this.journalPath, journal?.validBytes ?? 0, () => journalHeader(this.#lineage, this.#serial));
  }

  /**
   * Opens the state at `path`: loads and validates the state file (a missing file is an empty
   * state, written only on the first change) and replays the journal.
   * Throws DiagnosticsError for a corrupt or foreign state file or a damaged journal.
   */
  static async open(path: string, opts: StateStoreOptions): Promise<StateStore> {
    const validate: StateValidator = opts.schema
      ? compileStateValidator(opts.schema, opts.precompiled)
      : await defaultStateValidator(opts.precompiled);
    const adapter = new AtomicJsonFile<State>(path, {
      parse: (bytes) => {
        const decoded = decodeStateFileBytes(bytes, path, validate);
        if ('diagnostics' in decoded) throw new DiagnosticsError(decoded.diagnostics);
        return decoded.state;
      },
      stringify: encodeStateFile,
    });
    const placeholder = emptyState('00000000-0000-0000-0000-000000000000', opts.hlVersion);
    const db = new Low<State>(adapter, placeholder);
    try {
      await db.read();
    } catch (e) {
      if (e instanceof DiagnosticsError) throw e;
      throw new DiagnosticsError([error(`Cannot read state file ${path}: ${(e as Error).message}`)]);
    }
    const fileState = db.data === placeholder ? null : db.data;

    const journalPath = journalPathOf(path);
    const journalBytes = await readJournal(journalPath);
    let journal: DecodedJournal | null = null;
    if (journalBytes !== null) {
      const decoded = decodeJournal(journalBytes, validate);
      if ('corruption' in decoded) {
        const { line, col, message } = decoded.corruption;
        throw new DiagnosticsError([
          error(
            `State journal ${journalPath} is damaged at line ${line}${col === undefined ? '' : `, column ${col}`}: ${message}`,
            { file: journalPath, line, col: col ?? 1 },
            `The journal records operations made since ${path} was last written. hl will not use or modify it; ` +
              `repair it by hand, or move it aside if you accept losing those records (run \`hl plan\` afterwards to see what is unaccounted for).`,
          ),
        ]);
      }
      journal = decoded;
      checkJournalHeader(decoded, path, journalPath, fileState);
    }
    const lineage = fileState?.lineage ?? journal?.header?.lineage ?? opts.newLineage();
    if (!UUID_RE.test(lineage)) throw new Error(`bug: state lineage ${JSON.stringify(lineage)} is not a UUID`);
    if (opts.readOnly && opts.settleJournal && (journal?.records ?? []).some((r) => r.t !== 'begin')) {
      // Bring the state file up to date, then read it afresh.
      if (await checkpointJournalOf(path, opts)) return StateStore.open(path, { ...opts, settleJournal: false });
    }
    const store = new StateStore({ path, opts, db, validate, fileState, lineage, journal });
    if (!store.readOnly) {
      if (fileState !== null) await restrictMode(path);
      else await assertDirectory(path);
      // Litter from a process killed mid-write; harmless, but each may be megabytes.
      for (const target of [path, store.journalPath, store.backupPath, `${path}.lock`, `${path}.lock.break`, `${path}.plankey`]) {
        await removeStaleTempFiles(target);
      }
    }
    return store;
  }

  // ---- reading ----

  /** The current in-memory state. Builds a sorted array: O(n), cached until the next change. */
  get state(): State {
    this.#cachedState ??= {
      version: STATE_FORMAT_VERSION,
      lineage: this.#lineage,
      serial: this.#serial,
      hlVersion: this.#hlVersion,
      resources: sortedResources(this.#resources.values()),
      outputs: this.#outputs,
    };
    return this.#cachedState;
  }

  get lineage(): string {
    return this.#lineage;
  }

  /** Serial of the last persisted state file (0 when none). */
  get serial(): number {
    return this.#serial;
  }

  /** O(1). The returned object belongs to the store: do not modify it. */
  getResource(address: string): ResourceState | undefined {
    return this.#resources.get(address);
  }

  /** All resources, in no particular order (use `state.resources` for address order). */
  listResources(): ResourceState[] {
    return [...this.#resources.values()];
  }

  get outputs(): Record<string, OutputState> {
    return this.#outputs;
  }

  /** Intents found in the journal at open with no outcome (left by a crash), not yet resolved. */
  pendingIntents(): PendingIntent[] {
    const out: PendingIntent[] = [];
    for (const id of this.#pendingAtOpen) {
      const intent = this.#openIntents.get(id);
      if (intent) out.push(intent);
    }
    return out;
  }

  /** True when a checkpoint would have something to do. */
  get hasUncheckpointedChanges(): boolean {
    return this.#mutations !== this.#checkpointedMutations;
  }

  // ---- the journal API used by the executor ----

  /** Records that an operation is about to be asked of a provider; durable when resolved. */
  async beginIntent(intent: IntentInput): Promise<string> {
    this.#assertWritable();
    const pending: PendingIntent = { ...intent, intentId: randomUUID() };
    await this.#commit({ t: 'begin', intent: pending });
    return pending.intentId;
  }

  /**
   * Records the provider's answer and updates the in-memory state; durable when resolved.
   * With `waitForDisk: false` it resolves once the line is queued: the next durable write
   * (or checkpoint) carries it. Only for intents a crash can reconcile by asking the
   * provider (a create with an identity, an update, a delete): losing the line then costs a
   * provider read on the next run, never an orphan. A write failure surfaces at the next call.
   */
  async completeIntent(intentId: string, outcome: IntentOutcome, opts: { waitForDisk?: boolean } = {}): Promise<void> {
    this.#assertWritable();
    if (!this.#openIntents.has(intentId)) throw new Error(`bug: no open intent ${intentId}`);
    const recorded: IntentOutcome =
      outcome.kind === 'failed' && outcome.taint ? { ...outcome, taint: { ...outcome.taint, status: 'tainted' } } : outcome;
    const written = this.#commit({ t: 'done', intentId, outcome: recorded });
    if (opts.waitForDisk === false) {
      written.catch((e: unknown) => (this.#deferredWriteError ??= e));
      return;
    }
    await written;
  }

  /** Records what reconciliation decided for an intent from `pendingIntents()`. */
  async resolvePending(intentId: string, resolution: PendingResolution): Promise<void> {
    this.#assertWritable();
    if (!this.#openIntents.has(intentId)) throw new Error(`bug: no pending intent ${intentId}`);
    await this.#commit({ t: 'resolve', intentId, resolution });
  }

  // ---- plain mutations (CLI: import, state rm, state mv, outputs) ----

  /** Adds or replaces a resource. */
  async setResource(resource: ResourceState): Promise<void> {
    this.#assertWritable();
    await this.#commit({ t: 'set', resource });
  }

  /** Forgets a resource (without deleting the object). Returns what was removed. */
  async removeResource(address: string): Promise<ResourceState> {
    this.#assertWritable();
    const existing = this.#resources.get(address);
    if (!existing) throw this.#noSuchResource(address);
    await this.#commit({ t: 'rm', address });
    return existing;
  }

  /** Renames a resource's address (same mode and type). */
  async moveResource(from: string, to: string): Promise<ResourceState> {
    this.#assertWritable();
    const existing = this.#resources.get(from);
    if (!existing) throw this.#noSuchResource(from);
    const target = parseAddress(to);
    if (!target) {
      throw new DiagnosticsError([
        error(`Invalid resource address "${to}"`, undefined, 'Expected type.name, type.name[0] or type.name["key"].'),
      ]);
    }
    if (target.mode !== existing.mode || target.type !== existing.type) {
      throw new DiagnosticsError([
        error(
          `Cannot move ${from} to ${to}: a ${existing.mode === 'data' ? 'data source' : 'resource'} keeps its type`,
          undefined,
          `${from} is a ${existing.type}; the destination must be ${existing.mode === 'data' ? 'data.' : ''}${existing.type}.NAME.`,
        ),
      ]);
    }
    if (to === from) return existing;
    if (this.#resources.has(to)) {
      throw new DiagnosticsError([error(`Cannot move ${from} to ${to}: ${to} is already in state`)]);
    }
    await this.#commit({ t: 'mv', from, resource: { ...existing, address: to, name: target.name, index: target.key } });
    return this.#resources.get(to)!;
  }

  /** Replaces all outputs. */
  async setOutputs(outputs: Record<string, OutputState>): Promise<void> {
    this.#assertWritable();
    for (const [name, o] of Object.entries(outputs)) {
      if (containsUnknown(o.value)) throw new Error(`bug: output ${name} contains values unknown until apply`);
      const problems = this.#validate.output(o);
      if (problems.length > 0) throw new Error(`bug: invalid output ${name}: ${problems.join('; ')}`);
    }
    await this.#commit({ t: 'outputs', outputs: structuredClone(outputs) });
  }

  // ---- persistence ----

  /**
   * Writes the full state file when its content changed (serial + 1; the first write of a run
   * first keeps the previous file as `.backup`), then truncates the journal to the intents
   * still open. Appends made meanwhile wait and land in the new journal.
   */
  async checkpoint(): Promise<void> {
    this.#assertWritable();
    const journal = this.#journal!;
    await journal.exclusive(async () => {
      const covered = this.#mutations;
      if (covered === this.#checkpointedMutations && !this.#journalNeedsRotation) return;
      const resources = sortedResources(this.#resources.values());
      const hash = contentHash(this.#lineage, resources, this.#outputs);
      if (typeof this.#persistedHash === 'function') this.#persistedHash = this.#persistedHash();
      if (hash !== this.#persistedHash) {
        if (!this.#backupDone) await this.#writeBackup();
        const next: State = {
          version: STATE_FORMAT_VERSION,
          lineage: this.#lineage,
          serial: this.#serial + 1,
          hlVersion: this.#hlVersion,
          resources,
          outputs: this.#outputs,
        };
        this.#db.data = next;
        await this.#db.write();
        this.#serial = next.serial;
        this.#persistedHash = hash;
        this.#stateFileExists = true;
        this.#cachedState = undefined;
      }
      // Only now, with the state file in place, may the journal forget what it holds.
      // Lines committed while the state file was written are queued and land after these.
      await journal.replace([...this.#openIntents.values()].map((intent) => encodeJournalLine({ t: 'begin', intent })));
      this.#journalNeedsRotation = false;
      this.#checkpointedMutations = covered;
      this.#replayedUncheckpointed = false;
    });
    this.#lastCheckpointAt = this.#now();
  }

  /** Checkpoints when there are changes and the interval has passed since the last one. */
  async checkpointIfDue(): Promise<boolean> {
    this.#assertWritable();
    if (!this.hasUncheckpointedChanges || this.#now() - this.#lastCheckpointAt < this.#checkpointIntervalMs) return false;
    await this.checkpoint();
    return true;
  }

  /**
   * Waits for pending journal writes and releases the file. Does not checkpoint what this run
   * did (it stays in the journal and is replayed by the next open), except, with
   * `settleJournal`, completed records replayed at open that no checkpoint has covered yet.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      if (this.#settleJournal && this.#replayedUncheckpointed && !this.readOnly && this.#deferredWriteError === undefined) {
        await this.checkpoint();
      }
    } finally {
      this.#closed = true;
      await this.#journal?.close();
    }
  }

  // ---- internals ----

  #assertWritable(): void {
    if (this.readOnly) throw readOnlyError();
    if (this.#closed) throw new Error('bug: StateStore used after close()');
  }

  #noSuchResource(address: string): DiagnosticsError {
    const suggestion = didYouMean(address, this.#resources.keys());
    return new DiagnosticsError([
      error(
        `No resource ${address} in state ${this.path}`,
        undefined,
        suggestion ? `Did you mean ${suggestion}?` : 'Run `hl state list` to see the addresses in state.',
      ),
    ]);
  }

  /**
   * Applies a record in memory at once, then makes it durable. A record carrying resources
   * (from callers) is kept as its own line parsed back: a private copy holding exactly what
   * the disk holds, for the price of one JSON.parse. Its resources are checked first (no
   * unknown values) and after (against the schema): a bug must not get into the journal a
   * state the next open would refuse. O(size of the record).
   */
  async #commit(record: JournalRecord): Promise<void> {
    if (this.#deferredWriteError !== undefined) throw this.#deferredWriteError;
    const carried = resourcesIn(record);
    for (const r of carried) {
      if (containsUnknown(r.attributes)) throw new Error(`bug: the state of ${r.address} contains values unknown until apply`);
    }
    const line = encodeJournalLine(record);
    const stored = carried.length > 0 ? (JSON.parse(line) as JournalRecord) : record;
    for (const r of carried.length > 0 ? resourcesIn(stored) : []) {
      const problems = this.#validate.resource(r);
      if (problems.length > 0) throw new Error(`bug: invalid state for ${r.address}: ${problems.join('; ')}`);
    }
    this.#apply(stored);
    await this.#journal!.append(line);
  }

  #apply(record: JournalRecord): void {
    switch (record.t) {
      case 'begin':
        this.#openIntents.set(record.intent.intentId, record.intent);
        break;
      case 'done':
        this.#openIntents.delete(record.intentId);
        this.#pendingAtOpen.delete(record.intentId);
        this.#applyOutcome(record.outcome);
        break;
      case 'resolve':
        this.#openIntents.delete(record.intentId);
        this.#pendingAtOpen.delete(record.intentId);
        if (record.resolution.kind === 'adopted') this.#set(record.resolution.resource);
        break;
      case 'set':
        this.#set(record.resource);
        break;
      case 'rm':
        this.#remove(record.address);
        break;
      case 'mv':
        this.#remove(record.from);
        this.#set(record.resource);
        break;
      case 'outputs':
        this.#outputs = record.outputs;
        this.#touched();
        break;
    }
    this.#mutations++;
  }

  #applyOutcome(outcome: IntentOutcome): void {
    switch (outcome.kind) {
      case 'applied':
        this.#set(outcome.resource);
        break;
      case 'deleted':
        this.#remove(outcome.address);
        break;
      case 'failed':
        if (outcome.taint) this.#set(outcome.taint);
        break;
    }
  }

  #set(resource: ResourceState): void {
    this.#resources.set(resource.address, resource);
    this.#touched();
  }

  #remove(address: string): void {
    if (this.#resources.delete(address)) this.#touched();
  }

  #touched(): void {
    this.#cachedState = undefined;
  }

  async #writeBackup(): Promise<void> {
    if (this.#stateFileExists) {
      let previous: Buffer | undefined;
      try {
        previous = await readFile(this.path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      if (previous !== undefined) await writeFileAtomic(this.backupPath, previous);
    }
    this.#backupDone = true;
  }
}

/**
 * Checkpoints the journal beside `path` through a writable store (the caller holds the lock).
 * False when that fails: nothing is lost, the journal stays and is replayed in memory.
 */
async function checkpointJournalOf(path: string, opts: StateStoreOptions): Promise<boolean> {
  let writer: StateStore;
  try {
    writer = await StateStore.open(path, { ...opts, readOnly: false, settleJournal: false });
  } catch {
    return false;
  }
  try {
    await writer.checkpoint();
    return true;
  } catch {
    return false;
  } finally {
    await writer.close().catch(() => undefined);
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

/** The resources a journal record carries. */
function resourcesIn(record: JournalRecord): ResourceState[] {
  switch (record.t) {
    case 'done':
      if (record.outcome.kind === 'applied') return [record.outcome.resource];
      return record.outcome.kind === 'failed' && record.outcome.taint ? [record.outcome.taint] : [];
    case 'resolve':
      return record.resolution.kind === 'adopted' ? [record.resolution.resource] : [];
    case 'set':
    case 'mv':
      return [record.resource];
    default:
      return [];
  }
}
