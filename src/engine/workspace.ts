/**
 * What an operation works with: the state (locked when needed), the project and the
 * configured providers, opened in that order and always closed, whatever happens; attaching
 * the providers reconciles the journal of an interrupted run when the operation writes.
 */
import { DiagnosticsError, hasErrors, warning, type Diagnostic } from '../core/diagnostic.js';
import { makeRedactor, type Redactor } from '../core/redact.js';
import type { RunLog } from '../provider/call-log.js';
import { reconcileJournal, type Recovery } from '../apply/reconcile-journal.js';
import { emptyConfig } from '../config/parse-config.js';
import { precompiledValidator } from './precompiled-validators.js';
import type { HeldLock, StateBackend } from '../backend/state-backend.js';
import { newLineage } from '../state/new-lineage.js';
import type { StatePersistence } from '../state/state-persistence.js';
import { StateStore, type StateStoreOptions } from '../state/state-store.js';
import { HL_VERSION } from '../version.js';
import type { EngineEvents } from './engine-events.js';
import type { Project } from './project.js';
import type { ProviderRegistry } from './provider-registry.js';
import { openProviderSession, type ProviderSession } from './provider-session.js';
import { lockWorkspace } from './workspace-lock.js';
import { openRunBackend, type BackendOptions } from './run-backend.js';

/** Where the state is and how it is locked, as the command line says, and the providers hl knows. */
export interface WorkspaceOptions extends BackendOptions {
  /** Whether to take the state lock at all (--lock). */
  lock: boolean;
  /** How long to wait for a held lock (--lock-timeout). */
  lockTimeoutMs: number;
  registry: ProviderRegistry;
  /** Where every provider call is logged (HL_LOG), made at the edge; absent, nothing is. */
  log?: RunLog;
}

export interface Workspace {
  store: StateStore;
  lock?: HeldLock;
  backend: StateBackend;
  /** Where the state is, for messages: the state file, or the database and workspace. */
  statePath: string;
  /** `.hl/`: beside the state file (by default beside the config), or the config with pg. */
  workDir: string;
  recoveries: Recovery[];
  diagnostics: Diagnostic[];
  session?: ProviderSession;
  registry: ProviderRegistry;
  log?: RunLog;
  /** Masks secrets in text; `redact.json(v)` serialises a value redacted before serialising. */
  redact: Redactor;
  /** Adds values to mask in everything printed from now on. */
  addSecrets(more: string[]): void;
  close(): Promise<void>;
}

export interface OpenOptions {
  operation: string;
  /** Whether the operation may write state. */
  write: boolean;
  /**
   * Whether to take the state lock (default true; --lock=false turns it off). Read-only
   * operations (show, output, state list/show, docs) pass false: they read the state file and
   * its journal as they are, and work while another run holds the lock.
   */
  lock?: boolean;
  /**
   * A read-only operation that takes the lock may share it with others like it (plans: many
   * at once, no writer meanwhile) where the backend can tell readers apart (PostgreSQL).
   */
  shared?: boolean;
}

export async function openWorkspace(opts: WorkspaceOptions, events: EngineEvents, open: OpenOptions): Promise<Workspace> {
  const { backend, workDir } = await openRunBackend(opts);
  let lock: HeldLock | undefined;
  let store: StateStore;
  try {
    if (opts.lock && open.lock !== false) {
      lock = await lockWorkspace(backend, open.operation, !open.write && open.shared ? 'shared' : 'exclusive', opts.lockTimeoutMs, events);
    }
    store = await openStore(
      backend.persistence(),
      {
        hlVersion: HL_VERSION,
        newLineage,
        readOnly: !open.write,
        settleJournal: open.write || lock !== undefined,
        precompiled: precompiledValidator,
      },
      lock === undefined,
    );
  } catch (e) {
    await lock?.release().catch(() => undefined);
    await backend.close().catch(() => undefined);
    throw e;
  }
  const secrets: string[] = [];
  let redactor = makeRedactor(secrets);
  const redact = ((t: string) => redactor(t)) as Redactor;
  redact.value = (v) => redactor.value(v);
  redact.json = (v, space) => redactor.json(v, space);
  redact.holdsSecret = (s) => redactor.holdsSecret(s);
  const ws: Workspace = {
    store,
    backend,
    statePath: backend.location,
    workDir,
    recoveries: [],
    diagnostics: [],
    redact,
    registry: opts.registry,
    ...(opts.log ? { log: opts.log } : {}),
    addSecrets: (more) => {
      secrets.push(...more);
      redactor = makeRedactor(secrets);
    },
    close: async () => {
      try {
        await ws.session?.close();
        if (open.write) await store.close();
      } finally {
        await lock?.release().catch(() => undefined);
        await backend.close();
      }
    },
  };
  if (lock) ws.lock = lock;
  return ws;
}

/**
 * Opens the state store. Without the lock, a read can fall between a running apply's writes
 * of the state file and of its journal (the two then disagree for an instant): such a read
 * is tried again a few times before its error is believed.
 */
async function openStore(persistence: StatePersistence, opts: StateStoreOptions, unlocked: boolean): Promise<StateStore> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await StateStore.openOn(persistence, opts);
    } catch (e) {
      if (!unlocked || attempt >= 4 || !(e instanceof DiagnosticsError)) throw e;
      await new Promise((r) => setTimeout(r, 25 * attempt));
    }
  }
}

/**
 * Opens the providers the project and state use (telling `events` which run against embedded
 * emulators); recovers interrupted operations when writing.
 */
export async function attachProviders(ws: Workspace, project: Project | undefined, write: boolean, events?: EngineEvents): Promise<void> {
  const { session, diagnostics } = await openProviderSession({
    config: project?.config ?? emptyConfig(),
    state: ws.store.state,
    variables: project?.variables ?? new Map(),
    registry: ws.registry,
    configDir: project?.paths.root ?? process.cwd(),
    workDir: ws.workDir,
    paths: project?.paths ?? { root: process.cwd(), cwd: process.cwd() },
    ...(ws.log ? { log: ws.log } : {}),
    ...(project?.secrets ? { secrets: project.secrets } : {}),
  });
  if (!session || hasErrors(diagnostics)) throw new DiagnosticsError(diagnostics);
  ws.session = session;
  if (session.emulated.length > 0) events?.emulators?.(session.emulated, ws.workDir);
  ws.diagnostics.push(...diagnostics);
  ws.addSecrets([...(project?.secrets ?? []), ...session.secrets]);
  const pending = ws.store.pendingIntents();
  if (pending.length === 0) return;
  if (!write) {
    ws.diagnostics.push(
      warning(
        `${pending.length} operation(s) of an earlier run were interrupted and not yet reconciled`,
        undefined,
        'The next "hl apply" checks each with its provider first and records what it finds.',
      ),
    );
    return;
  }
  const r = await reconcileJournal(ws.store, session.providers);
  ws.recoveries.push(...r.recoveries);
  await ws.store.checkpoint();
  // an intent that could not be checked must be settled before anything is planned over it
  if (hasErrors(r.diagnostics)) throw new DiagnosticsError(r.diagnostics);
  ws.diagnostics.push(...r.diagnostics);
}

/**
 * Runs an operation's body with an open workspace and always closes it. Diagnostics the body
 * throws are reported redacted (with the workspace's secrets) and end it with undefined.
 */
export async function withWorkspace<T>(
  opts: WorkspaceOptions,
  events: EngineEvents,
  open: OpenOptions,
  body: (ws: Workspace) => Promise<T>,
): Promise<T | undefined> {
  const ws = await openWorkspace(opts, events, open);
  try {
    return await body(ws);
  } catch (e) {
    if (e instanceof DiagnosticsError) {
      events.diagnostics(e.diagnostics, { redact: ws.redact });
      return undefined;
    }
    throw e;
  } finally {
    await ws.close();
  }
}
