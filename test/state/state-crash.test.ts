/**
 * Kill -9 a real process using the StateStore at many points (some land in the middle of a
 * checkpoint: the seeded state is ~2 MB and checkpoints are due every 15 ms) and check that
 * what it acknowledged survived, every operation it began is either in state or pending for
 * reconciliation (never both, never neither), and the state file stays valid.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateStore } from '../../src/state/state-store.js';
import type { State } from '../../src/state/state-types.js';
import { spawnFixture } from './fixtures/child-process.js';
import { compileForChild, type CompiledTree } from './fixtures/compile-for-child.js';
import { LINEAGE, resource, storeOpts, tempDir } from './helpers.js';

let compiled: CompiledTree;
let t: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  compiled = await compileForChild(['src/state/state-store.ts']);
  t = await tempDir();
});
afterAll(async () => {
  await compiled?.dispose();
  await t?.dispose();
});

function seed(count: number): State {
  const resources = Array.from({ length: count }, (_, i) => resource(`proxmox_vm.seed[${i}]`, { note: 'z'.repeat(500) }));
  return { version: 1, lineage: LINEAGE, serial: 1, hlVersion: 'x', resources, outputs: {} };
}

describe('crash safety with SIGKILL', () => {
  // [acknowledged creates before the kill, extra delay in ms]: the delays move the kill into
  // the different phases of a checkpoint (hashing, state file write, backup, journal swap).
  it.each([
    [1, 0],
    [5, 2],
    [13, 5],
    [29, 9],
    [47, 14],
    [71, 20],
    [86, 24],
    [98, 26],
    [104, 29],
    [110, 32],
    [125, 36],
    [150, 42],
    [190, 50],
  ])('after %i acknowledged creates + %i ms', async (killAfter, delayMs) => {
    const dir = join(t.dir, `kill-${killAfter}`);
    await mkdir(dir);
    const statePath = join(dir, 'homelab.state.json');
    await writeFile(statePath, JSON.stringify(seed(4000)), { mode: 0o600 });

    const child = spawnFixture('store-crasher.mjs', [compiled.module('src/state/state-store.ts'), statePath, '400']);
    await child.waitFor((m) => (m.event === 'done' && (m.n as number) >= killAfter - 1) || m.event === 'finished', 30_000);
    await new Promise((r) => setTimeout(r, delayMs));
    child.proc.kill('SIGKILL');
    const exit = await child.exited;
    expect(exit.signal ?? child.stderr()).toBe('SIGKILL');

    const acknowledged = new Set(child.messages.filter((m) => m.event === 'done').map((m) => m.n as number));
    const begun = new Set(child.messages.filter((m) => m.event === 'begun').map((m) => m.n as number));
    expect(acknowledged.size).toBeGreaterThanOrEqual(Math.min(killAfter, 4));

    const store = await StateStore.open(statePath, storeOpts); // validates the state file
    const pending = new Map(store.pendingIntents().map((p) => [p.address, p]));
    for (const n of acknowledged) {
      expect(store.getResource(`proxmox_vm.crash[${n}]`)?.id).toBe(`pve/${1000 + n}`);
    }
    for (const n of begun) {
      const address = `proxmox_vm.crash[${n}]`;
      const inState = store.getResource(address) !== undefined;
      const isPending = pending.has(address);
      expect(inState !== isPending, `${address}: in state ${inState}, pending ${isPending}`).toBe(true);
    }
    for (const r of store.listResources()) {
      if (r.name === 'crash') expect(begun.has(r.index as number) || acknowledged.has(r.index as number)).toBe(true);
    }
    for (const p of pending.values()) expect(p.identity).toEqual({ vmid: 1000 + Number(/\[(\d+)\]/.exec(p.address)![1]) });
    expect(store.listResources().filter((r) => r.name === 'seed')).toHaveLength(4000);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]); // litter removed at open

    // Reconcile as the engine would, checkpoint, and reopen: nothing pending, all there.
    for (const p of store.pendingIntents()) await store.resolvePending(p.intentId, { kind: 'dropped' });
    await store.checkpoint();
    const crashCount = store.listResources().filter((r) => r.name === 'crash').length;
    await store.close();
    const again = await StateStore.open(statePath, storeOpts);
    expect(again.pendingIntents()).toEqual([]);
    expect(again.listResources().filter((r) => r.name === 'crash')).toHaveLength(crashCount);
    await again.close();
  });
});
