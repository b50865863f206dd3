/**
 * `hl state push FILE [--force]`: replaces the selected workspace's state by a state file,
 * under the exclusive lock. Refused, unless forced: a state of another lineage, an older
 * serial, and the same serial with other content. Always refused while the workspace has
 * pending operations (an interrupted apply's, which the next apply reconciles). The new
 * state is written through the backend's persistence as one checkpoint (its serial raised
 * above the current one when needed), and the journal is emptied.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DiagnosticsError, error } from '../core/diagnostic.js';
import { journalHeader } from '../state/journal-records.js';
import { decodeStateFileBytes, sortedResources } from '../state/state-file-format.js';
import type { State } from '../state/state-types.js';
import { HL_VERSION } from '../version.js';
import type { EngineEvents } from './engine-events.js';
import { lockExclusively, type LockingBackendOptions } from './workspace-lock.js';
import { openRunBackend } from './run-backend.js';
import { engineStateValidator, readStateOf } from './state-validator.js';

export interface PushedState {
  /** False when the workspace already held exactly this state: nothing was written. */
  written: boolean;
  serial: number;
  /** The file's serial, when it was raised to follow the workspace's. */
  raisedFrom?: number;
  resources: number;
  location: string;
}

export async function pushState(opts: LockingBackendOptions, events: EngineEvents, file: string, force: boolean): Promise<PushedState> {
  const validate = await engineStateValidator();
  const path = resolve(opts.cwd, file);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new DiagnosticsError([error(`Cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)]);
  }
  const decoded = decodeStateFileBytes(bytes, path, validate);
  if ('diagnostics' in decoded) throw new DiagnosticsError(decoded.diagnostics);
  const pushed = decoded.state;

  const { backend } = await openRunBackend(opts);
  try {
    const lock = await lockExclusively(backend, 'state push', opts.lockTimeoutMs, events);
    try {
      const current = await readStateOf(backend);
      const pending = current.pendingIntents().length;
      if (pending > 0) {
        throw new DiagnosticsError([
          error(
            `${backend.location} has ${pending} pending operation(s) of an interrupted run`,
            undefined,
            'Run "hl apply" first: it checks each with its provider and records what it finds. Then push again.',
          ),
        ]);
      }
      const persistence = backend.persistence();
      const loaded = await persistence.load(validate);
      const stored = loaded.state;
      const storedSerial = stored?.serial ?? 0;
      const exists = stored !== null || loaded.journal !== null;
      if (exists && sameContent(pushed, current.state)) {
        return { written: false, serial: current.serial, resources: pushed.resources.length, location: backend.location };
      }
      if (exists && !force) refuseUnlessSafe(pushed, current.lineage, storedSerial, backend.location);
      const serial = pushed.serial > storedSerial ? pushed.serial : storedSerial + 1;
      const next: State = { ...pushed, serial, hlVersion: HL_VERSION };
      await persistence.openForWriting(loaded, () => journalHeader(next.lineage, next.serial));
      try {
        await persistence.exclusive(() => persistence.checkpoint(next, [], { hlVersion: HL_VERSION, firstOfRun: true }));
      } finally {
        await persistence.close();
      }
      return {
        written: true,
        serial,
        ...(serial !== pushed.serial ? { raisedFrom: pushed.serial } : {}),
        resources: next.resources.length,
        location: backend.location,
      };
    } finally {
      await lock.release();
    }
  } finally {
    await backend.close();
  }
}

function refuseUnless(ok: boolean, summary: string, detail: string): void {
  if (!ok) throw new DiagnosticsError([error(summary, undefined, `${detail} Run with --force to push it anyway.`)]);
}

function refuseUnlessSafe(pushed: State, lineage: string, serial: number, location: string): void {
  refuseUnless(
    pushed.lineage === lineage,
    `The state to push has lineage ${pushed.lineage}, but ${location} holds lineage ${lineage}`,
    'They are different states: pushing would replace this one with another.',
  );
  refuseUnless(
    pushed.serial >= serial,
    `The state to push has serial ${pushed.serial}, older than the serial ${serial} of ${location}`,
    'It would undo what was recorded since (pull the current state with "hl state pull" and edit that instead).',
  );
  refuseUnless(
    pushed.serial !== serial,
    `The state to push has serial ${serial}, like ${location}, but different content`,
    'Both were changed from one version: raise the serial of the one to keep, or pull again.',
  );
}

function sameContent(a: State, b: State): boolean {
  return (
    a.lineage === b.lineage &&
    JSON.stringify([sortedResources(a.resources), a.outputs]) === JSON.stringify([sortedResources(b.resources), b.outputs])
  );
}
