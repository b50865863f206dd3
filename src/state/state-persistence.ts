/**
 * Where a StateStore keeps what it knows: the last checkpointed state plus the records made
 * since (the journal). The store holds the logic (replay, intents, checkpoints); a
 * persistence holds the bytes: a file and its journal beside it (file-state-persistence.ts),
 * or rows in PostgreSQL (src/backend/pg). Both keep the same promise: an appended record is
 * durable when `append` resolves, and a checkpoint never loses a record.
 */
import type { DecodedJournal, JournalHeader } from './journal-records.js';
import type { StateValidator } from './state-schema.js';
import type { State } from './state-types.js';

export interface LoadedState {
  /** The last checkpointed state; null when none was ever written. */
  state: State | null;
  /** The records made since that state, in order; null when there are none. */
  journal: DecodedJournal | null;
}

/** Who writes a checkpoint and why, for a persistence that keeps history. */
export interface CheckpointMeta {
  hlVersion: string;
}

export interface StatePersistence {
  /** Where the state is, for messages: a path, or the database and workspace. */
  readonly location: string;
  /** Where the journal is, for messages. */
  readonly journalLocation: string;
  /**
   * The least time between two checkpoints during a run, when the persistence wants another
   * than the store's default (each checkpoint of a persistence that keeps history is a version).
   */
  readonly checkpointIntervalMs?: number;
  /**
   * Reads the last state and the records since, refusing (DiagnosticsError) a damaged or
   * foreign state or journal.
   */
  load(validate: StateValidator): Promise<LoadedState>;
  /**
   * Called once before the first write, with what `load` gave and the header a new journal
   * starts with: tidies what a killed process left, checks the place can be written.
   */
  openForWriting(loaded: LoadedState, header: () => JournalHeader): Promise<void>;
  /** Appends one encoded record (newline included); resolves once it is durable. */
  append(line: string): Promise<void>;
  /** Runs `fn` while no append is being written; appends made meanwhile wait and follow. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Inside `exclusive`: stores `next` as the state (when the content changed; undefined
   * otherwise), then replaces the records by `openIntentLines` (the intents still open), so
   * that no crash loses a record. `firstOfRun` is true for a run's first stored state.
   */
  checkpoint(next: State | undefined, openIntentLines: string[], meta: CheckpointMeta & { firstOfRun: boolean }): Promise<void>;
  /**
   * For a read-only open that finds completed records no checkpoint covered: a writable
   * persistence of the same state through which they can be checkpointed, and a function to
   * call when done; undefined when that cannot be done now (nothing is lost: the records are
   * replayed in memory instead).
   */
  settler?(): Promise<{ persistence: StatePersistence; done(): Promise<void> } | undefined>;
  /** Waits for writes in flight and lets go of the storage. */
  close(): Promise<void>;
}
