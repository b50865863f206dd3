/**
 * A node's live numbers as its kernel reports them (uptime, CPU and memory in use, the root
 * file system): read at once by `GET /nodes/{node}/status` (pve-manager `PVE/API2/Nodes.pm`
 * status: `/proc/stat`, `/proc/meminfo`), and sampled by pvestatd's rounds for the listings
 * (pvestatd-rrd.ts). A node's CPU is its own base load plus the share of its cores that its
 * running guests use, so a migration moves a guest's load with it.
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

/** The node's CPU utilisation (0..1): its base load plus its running guests' vCPU load over its cores. */
export function nodeCpuLoad(emu: EmulatorCore, n: NodeState): number {
  if (!n.online) return 0;
  let busyCores = n.cpuLoad * n.cpus;
  for (const g of Object.values(emu.world.guests)) {
    if (g.node !== n.name || g.status !== 'running') continue;
    const s = summarize(emu, g);
    busyCores += s.cpu * s.cpus;
  }
  return Math.min(1, busyCores / n.cpus);
}

/** The storage holding the node's root file system. */
export function rootStorage(n: NodeState): StorageState | undefined {
  return n.storages.find((s) => s.id === 'local');
}
