/**
 * The invariant every torture part ends on: the state (file and journal, or the database's
 * version and journal rows, read as hl reads them) is valid and has nothing left pending, and it matches the provider's world — every
 * object hl made is in state exactly once, state holds nothing that does not exist, and the
 * expected number of objects exists. Between runs (`betweenRuns`), a create whose outcome hl
 * could not learn may stay pending in the journal: the object its identity names counts as
 * known, since the next run settles it before anything else.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticsError } from '../../src/core/diagnostic.js';
import { newLineage } from '../../src/state/new-lineage.js';
import { decodeStateFile } from '../../src/state/state-file-format.js';
import { defaultStateValidator } from '../../src/state/state-schema.js';
import { StateStore } from '../../src/state/state-store.js';
import type { TortureTarget } from './targets.js';
import { precompiledValidator } from '../../src/engine/precompiled-validators.js';

export const STATE_FILE = 'homelab.state.json';

export interface Consistency {
  problems: string[];
  /** Objects in the provider's world that state does not know. */
  orphans: number;
  /** The state could not be read, or is invalid. */
  corrupt: boolean;
}

/** Compares state in `dir` with `target`'s world; `expected` objects should exist (undefined: do not count). */
export async function checkConsistency(
  dir: string,
  target: TortureTarget,
  expected: number | undefined,
  opts: { betweenRuns?: boolean } = {},
): Promise<Consistency> {
  const problems: string[] = [];
  const statePath = join(dir, STATE_FILE);
  let ids: string[] = [];
  const pendingIds = new Set<string>();
  let corrupt = false;
  try {
    const storeOpts = { hlVersion: 'torture', newLineage, readOnly: true, precompiled: precompiledValidator };
    let store: StateStore;
    if (target.readState) {
      // the backend's store decodes and validates the latest version and the journal rows
      const opened = await target.readState(storeOpts);
      store = opened.store;
      await opened.close();
    } else {
      if (existsSync(statePath)) {
        const decoded = decodeStateFile(readFileSync(statePath, 'utf8'), statePath, await defaultStateValidator(precompiledValidator));
        if ('diagnostics' in decoded) throw new DiagnosticsError(decoded.diagnostics);
      }
      store = await StateStore.open(statePath, storeOpts);
    }
    ids = store.listResources().map((r) => r.id);
    const pending = store.pendingIntents();
    const settledLater = opts.betweenRuns
      ? pending.filter((p) => p.operation === 'create' && p.identity && target.idOfIdentity(p.identity))
      : [];
    for (const p of settledLater) pendingIds.add(target.idOfIdentity(p.identity!)!);
    if (pending.length > settledLater.length)
      problems.push(`intents still pending in the journal: ${pending.map((p) => `${p.operation} ${p.address}`).join(', ')}`);
  } catch (e) {
    corrupt = true;
    const detail = e instanceof DiagnosticsError ? e.diagnostics.map((d) => d.summary).join('; ') : (e as Error).message;
    problems.push(`state unreadable: ${detail}`);
  }
  const world = target.objects(dir);
  const inState = new Set(ids);
  if (inState.size !== ids.length) problems.push(`duplicate ids in state: ${duplicates(ids).join(', ')}`);
  const inWorld = new Set(world);
  const orphans = world.filter((id) => !inState.has(id) && !pendingIds.has(id));
  if (orphans.length > 0) problems.push(`objects not in state (orphans): ${orphans.join(', ')}`);
  const ghosts = ids.filter((id) => !inWorld.has(id));
  if (ghosts.length > 0) problems.push(`state holds objects that do not exist: ${ghosts.join(', ')}`);
  if (expected !== undefined && world.length !== expected) problems.push(`expected ${expected} objects, found ${world.length}`);
  return { problems, orphans: orphans.length, corrupt };
}

function duplicates(ids: string[]): string[] {
  const seen = new Set<string>();
  return ids.filter((id) => {
    if (seen.has(id)) return true;
    seen.add(id);
    return false;
  });
}
