/**
 * `readPlacement` of the proxmox provider: the cluster's nodes with their capacity and load,
 * and every guest with what it is given, as PlacementFacts (src/provider/placement.ts). Reads
 * only:
 *
 * - one `GET /cluster/resources` (pve-manager PVE/API2/Cluster.pm resources): nodes (`status`
 *   online/offline, `maxcpu`, `cpu`, `maxmem`, `mem`) and guests (`vmid`, `type`, `node`,
 *   `name`, `maxmem`, `maxcpu`, `cpu`, `status`, `template`; templates are left out);
 * - per online node, one `GET /nodes/{node}/storage` (pve-storage src/PVE/API2/Storage/Status.pm
 *   index: `enabled`, `active`, `content`, `shared`): the storages enabled and active there.
 *
 * Every number of the listing comes from pvestatd's last RRD line (pve-manager
 * PVE/API2Tools.pm extract_node_stats / extract_vm_stats; pvestatd samples every 10 s), so the
 * loads, memory in use and a guest's name, status, memory and vCPUs may be a round old; only
 * membership (which guests exist, on which node) and a node's offline status are live. A
 * guest created since the last round has no numbers yet (`status: unknown`): it is read from
 * `.../status/current`, which is live. Placement tolerates the lag: it weighs loads and
 * commitments, and a 10 s old figure is as good as any for that.
 */
import type { OperationContext } from '../../../src/provider/contract.js';
import type { NodeCapacity, PlacedObject, PlacementFacts } from '../../../src/provider/placement.js';
import { callOpts } from '../../pve/client/call-options.js';
import type { PveClient } from '../../pve/client/pve-client.js';
import { isNodeUnreachable, isNotFound } from '../../pve/client/pve-error.js';

/** A `/cluster/resources` entry, or a guest's `status/current`, as far as placement reads it. */
interface RawEntry {
  type?: unknown;
  node?: unknown;
  vmid?: unknown;
  name?: unknown;
  status?: unknown;
  template?: unknown;
  maxcpu?: unknown;
  cpus?: unknown;
  cpu?: unknown;
  maxmem?: unknown;
  mem?: unknown;
}

interface RawStorage {
  storage?: unknown;
  content?: unknown;
  enabled?: unknown;
  active?: unknown;
  shared?: unknown;
}

const HL_TYPE = { qemu: 'proxmox_vm', lxc: 'proxmox_lxc' } as const;

function num(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : 0;
}

function flag(v: unknown): boolean {
  return v === 1 || v === true || v === '1';
}

function entries(raw: unknown): RawEntry[] {
  return Array.isArray(raw) ? (raw as RawEntry[]) : [];
}

/** The storages of an online node that are enabled and active; none when the node does not answer. */
async function readStorages(client: PveClient, node: string, op: OperationContext): Promise<NodeCapacity['storages'] | 'unreachable'> {
  let listing: unknown;
  try {
    listing = await client.call<unknown>('GET', `/nodes/${node}/storage`, undefined, callOpts(op));
  } catch (e) {
    if (isNodeUnreachable(e)) return 'unreachable';
    throw e;
  }
  const out: NodeCapacity['storages'] = [];
  for (const s of (Array.isArray(listing) ? listing : []) as RawStorage[]) {
    if (typeof s.storage !== 'string' || !flag(s.enabled) || !flag(s.active)) continue;
    const content = typeof s.content === 'string' ? s.content.split(',').filter((c) => c !== '') : [];
    out.push({ id: s.storage, content, shared: flag(s.shared) });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * A guest PVE listed as `unknown` (no pvestatd line yet) read live from `status/current`
 * (qemu-server / pve-container vmstatus: `cpus`, `maxmem`, `cpu`, `status`); undefined when
 * it is gone meanwhile, the entry as it was when its node does not answer.
 */
async function settle(client: PveClient, g: RawEntry, op: OperationContext): Promise<RawEntry | undefined> {
  if (g.status !== 'unknown') return g;
  try {
    const cur = await client.call<RawEntry>(
      'GET',
      `/nodes/${String(g.node)}/${String(g.type)}/${num(g.vmid)}/status/current`,
      undefined,
      callOpts(op),
    );
    return { ...g, ...cur, maxcpu: cur?.cpus ?? cur?.maxcpu, type: g.type, node: g.node, vmid: g.vmid };
  } catch (e) {
    if (isNotFound(e)) return undefined;
    if (isNodeUnreachable(e)) return g;
    throw e;
  }
}

function placedObject(g: RawEntry): PlacedObject | undefined {
  if ((g.type !== 'qemu' && g.type !== 'lxc') || typeof g.node !== 'string') return undefined;
  if (flag(g.template)) return undefined;
  const vmid = num(g.vmid);
  if (!Number.isInteger(vmid) || vmid <= 0) return undefined;
  return {
    id: `${g.node}/${vmid}`,
    type: HL_TYPE[g.type],
    node: g.node,
    ...(typeof g.name === 'string' && g.name !== '' ? { name: g.name } : {}),
    memoryBytes: num(g.maxmem),
    vcpus: num(g.maxcpu),
    cpuLoad: num(g.cpu),
    running: g.status === 'running',
  };
}

/** Reads the placement facts of the cluster `client` speaks to. */
export async function readPlacement(client: PveClient, op: OperationContext): Promise<PlacementFacts> {
  const raw = entries(await client.call<unknown>('GET', '/cluster/resources', undefined, callOpts(op)));
  const listed = raw.filter((n): n is RawEntry & { node: string } => n.type === 'node' && typeof n.node === 'string');
  const nodes = await Promise.all(
    listed.map(async (n): Promise<NodeCapacity> => {
      const online = n.status === 'online';
      const storages = online ? await readStorages(client, n.node, op) : [];
      return {
        name: n.node,
        // A node the cluster lists online whose API does not answer through it cannot take a guest now.
        online: online && storages !== 'unreachable',
        cores: num(n.maxcpu),
        cpuLoad: num(n.cpu),
        memoryBytes: num(n.maxmem),
        memoryUsedBytes: num(n.mem),
        storages: storages === 'unreachable' ? [] : storages,
      };
    }),
  );
  nodes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const guests = await Promise.all(raw.filter((g) => g.type === 'qemu' || g.type === 'lxc').map((g) => settle(client, g, op)));
  const objects = guests.flatMap((g) => {
    const o = g ? placedObject(g) : undefined;
    return o ? [o] : [];
  });
  return { nodes, objects };
}
