/**
 * Where a state lives and how it is locked: the contract every backend keeps. The file
 * backend (the default) keeps `homelab.state.json` beside the config; the PostgreSQL backend
 * (pg/) keeps versions and journal rows in a database a team shares. A backend is opened for
 * one workspace; `workspaces` lists and manages the others.
 */
import type { LockInfo } from '../state/state-lock.js';
import type { StatePersistence } from '../state/state-persistence.js';

export type BackendKind = 'file' | 'pg';

/** Exclusive for runs that may write; shared for plans (many at once, no writer meanwhile). */
export type LockMode = 'exclusive' | 'shared';

export interface LockRequest {
  /** What the holder is doing: `apply`, `plan`, `state mv`, ... */
  operation: string;
  /** hl's version, recorded with the holder. */
  version: string;
  mode: LockMode;
  /** How long to wait for a held lock; 0 fails at once. */
  timeoutMs: number;
  /** Called when a wait starts and whenever the holders change while waiting. */
  onWait?(holders: string | undefined): void;
  /** Called after a stale lock (its holder is gone) was taken over. */
  onStaleTakeover?(holder: string): void;
}

export interface HeldLock {
  readonly info: LockInfo;
  readonly mode: LockMode;
  /** Lets go of the lock. Idempotent. */
  release(): Promise<void>;
}

/** One stored version of a workspace's state (the file backend keeps the current one and its backup). */
export interface StateVersion {
  serial: number;
  lineage: string;
  /** ISO time it was written. */
  createdAt: string;
  /** `user@host` of the run that wrote it, when known. */
  createdBy?: string;
  hlVersion: string;
  resources: number;
  /** sha256 of the stored text. */
  sha256: string;
}

export interface WorkspaceInfo {
  name: string;
  /** Serial of its latest state; 0 when it has none. */
  serial: number;
  resources: number;
}

export interface StateBackend {
  readonly kind: BackendKind;
  /** The workspace this backend was opened for. */
  readonly workspace: string;
  /** Where this workspace's state is, for messages (never holds a secret). */
  readonly location: string;
  /** Takes the workspace's lock; DiagnosticsError naming the holder when it cannot. */
  lock(request: LockRequest): Promise<HeldLock>;
  /** The storage of this workspace's state, for StateStore.openOn. */
  persistence(): StatePersistence;
  /** The key that signs saved plans of this workspace; created when `create` and missing. */
  planKey(create: boolean): Promise<Buffer | undefined>;
  /** Where the plan key is kept, for messages. */
  readonly planKeyLocation: string;
  /** The stored versions of this workspace's state, oldest first. */
  history(): Promise<StateVersion[]>;
  /** The stored text of one version (the state file format), or undefined when there is none. */
  readVersion(serial: number): Promise<string | undefined>;
  /** Removes the lock held under `id`; returns its holder, described in words. */
  forceUnlock(id: string): Promise<string>;
  /** All workspaces of this backend, `default` first. */
  listWorkspaces(): Promise<WorkspaceInfo[]>;
  /** Creates an empty workspace; DiagnosticsError when it exists or the name is not valid. */
  createWorkspace(name: string): Promise<void>;
  /** Deletes a workspace and its state (the caller has checked it may). */
  deleteWorkspace(name: string): Promise<void>;
  /** Whether a workspace exists (`default` always does). */
  hasWorkspace(name: string): Promise<boolean>;
  /** Closes connections; releases nothing the caller still holds except by closing. */
  close(): Promise<void>;
}
