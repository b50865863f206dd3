/**
 * `hl state migrate --to file|pg [--force]`: copies the selected workspace's state from the
 * backend the run uses to the other one, losing nothing: the last stored state and the
 * journal (completed records no checkpoint covered yet, and pending intents), lineage and
 * serial kept. Both are locked exclusively; the destination must be empty unless forced;
 * what was written is read back and compared before success is reported. The source is
 * left as it was.
 */
import { DiagnosticsError, error } from '../core/diagnostic.js';
import type { BackendKind, HeldLock, StateBackend } from '../backend/state-backend.js';
import { openBackend } from '../backend/open-backend.js';
import { selectedWorkspace } from '../backend/selected-workspace.js';
import { encodeJournalLine, journalHeader } from '../state/journal-records.js';
import { sortedResources } from '../state/state-file-format.js';
import type { LoadedState } from '../state/state-persistence.js';
import type { StateStore } from '../state/state-store.js';
import type { State } from '../state/state-types.js';
import { HL_VERSION } from '../version.js';
import type { EngineEvents } from './engine-events.js';
import { lockExclusively, type LockingBackendOptions } from './workspace-lock.js';
import { backendSettingsOf } from './run-backend.js';
import { engineStateValidator, readStateOf } from './state-validator.js';

export interface MigratedState {
  workspace: string;
  from: { kind: BackendKind; location: string };
  to: { kind: BackendKind; location: string };
  lineage: string;
  serial: number;
  /** The destination's serial, when it had to be raised above a state --force replaced. */
  raisedFrom?: number;
  resources: number;
  outputs: number;
  /** Journal records copied, and how many of them are pending intents. */
  journalRecords: number;
  pendingIntents: number;
}

export async function migrateState(opts: LockingBackendOptions, events: EngineEvents, to: string, force: boolean): Promise<MigratedState> {
  if (to !== 'file' && to !== 'pg') {
    throw new DiagnosticsError([error(`Unknown backend "${to}" for --to`, undefined, 'The backends are file and pg.')]);
  }
  // --state names the file backend's state file: the destination's when migrating to file
  const src = await backendSettingsOf(to === 'file' ? withoutState(opts) : opts);
  const dst = await backendSettingsOf(to === 'pg' ? { ...withoutState(opts), backend: 'pg' } : { ...opts, backend: 'file' });
  if (src.settings.type === to) {
    throw new DiagnosticsError([
      error(
        `The state is already in the ${to} backend`,
        undefined,
        `hl state migrate copies from the backend a run uses (here ${to}) to the other; name the source with --backend, e.g. "hl state migrate --backend ${to === 'pg' ? 'file' : 'pg'} --to ${to}".`,
      ),
    ]);
  }
  const workspace = await selectedWorkspace(src.workDir, opts.env);
  const validate = await engineStateValidator();
  const opened: StateBackend[] = [];
  const locks: HeldLock[] = [];
  try {
    const source = await openBackend(src.settings, workspace, opts.env);
    opened.push(source);
    const dest = await openBackend(dst.settings, workspace, opts.env);
    opened.push(dest);
    locks.push(await lockExclusively(source, 'state migrate', opts.lockTimeoutMs, events));
    if (!(await dest.hasWorkspace(workspace))) await dest.createWorkspace(workspace);
    locks.push(await lockExclusively(dest, 'state migrate', opts.lockTimeoutMs, events));

    const loaded = await source.persistence().load(validate);
    if (loaded.state === null && loaded.journal === null) {
      throw new DiagnosticsError([error(`There is no state to migrate in ${source.location}`, undefined, 'Nothing was written.')]);
    }
    const destPersistence = dest.persistence();
    const destLoaded = await destPersistence.load(validate);
    const destHolds = destLoaded.state !== null || destLoaded.journal !== null;
    if (destHolds && !force) {
      throw new DiagnosticsError([
        error(
          `${dest.location} already holds a state${destLoaded.state ? ` (serial ${destLoaded.state.serial})` : ' journal'}`,
          undefined,
          'Migrating would replace it. Run with --force to replace it (its older versions stay in its history where the backend keeps one).',
        ),
      ]);
    }
    if (destLoaded.state !== null && loaded.state === null) {
      throw new DiagnosticsError([
        error(
          `${source.location} holds only a journal, and ${dest.location} a state it would be replayed over`,
          undefined,
          'Run "hl apply" on the source first (it settles the journal into a state), then migrate again.',
        ),
      ]);
    }
    const plan = copyPlan(loaded, destLoaded);
    const lines = (loaded.journal?.records ?? []).map((r) => encodeJournalLine(r));
    await destPersistence.openForWriting(destLoaded, () => journalHeader(plan.lineage, plan.serial));
    try {
      await destPersistence.exclusive(() => destPersistence.checkpoint(plan.state, lines, { hlVersion: HL_VERSION, firstOfRun: true }));
    } finally {
      await destPersistence.close();
    }
    const result = await verify(source, dest, plan.serial);
    return {
      workspace,
      from: { kind: source.kind, location: source.location },
      to: { kind: dest.kind, location: dest.location },
      ...result,
      ...(plan.raisedFrom !== undefined ? { raisedFrom: plan.raisedFrom } : {}),
      journalRecords: lines.length,
    };
  } finally {
    for (const l of locks.reverse()) await l.release().catch(() => undefined);
    for (const b of opened.reverse()) await b.close().catch(() => undefined);
  }
}

function withoutState<T extends { state?: string }>(o: T): T {
  const { state: _ignored, ...rest } = o;
  return rest as T;
}

/** What to write: the source's state, its serial raised above a replaced destination state's. */
function copyPlan(src: LoadedState, dst: LoadedState): { state: State | undefined; lineage: string; serial: number; raisedFrom?: number } {
  const lineage = src.state?.lineage ?? src.journal?.header?.lineage;
  if (lineage === undefined) throw new Error('bug: a journal without a header');
  if (src.state === null) return { state: undefined, lineage, serial: 0 };
  const floor = dst.state?.serial ?? 0;
  if (src.state.serial > floor) return { state: src.state, lineage, serial: src.state.serial };
  return { state: { ...src.state, serial: floor + 1 }, lineage, serial: floor + 1, raisedFrom: src.state.serial };
}

/** Reads both back as a run would see them; fails loudly when they differ. */
async function verify(
  source: StateBackend,
  dest: StateBackend,
  serial: number,
): Promise<{ lineage: string; serial: number; resources: number; outputs: number; pendingIntents: number }> {
  const a = await readStateOf(source);
  const b = await readStateOf(dest);
  const view = (s: StateStore) =>
    JSON.stringify({
      lineage: s.lineage,
      resources: sortedResources(s.listResources()),
      outputs: s.outputs,
      pending: s.pendingIntents().map((i) => i.intentId),
    });
  const differs: string[] = [];
  if (view(a) !== view(b)) differs.push('its resources, outputs, lineage or pending operations');
  if (b.serial !== serial) differs.push(`its serial (${b.serial}, expected ${serial})`);
  if (differs.length > 0) {
    throw new DiagnosticsError([
      error(
        `The state copied to ${dest.location} does not read back as ${source.location}: ${differs.join(' and ')} differ`,
        undefined,
        `The source was left as it was; do not use the copy. This is a bug in hl: please report it.`,
      ),
    ]);
  }
  return {
    lineage: b.lineage,
    serial: b.serial,
    resources: b.listResources().length,
    outputs: Object.keys(b.outputs).length,
    pendingIntents: b.pendingIntents().length,
  };
}
