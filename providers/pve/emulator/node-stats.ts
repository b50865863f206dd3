/**
 * A node's live numbers as its kernel reports them (uptime, memory in use, the root file
 * system): read at once by `GET /nodes/{node}/status`, and sampled by pvestatd's rounds for
 * the listings (pvestatd-rrd.ts).
 */
import type { EmulatorCore } from './emulator-core.js';
import { summarize } from './handlers/guest-common.js';
import type { NodeState, StorageState } from './world.js';

export function nodeUptime(emu: EmulatorCore, n: NodeState): number {
  return n.online ? n.uptimeSeconds + Math.max(0, Math.floor(emu.now() / 1000) - emu.world.seededAt) : 0;
}

export function nodeMemUsed(emu: EmulatorCore, n: NodeState): number {
  let used = n.memoryUsedBytes;
  for (const g of Object.values(emu.world.guests)) {
    if (g.node === n.name && g.status === 'running') used += summarize(emu, g).mem;
  }
  return Math.min(used, n.memoryBytes);
}

/** The storage holding the node's root file system. */
export function rootStorage(n: NodeState): StorageState | undefined {
  return n.storages.find((s) => s.id === 'local');
}
