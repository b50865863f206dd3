/**
 * Issue 14, item 11, at the store: with `settleJournal` (the caller holds the lock) a journal
 * holding completed records left by a run that died before its final checkpoint is written
 * into the state file: by a read-only store at open, by a writable one at close at the
 * latest. Without it nothing is written (a plan without the lock, tests simulating crashes).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../src/state/state-store.js';
import type { State } from '../../src/state/state-types.js';
import { resource, storeOpts, tempDir } from './helpers.js';

let t: Awaited<ReturnType<typeof tempDir>>;
let file: string;
beforeEach(async () => {
  t = await tempDir();
  file = join(t.dir, 'homelab.state.json');
});
afterEach(() => t.dispose());

const onDisk = async (): Promise<State> => JSON.parse(await readFile(file, 'utf8')) as State;
const intent = (address: string, operation: 'create' | 'delete') => ({ address, operation, type: 'proxmox_vm', provider: 'proxmox' });

/** State file: old; journal: old deleted, fresh created, and one intent still open (the crash). */
async function crashBeforeFinalCheckpoint(): Promise<void> {
  const first = await StateStore.open(file, storeOpts);
  await first.setResource(resource('proxmox_vm.old'));
  await first.checkpoint();
  await first.close();
  const crashed = await StateStore.open(file, storeOpts);
  const d = await crashed.beginIntent(intent('proxmox_vm.old', 'delete'));
  await crashed.completeIntent(d, { kind: 'deleted', address: 'proxmox_vm.old' });
  const c = await crashed.beginIntent(intent('proxmox_vm.fresh', 'create'));
  await crashed.completeIntent(c, { kind: 'applied', resource: resource('proxmox_vm.fresh') });
  await crashed.beginIntent(intent('proxmox_vm.open', 'create'));
  await crashed.close(); // no checkpoint: what a kill before the state file's rename leaves
  expect((await onDisk()).resources.map((r) => r.address)).toEqual(['proxmox_vm.old']);
}

describe('settleJournal', () => {
  it('a read-only store holding the lock checkpoints at open, keeping the open intent pending', async () => {
    await crashBeforeFinalCheckpoint();
    const serialBefore = (await onDisk()).serial;
    const ro = await StateStore.open(file, { ...storeOpts, readOnly: true, settleJournal: true });
    expect((await onDisk()).resources.map((r) => r.address)).toEqual(['proxmox_vm.fresh']);
    expect(ro.serial).toBe(serialBefore + 1);
    expect(ro.pendingIntents().map((p) => p.address)).toEqual(['proxmox_vm.open']);
    await ro.close();
    const again = await StateStore.open(file, storeOpts);
    expect(again.pendingIntents().map((p) => p.address)).toEqual(['proxmox_vm.open']);
    await again.close();
  });

  it('a writable store checkpoints at close, not before (a saved plan of the same content stays current)', async () => {
    await crashBeforeFinalCheckpoint();
    const serialBefore = (await onDisk()).serial;
    const store = await StateStore.open(file, { ...storeOpts, settleJournal: true });
    expect(store.serial).toBe(serialBefore);
    await store.close();
    const state = await onDisk();
    expect(state.resources.map((r) => r.address)).toEqual(['proxmox_vm.fresh']);
    expect(state.serial).toBe(serialBefore + 1);
  });

  it('without it, nothing is written', async () => {
    await crashBeforeFinalCheckpoint();
    await (await StateStore.open(file, { ...storeOpts, readOnly: true })).close();
    await (await StateStore.open(file, storeOpts)).close();
    expect((await onDisk()).resources.map((r) => r.address)).toEqual(['proxmox_vm.old']);
  });
});
