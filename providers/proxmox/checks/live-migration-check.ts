/**
 * The live plan-time check of planned migrations (an update whose `node` changes), reads only:
 * the target exists and is online, the source answers, and nothing PVE would refuse
 * (migration-blockers.ts). Reads per migration: the guest's config from its node; shared
 * with the other checks: the node list, and one storage listing per node involved; once per
 * resource mapping used, `GET /cluster/mapping/{usb|pci}/{id}`; once per source node with
 * USB devices to name, `GET /nodes/{node}/hardware/usb`; per VM, qemu-server's migration
 * precondition (`GET .../migrate`) as a second opinion. Every problem is at `node`.
 */
import type { OperationContext, PlannedChange, PlanProblem } from '../../../src/provider/contract.js';
import { callOpts } from '../../pve/client/call-options.js';
import { isNodeUnreachable, isNotFound } from '../../pve/client/pve-error.js';
import type { GuestEntry } from '../../pve/cluster-inventory.js';
import { guestLabel, guestPath } from '../../pve/guest-api.js';
import { nodeChange, storageMap, volumeMoves } from '../planning/migration-plan.js';
import type { GuestContext } from '../resources/guest-context.js';
import { mappingsUsed, migrationBlockers, type NodeStorage, type NodeUsbDevice } from './migration-blockers.js';

/** A node's storages, or why they could not be read. */
export type StorageListing = { storages: Map<string, NodeStorage> } | { unreachable: string };

/** The planned updates that move a guest to another node. */
export function plannedMigrations(changes: readonly PlannedChange[]): PlannedChange[] {
  return changes.filter(
    (c) => (c.type === 'proxmox_vm' || c.type === 'proxmox_lxc') && c.action === 'update' && c.prior && nodeChange(c.prior, c.planned),
  );
}

async function readMapping(
  ctx: GuestContext,
  key: string,
  op: OperationContext,
): Promise<{ nodes: Set<string>; liveMigration: boolean } | undefined> {
  const [kind, id] = key.split(':') as [string, string];
  try {
    const m = await ctx.client.call<{ map?: unknown; 'live-migration-capable'?: unknown }>(
      'GET',
      `/cluster/mapping/${kind}/${id}`,
      undefined,
      callOpts(op),
    );
    const entries = Array.isArray(m?.map) ? m.map.filter((e): e is string => typeof e === 'string') : [];
    const nodes = new Set(entries.map((e) => /(?:^|,)node=([^,]+)/.exec(e)?.[1]).filter((n): n is string => n !== undefined));
    const live = m?.['live-migration-capable'];
    return { nodes, liveMigration: live === 1 || live === true || live === '1' };
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/**
 * What qemu-server's own migration precondition (`GET .../qemu/{vmid}/migrate?target=`,
 * PVE/API2/Qemu.pm migrate_vm_precondition) lists as local resources blocking the move, beyond
 * the reasons already found (`known`, each starting with its config key): a second opinion
 * for what hl does not model (virtiofs, a VNC clipboard on an old machine, ...). Mapped devices
 * are left to the mapping check; an error (an older server, a privilege) leaves it out.
 */
async function preconditionReasons(
  ctx: GuestContext,
  from: string,
  to: string,
  vmid: number,
  known: readonly string[],
  op: OperationContext,
): Promise<string[]> {
  let answer: { local_resources?: unknown; 'mapped-resources'?: unknown } | undefined;
  try {
    // One request, no retries: a locked guest is refused there ("VM is locked"), and said so already.
    answer = await ctx.client.request(
      'GET',
      `${guestPath({ type: 'qemu', node: from, vmid })}/migrate`,
      { target: to },
      {
        ...(op.signal ? { signal: op.signal } : {}),
      },
    );
  } catch {
    return [];
  }
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const mapped = new Set(list(answer?.['mapped-resources']));
  return list(answer?.local_resources)
    .filter((r) => !mapped.has(r) && !known.some((k) => k.startsWith(`${r}:`)))
    .map((r) => `${r}, a resource of ${from} that PVE lists as local (its migration precondition)`);
}

export async function checkMigrations(
  ctx: GuestContext,
  migrations: readonly PlannedChange[],
  cluster: { nodes: ReadonlyMap<string, string>; guests: readonly GuestEntry[] },
  storagesOf: (node: string) => Promise<StorageListing>,
  op: OperationContext,
): Promise<PlanProblem[]> {
  const problems: PlanProblem[] = [];
  const byVmid = new Map(cluster.guests.map((g) => [g.vmid, g]));
  const mappingReads = new Map<string, Promise<{ nodes: Set<string>; liveMigration: boolean } | undefined>>();
  const usbReads = new Map<string, Promise<NodeUsbDevice[]>>();
  const usbOf = (node: string): Promise<NodeUsbDevice[]> => {
    let p = usbReads.get(node);
    if (!p) {
      p = ctx.client
        .call<NodeUsbDevice[]>('GET', `/nodes/${node}/hardware/usb`, undefined, callOpts(op))
        .then((l) => (Array.isArray(l) ? l : []))
        .catch(() => []); // only names the devices
      usbReads.set(node, p);
    }
    return p;
  };
  await Promise.all(
    migrations.map(async (c) => {
      const noun = c.type === 'proxmox_vm' ? 'VM' : 'container';
      const type = c.type === 'proxmox_vm' ? 'qemu' : 'lxc';
      const to = String(c.planned.node);
      const vmid = typeof c.prior?.vmid === 'number' ? c.prior.vmid : undefined;
      const report = (message: string): void => {
        problems.push({ address: c.address, path: ['node'], message, severity: 'error' });
      };
      const status = cluster.nodes.get(to);
      if (status === undefined) {
        report(`node "${to}" is not a node of the cluster (nodes: ${[...cluster.nodes.keys()].sort().join(', ')})`);
        return;
      }
      if (status !== 'online') {
        report(
          `node ${to} is ${status === 'offline' ? 'offline' : `not online (status ${status})`}: the ${noun} cannot be migrated there now`,
        );
        return;
      }
      const entry = vmid !== undefined ? byVmid.get(vmid) : undefined;
      if (!entry || entry.type !== type || vmid === undefined) return; // gone: the refresh plans it anew
      if (entry.node === to) return; // already there (a migration finished): nothing to move
      const from = entry.node;
      if (cluster.nodes.get(from) !== 'online') {
        report(`the ${noun}'s node ${from} is not online: PVE cannot migrate a guest off a node that is down`);
        return;
      }
      let config: Record<string, unknown>;
      try {
        config = await ctx.client.call<Record<string, unknown>>(
          'GET',
          `${guestPath({ type, node: from, vmid })}/config`,
          undefined,
          callOpts(op),
        );
      } catch (e) {
        if (isNotFound(e)) return;
        if (isNodeUnreachable(e)) {
          report(`node ${from} did not answer (${e.reason}), so the migration of ${guestLabel({ type, vmid })} could not be checked`);
          return;
        }
        throw e;
      }
      const [source, target] = await Promise.all([storagesOf(from), storagesOf(to)]);
      for (const [node, l] of [
        [from, source],
        [to, target],
      ] as const) {
        if ('unreachable' in l) {
          report(`node ${node} did not answer (${l.unreachable}), so the migration of ${guestLabel({ type, vmid })} could not be checked`);
          return;
        }
      }
      const keys = mappingsUsed(type, config);
      for (const k of keys) if (!mappingReads.has(k)) mappingReads.set(k, readMapping(ctx, k, op));
      const mappings = new Map(await Promise.all(keys.map(async (k) => [k, await mappingReads.get(k)!] as const)));
      const needsUsbNames = Object.entries(config).some(
        ([k, v]) => (/^usb\d+$/.test(k) && typeof v === 'string' && !v.includes('mapping=')) || k === 'lxc',
      );
      const reasons = migrationBlockers({
        type,
        vmid,
        from,
        to,
        running: c.prior?.status === 'running',
        config,
        storageMap: storageMap(volumeMoves(noun, c.prior!, c.planned)).map,
        sourceStorages: 'storages' in source ? source.storages : new Map(),
        targetStorages: 'storages' in target ? target.storages : new Map(),
        mappings,
        sourceUsb: needsUsbNames ? await usbOf(from) : [],
      });
      if (type === 'qemu' && typeof config.lock !== 'string')
        reasons.push(...(await preconditionReasons(ctx, from, to, vmid, reasons, op)));
      for (const r of reasons) report(`the ${noun} cannot be migrated from ${from} to ${to}: ${r}`);
    }),
  );
  return problems;
}
