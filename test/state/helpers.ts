/** Shared helpers for the state tests: temp directories and resources. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAddress } from '../../src/core/address.js';
import type { Attributes } from '../../src/core/value.js';
import type { ResourceState } from '../../src/state/state-types.js';

export const LINEAGE = '0b3c5e2a-7d41-4f8e-9a6b-2c1d0e9f8a7b';

export const storeOpts = { hlVersion: '0.1.0-test', newLineage: () => LINEAGE };

export async function tempDir(): Promise<{ dir: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'hl-state-test-'));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

export function resource(address: string, attributes: Attributes = {}): ResourceState {
  const a = parseAddress(address);
  if (!a) throw new Error(`bad test address ${address}`);
  return {
    address,
    mode: a.mode,
    type: a.type,
    name: a.name,
    index: a.key,
    provider: 'proxmox',
    id: `pve/${address}`,
    attributes,
    sensitivePaths: [],
    dependencies: [],
    status: 'ready',
  };
}
