/**
 * The durable state: the last checkpointed state plus the records made since (the journal),
 * kept by a StatePersistence: files beside the config (file-state-persistence.ts, the
 * default) or rows in PostgreSQL (src/backend/pg).
 *
 * Every mutation is first a journal record (durable before it is acknowledged, cost
 * independent of the state's size); the full state is rewritten only by `checkpoint()`, which
 * the engine calls at the end of a run and at most every `checkpointIntervalMs` (see
 * `checkpointIfDue`). Opening replays the journal, so nothing acknowledged before a crash is
 * lost, and reports intents that were begun but never completed, for reconciliation.
 *
 * A corrupt or foreign state, or a damaged journal, is refused with a diagnostic and never
 * written to. The store does not take the lock: callers hold it (see state-lock.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { DiagnosticsError, error } from '../core/diagnostic.js';
import { parseAddress } from '../core/address.js';
import { didYouMean } from '../core/suggest.js';
import { containsUnknown } from '../core/value.js';
import { FileStatePersistence } from './file-state-persistence.js';
import type { IntentInput, IntentOutcome, PendingIntent, PendingResolution } from './intent-types.js';
import { encodeJournalLine, journalHeader, type DecodedJournal, type JournalRecord } from './journal-records.js';
import { sortedResources } from './state-file-format.js';
import type { StatePersistence } from './state-persistence.js';
import { defaultStateValidator, compileStateValidator, type PrecompiledStateValidators, type StateValidator } from './state-schema.js';
import { STATE_FORMAT_VERSION, type OutputState, type ResourceState, type State } from './state-types.js';

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

export class StateStore {
  /** Where the state is: a file path, or the database and workspace. */
  readonly path: string;
  readonly journalPath: string;
  readonly readOnly: boolean;

  readonly #persistence: StatePersistence;
  readonly #validate: StateValidator;
  readonly #hlVersion: string;
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
   * computed when a checkpoint first needs it, from what was loaded or last written (a plan,
   * read-only, never needs it; nor does a checkpoint whose counts differ: see #surelyChanged).
   */
  #persistedHash: string | (() => string);
  /** How many resources and outputs the state file on disk holds. */
  #persistedCounts: { resources: number; outputs: number };
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
    persistence: StatePersistence;
    opts: StateStoreOptions;
    validate: StateValidator;
    fileState: State | null;
    lineage: string;
    journal: DecodedJournal | null;
  }) {
    const { persistence, opts, fileState, journal } = init;
    this.#persistence = persistence;
    this.path = persistence.location;
    this.journalPath = persistence.journalLocation;
    this.readOnly = opts.readOnly === true;
    this.#validate = init.validate;
    this.#hlVersion = opts.hlVersion;
    this.#checkpointIntervalMs = opts.checkpointIntervalMs ?? persistence.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
    this.#now = opts.now ?? Date.now;
    this.#lastCheckpointAt = this.#now();
    this.#lineage = init.lineage;
    this.#serial = fileState?.serial ?? 0;
    for (const r of fileState?.resources ?? []) this.#resources.set(r.address, r);
    this.#outputs = fileState?.outputs ?? {};
    const loaded = { resources: [...this.#resources.values()], outputs: this.#outputs };
    this.#persistedHash = () => contentHash(this.#lineage, sortedResources(loaded.resources), loaded.outputs);
    this.#persistedCounts = { resources: loaded.resources.length, outputs: Object.keys(loaded.outputs).length };

    for (const record of journal?.records ?? []) this.#apply(record);
    this.#replayedUncheckpointed = (journal?.records ?? []).some((r) => r.t !== 'begin');
    this.#settleJournal = opts.settleJournal === true;
    this.#journalNeedsRotation = (journal?.validBytes ?? 0) > 0;
    for (const id of this.#openIntents.keys()) this.#pendingAtOpen.add(id);
  }

  /**
   * Opens the state at `path`: loads and validates the state file (a missing file is an empty
   * state, written only on the first change) and replays the journal.
   * Throws DiagnosticsError for a corrupt or foreign state file or a damaged journal.
   */
  static open(path: string, opts: StateStoreOptions): Promise<StateStore> {
    return StateStore.openOn(new FileStatePersistence(path), opts);
  }

  /**
   * Opens the state a persistence keeps: loads and validates it (none is an empty state,
   * written only on the first change) and replays the journal.
   * Throws DiagnosticsError for a corrupt or foreign state or a damaged journal.
   */
  static async openOn(persistence: StatePersistence, opts: StateStoreOptions): Promise<StateStore> {
    const validate: StateValidator = opts.schema
      ? compileStateValidator(opts.schema, opts.precompiled)
      : await defaultStateValidator(opts.precompiled);
    const loaded = await persistence.load(validate);
    const { state: fileState, journal } = loaded;
    const lineage = fileState?.lineage ?? journal?.header?.lineage ?? opts.newLineage();
    if (!UUID_RE.test(lineage)) throw new Error(`bug: state lineage ${JSON.stringify(lineage)} is not a UUID`);
    if (opts.readOnly && opts.settleJournal && (journal?.records ?? []).some((r) => r.t !== 'begin')) {
      // Bring the stored state up to date, then read it afresh.
      if (await settleJournalOf(persistence, opts)) return StateStore.openOn(persistence, { ...opts, settleJournal: false });
    }
    const store = new StateStore({ persistence, opts, validate, fileState, lineage, journal });
    if (!store.readOnly) await persistence.openForWriting(loaded, () => journalHeader(store.#lineage, store.#serial));
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
        error(
          `Invalid resource address "${to}"`,
          undefined,
          'Expected type.name, type.name[0], type.name["key"] or module.NAME["key"].type.name.',
        ),
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
    const { module: _from, ...rest } = existing;
    const moved: ResourceState = { ...rest, address: to, name: target.name, index: target.key };
    if (target.module) moved.module = target.module;
    await this.#commit({ t: 'mv', from, resource: moved });
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
    const persistence = this.#persistence;
    await persistence.exclusive(async () => {
      const covered = this.#mutations;
      if (covered === this.#checkpointedMutations && !this.#journalNeedsRotation) return;
      const resources = sortedResources(this.#resources.values());
      const outputs = this.#outputs;
      const lineage = this.#lineage;
      // Hashing the whole state twice costs more than writing it: not when the counts already differ.
      let hash: string | undefined;
      let changed = this.#surelyChanged(resources.length, outputs);
      if (!changed) {
        hash = contentHash(lineage, resources, outputs);
        if (typeof this.#persistedHash === 'function') this.#persistedHash = this.#persistedHash();
        changed = hash !== this.#persistedHash;
      }
      let next: State | undefined;
      if (changed) {
        next = {
          version: STATE_FORMAT_VERSION,
          lineage: this.#lineage,
          serial: this.#serial + 1,
          hlVersion: this.#hlVersion,
          resources,
          outputs,
        };
      }
      // Lines committed while the state was written are queued and land after these.
      const open = [...this.#openIntents.values()].map((intent) => encodeJournalLine({ t: 'begin', intent }));
      await persistence.checkpoint(next, open, { hlVersion: this.#hlVersion, firstOfRun: !this.#backupDone });
      if (next !== undefined) {
        this.#backupDone = true;
        this.#serial = next.serial;
        // what was written: the sorted array is this checkpoint's own, and stored objects are never changed in place
        this.#persistedHash = hash ?? (() => contentHash(lineage, resources, outputs));
        this.#persistedCounts = { resources: resources.length, outputs: Object.keys(outputs).length };
        this.#cachedState = undefined;
      }
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
      if (!this.readOnly) await this.#persistence.close();
    }
  }

  // ---- internals ----

  /** True when the content cannot be the persisted one: it holds another number of resources or outputs. */
  #surelyChanged(resourceCount: number, outputs: Record<string, OutputState>): boolean {
    return resourceCount !== this.#persistedCounts.resources || Object.keys(outputs).length !== this.#persistedCounts.outputs;
  }

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
    await this.#persistence.append(line);
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
}

/**
 * Checkpoints the journal through a writable persistence of the same state (the caller holds
 * the lock). False when that cannot be done or fails: nothing is lost, the journal stays and
 * is replayed in memory.
 */
async function settleJournalOf(persistence: StatePersistence, opts: StateStoreOptions): Promise<boolean> {
  const settler = await persistence.settler?.().catch(() => undefined);
  if (!settler) return false;
  try {
    const writer = await StateStore.openOn(settler.persistence, { ...opts, readOnly: false, settleJournal: false });
    try {
      await writer.checkpoint();
      return true;
    } finally {
      await writer.close().catch(() => undefined);
    }
  } catch {
    return false;
  } finally {
    await settler.done().catch(() => undefined);
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
