/**
 * A checkpoint writes the state file only when its content changed (serial + 1), and tells so
 * without hashing the whole state when the number of resources or outputs changed (issue #24:
 * at 20k resources the two hashes cost more than the write). Each case follows one store
 * through checkpoints whose content did or did not change against the file last written.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../src/state/state-store.js';
import type { State } from '../../src/state/state-types.js';
import { LINEAGE, resource, storeOpts, tempDir } from './helpers.js';

let t: Awaited<ReturnType<typeof tempDir>>;
let file: string;
beforeEach(async () => {
  t = await tempDir();
  file = join(t.dir, 'homelab.state.json');
  const state: State = {
    version: 1,
    lineage: LINEAGE,
    serial: 7,
    hlVersion: '0.0.9',
    resources: [resource('proxmox_vm.a', { cores: 1 })],
    outputs: { ip: { value: '10.0.0.5', sensitive: false } },
  };
  await writeFile(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
});
afterEach(async () => {
  await t.dispose();
});

const fileSerial = async (): Promise<number> => (JSON.parse(await readFile(file, 'utf8')) as State).serial;
const fileIdentity = async (): Promise<number[]> => {
  const s = await stat(file);
  return [s.ino, s.mtimeMs];
};

describe('checkpoint: content changed or not, after a write made without hashing', () => {
  it('compares later checkpoints with what the count-changing one wrote', async () => {
    const store = await StateStore.open(file, storeOpts);
    await store.setResource(resource('proxmox_vm.b', { cores: 2 })); // 2 resources where the file has 1
    await store.checkpoint();
    expect([store.serial, await fileSerial()]).toEqual([8, 8]);
    const written = await fileIdentity();

    await store.setResource(resource('proxmox_vm.b', { cores: 2 })); // identical content, same count
    await store.checkpoint();
    expect(store.serial).toBe(8);
    expect(await fileIdentity()).toEqual(written);

    await store.removeResource('proxmox_vm.b');
    await store.setResource(resource('proxmox_vm.c')); // same count as written, other content
    await store.checkpoint();
    expect([store.serial, await fileSerial()]).toEqual([9, 9]);

    await store.setResource(resource('proxmox_vm.d'));
    await store.removeResource('proxmox_vm.d'); // net: no change
    await store.checkpoint();
    expect(store.serial).toBe(9);
    await store.close();
  });

  it('writes when only the number of outputs changed, and not when they are set again unchanged', async () => {
    const store = await StateStore.open(file, storeOpts);
    const outputs = { ip: { value: '10.0.0.5', sensitive: false }, name: { value: 'web', sensitive: false } };
    await store.setOutputs(outputs);
    await store.checkpoint();
    expect(await fileSerial()).toBe(8);
    await store.setOutputs(structuredClone(outputs));
    await store.checkpoint();
    expect(await fileSerial()).toBe(8);
    await store.setOutputs({ ip: { value: '10.0.0.5', sensitive: false } }); // back to the content of serial 7, still a change against 8
    await store.checkpoint();
    expect(await fileSerial()).toBe(9);
    await store.close();
  });

  it('after a reopen, compares with the file as loaded', async () => {
    const first = await StateStore.open(file, storeOpts);
    await first.setResource(resource('proxmox_vm.b'));
    await first.checkpoint();
    await first.close();
    const second = await StateStore.open(file, storeOpts);
    await second.setResource(resource('proxmox_vm.b')); // identical
    await second.checkpoint();
    expect(second.serial).toBe(8);
    await second.removeResource('proxmox_vm.b');
    await second.checkpoint();
    expect(await fileSerial()).toBe(9);
    await second.close();
  });
});
