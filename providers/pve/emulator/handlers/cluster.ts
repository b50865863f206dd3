/**
 * Cluster-wide endpoints: `/version`, `/nodes`, `/nodes/{node}` and its status,
 * `/cluster/resources`, `/cluster/status`, `/cluster/nextid` and resource pools (`/pools`).
 */
import { fail, paramFail } from '../api-error.js';
import type { EmulatorCore } from '../emulator-core.js';
import { bool, NODE, opt, str, VMID, type ParamSchema } from '../param-schema.js';
import type { ApiRequest, RouteDef } from '../router.js';
import { splitList } from '../string-formats.js';
import {
  findGuest,
  findNode,
  guestConfig,
  poolOfGuest,
  storageUsedBytes,
  type GuestState,
  type NodeState,
  type StorageState,
  type World,
} from '../world.js';
import { nodeCpuLoad, nodeMemUsed, nodeUptime, rootStorage } from '../node-stats.js';

function nowSeconds(emu: EmulatorCore): number {
  return Math.floor(emu.now() / 1000);
}

/**
 * A node as listed by `/cluster/resources` and `GET /nodes` (pve-manager `PVE/API2Tools.pm`
 * extract_node_stats): its numbers from pvestatd's last line, `online` only with such a line,
 * `offline` from the cluster membership, which is live.
 */
function nodeEntry(emu: EmulatorCore, n: NodeState): Record<string, unknown> {
  const e: Record<string, unknown> = { id: `node/${n.name}`, type: 'node', node: n.name, status: 'unknown' };
  const d = emu.rrd.node(n.name, nowSeconds(emu));
  if (d) {
    if (n.online) Object.assign(e, { uptime: d.uptime, cpu: d.cpu, mem: d.mem, disk: d.disk, status: 'online' });
    Object.assign(e, { level: '', maxcpu: d.maxcpu, maxmem: d.maxmem, maxdisk: d.maxdisk });
  }
  if (!n.online) e.status = 'offline';
  else e['cgroup-mode'] = 2;
  return e;
}

/**
 * A guest's numbers as pve-manager `PVE/API2Tools.pm` extract_vm_stats makes them: from
 * pvestatd's last line (pvestatd-rrd.ts); without one (created since the last round, or its
 * node down for five minutes) only `status: unknown`.
 */
function vmStats(emu: EmulatorCore, g: GuestState): Record<string, unknown> {
  const e: Record<string, unknown> = { id: `${g.type}/${g.vmid}`, vmid: g.vmid, node: g.node, type: g.type, status: 'unknown' };
  const d = emu.rrd.guest(g.vmid, nowSeconds(emu));
  if (d) {
    Object.assign(e, {
      uptime: d.uptime,
      name: d.name,
      status: d.status,
      template: d.template,
      maxcpu: d.maxcpu,
      cpu: d.cpu,
      maxmem: d.maxmem,
      mem: d.mem,
      maxdisk: d.maxdisk,
      disk: d.disk,
      netin: d.netin,
      netout: d.netout,
      diskread: d.diskread,
      diskwrite: d.diskwrite,
    });
  }
  return e;
}

/**
 * A guest in `/cluster/resources` (pve-manager `PVE/API2/Cluster.pm` resources): its stats,
 * its pool, and `lock` and `tags` read live from its config (get_guest_config_properties).
 */
function vmEntry(emu: EmulatorCore, g: GuestState, req: ApiRequest): Record<string, unknown> {
  const e = vmStats(emu, g);
  const pool = poolOfGuest(emu.world, g.vmid);
  if (pool && req.auth.has('Pool.Audit', `/pool/${pool}`)) e.pool = pool;
  const main = guestConfig(g).main;
  if (main.lock !== undefined) e.lock = main.lock;
  if (main.tags !== undefined) e.tags = main.tags;
  return e;
}

/** A storage of a node (pve-manager `PVE/API2Tools.pm` extract_storage_stats): sizes from pvestatd's last line. */
function storageEntry(emu: EmulatorCore, n: NodeState, s: StorageState): Record<string, unknown> {
  const e: Record<string, unknown> = {
    id: `storage/${n.name}/${s.id}`,
    type: 'storage',
    storage: s.id,
    node: n.name,
    status: 'unknown',
    plugintype: s.type,
    content: s.content.join(','),
    shared: s.shared ? 1 : 0,
  };
  const d = emu.rrd.storage(n.name, s.id, nowSeconds(emu));
  if (d) Object.assign(e, { maxdisk: d.maxdisk, disk: d.disk, status: 'available' });
  return e;
}

/** The guests in vmlist order: PVE sorts the VMIDs as strings (`sort keys %$idlist`). */
function sortedGuests(world: World): GuestState[] {
  return Object.values(world.guests).sort((a, b) => (String(a.vmid) < String(b.vmid) ? -1 : String(a.vmid) > String(b.vmid) ? 1 : 0));
}

/**
 * `GET /cluster/resources` (pve-manager `PVE/API2/Cluster.pm` resources): pools (those the
 * caller may audit, with the summed numbers of their running guests), guests (those with
 * `VM.Audit` on `/vms/<vmid>`; the pool numbers count the others too), nodes, storages.
 */
function clusterResources(emu: EmulatorCore, req: ApiRequest): Record<string, unknown>[] {
  const type = req.params.type as string | undefined;
  const out: Record<string, unknown>[] = [];
  const pools = new Map<string, Record<string, unknown>>();
  if (!type || type === 'pool') {
    for (const p of Object.keys(emu.world.pools).sort()) {
      if (!req.auth.has('Pool.Audit', `/pool/${p}`)) continue;
      const e: Record<string, unknown> = { id: `/pool/${p}`, type: 'pool', pool: p };
      pools.set(p, e);
      out.push(e);
    }
  }
  if (!type || type === 'vm') {
    for (const g of sortedGuests(emu.world)) {
      const e = vmEntry(emu, g, req);
      const pe = pools.get(poolOfGuest(emu.world, g.vmid) ?? '');
      if (pe && typeof e.uptime === 'number' && e.uptime > 0) addToPool(pe, e);
      if (!req.auth.has('VM.Audit', `/vms/${g.vmid}`)) continue;
      out.push(e);
    }
  }
  if (!type || type === 'node') for (const n of emu.world.nodes) out.push(nodeEntry(emu, n));
  if (!type || type === 'storage') {
    for (const n of emu.world.nodes) for (const s of n.storages) out.push(storageEntry(emu, n, s));
  }
  return out;
}

/** A running guest's numbers added to its pool's entry, CPU as the weighted mean (Cluster.pm resources). */
function addToPool(pe: Record<string, unknown>, e: Record<string, unknown>): void {
  const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
  pe.uptime = Math.max(num(pe.uptime), num(e.uptime));
  pe.mem = num(pe.mem) + num(e.mem);
  pe.maxmem = num(pe.maxmem) + num(e.maxmem);
  const maxcpu = num(pe.maxcpu) + num(e.maxcpu);
  pe.cpu = maxcpu > 0 ? (num(pe.cpu) * num(pe.maxcpu) + num(e.cpu) * num(e.maxcpu)) / maxcpu : 0;
  pe.maxcpu = maxcpu;
}

function nextId(emu: EmulatorCore, req: ApiRequest): string {
  const wanted = req.params.vmid as number | undefined;
  if (wanted !== undefined) {
    if (findGuest(emu.world, wanted)) paramFail({ vmid: `VM ${wanted} already exists` });
    return String(wanted);
  }
  for (let id = 100; id < 1_000_000; id++) if (!findGuest(emu.world, id)) return String(id);
  fail('unable to get any free VMID in range [100, 999999]');
}

function nodeStatus(emu: EmulatorCore, req: ApiRequest): Record<string, unknown> {
  const n = findNode(emu.world, req.params.node as string) as NodeState;
  const used = nodeMemUsed(emu, n);
  const root = rootStorage(n);
  const rootUsed = root ? storageUsedBytes(root) : 0;
  // live, as pve-manager PVE/API2/Nodes.pm status reads /proc/stat (not pvestatd's last round)
  const cpu = nodeCpuLoad(emu, n);
  return {
    uptime: nodeUptime(emu, n),
    cpu,
    wait: 0.001,
    idle: 0,
    loadavg: [(cpu * n.cpus).toFixed(2), (cpu * n.cpus * 0.9).toFixed(2), (cpu * n.cpus * 0.8).toFixed(2)],
    cpuinfo: {
      cpus: n.cpus,
      cores: n.cpus / n.sockets,
      sockets: n.sockets,
      model: n.cpuModel,
      mhz: '2500.000',
      hvm: '1',
      flags:
        'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx lm aes avx avx2',
      user_hz: 100,
    },
    memory: { total: n.memoryBytes, used, free: n.memoryBytes - used, available: n.memoryBytes - used },
    swap: { total: 8 * 1024 ** 3, used: 0, free: 8 * 1024 ** 3 },
    rootfs: {
      total: root?.totalBytes ?? 0,
      used: rootUsed,
      free: (root?.totalBytes ?? 0) - rootUsed,
      avail: (root?.totalBytes ?? 0) - rootUsed,
    },
    ksm: { shared: 0 },
    kversion: `Linux ${emu.profile.kernel} #1 SMP PREEMPT_DYNAMIC PMX ${emu.profile.kernel.replace(/-pve$/, '')}`,
    pveversion: `pve-manager/${emu.world.pveVersion}/emulated`,
    'current-kernel': { sysname: 'Linux', release: emu.profile.kernel, version: '#1 SMP PREEMPT_DYNAMIC', machine: 'x86_64' },
    'boot-info': { mode: 'efi', secureboot: 0 },
  };
}

function poolMembers(emu: EmulatorCore, poolid: string, type?: string): Record<string, unknown>[] {
  const pool = emu.world.pools[poolid];
  if (!pool) return [];
  const out: Record<string, unknown>[] = [];
  for (const vmid of pool.vmids) {
    const g = findGuest(emu.world, vmid);
    if (!g || (type && type !== g.type && type !== 'vm')) continue;
    out.push(vmStats(emu, g));
  }
  if (!type || type === 'storage') {
    for (const sid of pool.storages) {
      for (const n of emu.world.nodes) {
        const s = n.storages.find((x) => x.id === sid);
        if (s) out.push(storageEntry(emu, n, s));
      }
    }
  }
  return out;
}

function requirePool(emu: EmulatorCore, poolid: string): NonNullable<World['pools'][string]> {
  const pool = emu.world.pools[poolid];
  if (!pool) fail(`pool '${poolid}' does not exist`);
  return pool;
}

function updatePool(emu: EmulatorCore, req: ApiRequest): null {
  const p = req.params;
  const pool = requirePool(emu, p.poolid as string);
  if (p.comment !== undefined) pool.comment = String(p.comment);
  const remove = p.delete === true;
  for (const v of splitList(String(p.vms ?? ''))) {
    const vmid = Number(v);
    if (remove) {
      pool.vmids = pool.vmids.filter((x) => x !== vmid);
      continue;
    }
    if (!findGuest(emu.world, vmid)) fail(`no such VMID '${vmid}'`);
    const other = poolOfGuest(emu.world, vmid);
    if (other && other !== pool.poolid) {
      if (p['allow-move'] !== true) fail(`VM ${vmid} belongs already to pool '${other}' and 'allow-move' is not set`);
      const o = emu.world.pools[other];
      if (o) o.vmids = o.vmids.filter((x) => x !== vmid);
    }
    if (!pool.vmids.includes(vmid)) pool.vmids.push(vmid);
  }
  for (const sid of splitList(String(p.storage ?? ''))) {
    if (remove) pool.storages = pool.storages.filter((x) => x !== sid);
    else if (!pool.storages.includes(sid)) pool.storages.push(sid);
  }
  return null;
}

function deletePool(emu: EmulatorCore, poolid: string): null {
  const pool = requirePool(emu, poolid);
  if (pool.vmids.length || pool.storages.length) fail(`pool '${poolid}' is not empty`);
  delete emu.world.pools[poolid];
  return null;
}

const POOLID = str({ format: 'pve-poolid' });
const POOL_UPDATE: ParamSchema = {
  poolid: POOLID,
  comment: opt(str()),
  vms: opt(str({ format: 'pve-vmid-list' })),
  storage: opt(str({ format: 'pve-storage-id-list' })),
  delete: opt(bool()),
  'allow-move': opt(bool()),
};

export const CLUSTER_ROUTES: RouteDef[] = [
  {
    method: 'GET',
    path: '/version',
    params: {},
    handler: (emu) => ({
      version: emu.world.pveVersion,
      release: emu.world.pveVersion.split('.').slice(0, 2).join('.'),
      repoid: 'e7e2f5b0c1d4a3b2',
      console: 'xtermjs',
    }),
  },
  {
    method: 'GET',
    path: '/nodes',
    params: {},
    handler: (emu) =>
      emu.world.nodes.map((n) => {
        const e = nodeEntry(emu, n);
        delete e['cgroup-mode'];
        if (n.online) e.ssl_fingerprint = 'A1:B2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90:A1:B2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90';
        return e;
      }),
  },
  {
    method: 'GET',
    path: '/nodes/{node}',
    params: { node: NODE },
    proxyToNode: true,
    handler: () =>
      [
        'apt',
        'capabilities',
        'ceph',
        'certificates',
        'config',
        'disks',
        'dns',
        'firewall',
        'hardware',
        'hosts',
        'journal',
        'lxc',
        'netstat',
        'network',
        'qemu',
        'replication',
        'report',
        'rrd',
        'rrddata',
        'scan',
        'services',
        'sdn',
        'spiceshell',
        'status',
        'storage',
        'subscription',
        'syslog',
        'tasks',
        'termproxy',
        'time',
        'version',
        'vncshell',
        'vzdump',
        'wakeonlan',
      ].map((name) => ({ name })),
  },
  { method: 'GET', path: '/nodes/{node}/status', params: { node: NODE }, proxyToNode: true, handler: nodeStatus },
  {
    method: 'GET',
    path: '/cluster/resources',
    params: { type: opt(str({ enum: ['vm', 'storage', 'node', 'sdn'] })) },
    handler: clusterResources,
  },
  { method: 'GET', path: '/cluster/nextid', params: { vmid: opt(VMID) }, handler: nextId },
  {
    method: 'GET',
    path: '/cluster/status',
    params: {},
    handler: (emu) => [
      { id: 'cluster', type: 'cluster', name: emu.world.clusterName, nodes: emu.world.nodes.length, quorate: 1, version: 12 },
      ...emu.world.nodes.map((n, i) => ({
        id: `node/${n.name}`,
        type: 'node',
        name: n.name,
        nodeid: i + 1,
        ip: n.ip,
        online: n.online ? 1 : 0,
        local: i === 0 ? 1 : 0,
        level: '',
      })),
    ],
  },
  {
    method: 'GET',
    path: '/pools',
    params: { poolid: opt(POOLID), type: opt(str({ enum: ['qemu', 'lxc', 'storage'] })) },
    handler: (emu, req) => {
      const only = req.params.poolid as string | undefined;
      if (!emu.profile.poolParamApi) {
        // Before pve-manager 8.1 the index took no parameters (PVE/API2/Pool.pm index).
        const extra = 'property is not defined in schema and the schema does not allow additional properties';
        if (only !== undefined || req.params.type !== undefined) {
          paramFail({ ...(only !== undefined ? { poolid: extra } : {}), ...(req.params.type !== undefined ? { type: extra } : {}) });
        }
      }
      if (only !== undefined) requirePool(emu, only);
      return Object.values(emu.world.pools)
        .filter((p) => only === undefined || p.poolid === only)
        .map((p) => {
          const e: Record<string, unknown> = { poolid: p.poolid };
          if (p.comment !== undefined) e.comment = p.comment;
          if (only !== undefined) e.members = poolMembers(emu, p.poolid, req.params.type as string | undefined);
          return e;
        });
    },
  },
  {
    method: 'POST',
    path: '/pools',
    params: { poolid: POOLID, comment: opt(str()) },
    handler: (emu, req) => {
      const poolid = req.params.poolid as string;
      if (emu.world.pools[poolid]) fail(`pool '${poolid}' already exists`);
      emu.world.pools[poolid] = {
        poolid,
        vmids: [],
        storages: [],
        ...(req.params.comment !== undefined ? { comment: String(req.params.comment) } : {}),
      };
      return null;
    },
  },
  // Since pve-manager 8.1.0 (PveProfile.poolParamApi); before, only PUT/DELETE /pools/{poolid}.
  { method: 'PUT', path: '/pools', params: POOL_UPDATE, available: (p) => p.poolParamApi, handler: updatePool },
  {
    method: 'DELETE',
    path: '/pools',
    params: { poolid: POOLID },
    available: (p) => p.poolParamApi,
    handler: (emu, req) => deletePool(emu, req.params.poolid as string),
  },
  {
    method: 'GET',
    path: '/pools/{poolid}',
    params: { poolid: POOLID, type: opt(str({ enum: ['qemu', 'lxc', 'storage'] })) },
    handler: (emu, req) => {
      const pool = requirePool(emu, req.params.poolid as string);
      const e: Record<string, unknown> = { members: poolMembers(emu, pool.poolid, req.params.type as string | undefined) };
      if (pool.comment !== undefined) e.comment = pool.comment;
      return e;
    },
  },
  { method: 'PUT', path: '/pools/{poolid}', params: POOL_UPDATE, handler: updatePool },
  {
    method: 'DELETE',
    path: '/pools/{poolid}',
    params: { poolid: POOLID },
    handler: (emu, req) => deletePool(emu, req.params.poolid as string),
  },
];
