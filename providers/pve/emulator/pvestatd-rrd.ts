/**
 * The status numbers PVE's listings are made of, as pvestatd last sent them. pvestatd
 * (pve-manager `PVE/Service/pvestatd.pm`: `run` loops every `$updatetime` = 10 s;
 * `update_qemu_status`, `update_lxc_status`, `update_node_status`, `update_storage_status`)
 * samples every guest of its node (qemu-server / pve-container `vmstatus`), the node and its
 * storages, and broadcasts one RRD line per object into pmxcfs (`PVE::Cluster::broadcast_rrd`,
 * pve-cluster `src/pmxcfs/status.c`), which drops lines older than five minutes
 * (`rrd_entry_is_old`). `/cluster/resources` (pve-manager `PVE/API2/Cluster.pm` resources,
 * `PVE/API2Tools.pm` extract_vm_stats / extract_node_stats / extract_storage_stats) and
 * `GET /nodes` build their entries from those lines: a guest created since the last round has
 * none, so it is listed (membership comes from the live vmlist) with `status: unknown` and
 * nothing else; a guest started or renamed since shows its old status and name until the next
 * round. A node that is down sends nothing: its lines, and those of its guests and storages,
 * age until they are dropped.
 *
 * The emulator takes one round when it starts (the cluster was up before), then one every
 * `rrdIntervalMs` (start-emulator.ts).
 */
import type { EmulatorCore } from './emulator-core.js';
import { summarize } from './handlers/guest-common.js';
import { nodeCpuLoad, nodeMemUsed, nodeUptime, rootStorage } from './node-stats.js';
import { storageUsedBytes } from './world.js';

/** pmxcfs `rrd_entry_is_old`: lines older than this many seconds are dropped. */
export const RRD_ENTRY_MAX_AGE_S = 5 * 60;

/** pvestatd's sampling period (`$updatetime`), in ms. */
export const PVESTATD_INTERVAL_MS = 10_000;

/** A guest's line (`pve-vm-9.0/<vmid>`, `pve2.3-vm/<vmid>` before PVE 9): what vmstatus said. */
export interface GuestRrdLine {
  /** Epoch seconds of the round. */
  time: number;
  uptime: number;
  name: string;
  /** qmpstatus or status: `running`, `stopped`. */
  status: string;
  template: 0 | 1;
  maxcpu: number;
  cpu: number;
  maxmem: number;
  mem: number;
  maxdisk: number;
  disk: number;
  netin: number;
  netout: number;
  diskread: number;
  diskwrite: number;
}

/** A node's line (`pve-node-9.0/<node>`). */
export interface NodeRrdLine {
  time: number;
  uptime: number;
  cpu: number;
  mem: number;
  disk: number;
  maxcpu: number;
  maxmem: number;
  maxdisk: number;
}

/** A storage's line (`pve-storage-9.0/<node>/<storage>`). */
export interface StorageRrdLine {
  time: number;
  disk: number;
  maxdisk: number;
}

export class RrdCache {
  private readonly guests = new Map<number, GuestRrdLine>();
  private readonly nodes = new Map<string, NodeRrdLine>();
  private readonly storages = new Map<string, StorageRrdLine>();

  /** One pvestatd round on every node that is up. */
  round(emu: EmulatorCore): void {
    const time = Math.floor(emu.now() / 1000);
    for (const n of emu.world.nodes) {
      if (!n.online) continue;
      const root = rootStorage(n);
      this.nodes.set(n.name, {
        time,
        uptime: nodeUptime(emu, n),
        cpu: nodeCpuLoad(emu, n),
        mem: nodeMemUsed(emu, n),
        disk: root ? storageUsedBytes(root) : 0,
        maxcpu: n.cpus,
        maxmem: n.memoryBytes,
        maxdisk: root?.totalBytes ?? 0,
      });
      for (const s of n.storages) this.storages.set(`${n.name}/${s.id}`, { time, disk: storageUsedBytes(s), maxdisk: s.totalBytes });
    }
    const up = new Set(emu.world.nodes.filter((n) => n.online).map((n) => n.name));
    for (const g of Object.values(emu.world.guests)) {
      if (!up.has(g.node)) continue;
      const s = summarize(emu, g);
      this.guests.set(g.vmid, {
        time,
        uptime: s.uptime,
        name: s.name,
        status: g.status,
        template: s.template ? 1 : 0,
        maxcpu: s.cpus,
        cpu: s.cpu,
        maxmem: s.maxmem,
        mem: s.mem,
        maxdisk: s.maxdisk,
        disk: s.disk,
        netin: s.netin,
        netout: s.netout,
        diskread: s.diskread,
        diskwrite: s.diskwrite,
      });
    }
  }

  guest(vmid: number, nowSeconds: number): GuestRrdLine | undefined {
    return fresh(this.guests.get(vmid), nowSeconds);
  }

  node(name: string, nowSeconds: number): NodeRrdLine | undefined {
    return fresh(this.nodes.get(name), nowSeconds);
  }

  storage(node: string, storage: string, nowSeconds: number): StorageRrdLine | undefined {
    return fresh(this.storages.get(`${node}/${storage}`), nowSeconds);
  }

  /** Forgets every line (a new world: nothing was broadcast about it yet). */
  clear(): void {
    this.guests.clear();
    this.nodes.clear();
    this.storages.clear();
  }
}

function fresh<T extends { time: number }>(line: T | undefined, nowSeconds: number): T | undefined {
  return line && nowSeconds - line.time <= RRD_ENTRY_MAX_AGE_S ? line : undefined;
}
