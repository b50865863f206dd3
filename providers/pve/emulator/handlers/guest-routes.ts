/**
 * The guest endpoints that work the same for VMs (`/nodes/{node}/qemu...`) and containers
 * (`/nodes/{node}/lxc...`): listing and indexes, GET config and pending, current status,
 * reboot, and snapshots. What differs (create, update, destroy, start/stop, clone, resize,
 * template, and some parameters) is in qemu.ts and lxc.ts.
 */
import { fail, permFail } from '../api-error.js';
import { guestKind } from '../guest-kind.js';
import { bool, int, NODE, opt, SNAPNAME, str, VMID, type ParamSchema } from '../param-schema.js';
import type { RouteDef } from '../router.js';
import { guestConfig, type GuestType } from '../world.js';
import {
  configAnswer,
  createSnapshot,
  currentStatus,
  deleteSnapshot,
  guestOf,
  listEntry,
  listSnapshots,
  pendingAnswer,
  rebootGuest,
  rollbackSnapshot,
  typedSection,
} from './guest-common.js';

/** `node` and `vmid`, the parameters of every `/nodes/{node}/<type>/{vmid}...` endpoint. */
export const GUEST_BASE: ParamSchema = { node: NODE, vmid: VMID };

export interface GuestRouteOptions {
  /** Parameters of `GET /nodes/{node}/<type>` besides `node`. */
  listParams: ParamSchema;
  /** The sub-directories `GET .../{vmid}` lists. */
  index: string[];
  /** The sub-directories `GET .../{vmid}/status` lists. */
  statusIndex: string[];
  /** Parameters of `POST .../snapshot` besides node, vmid, snapname and description. */
  snapshotParams: ParamSchema;
}

/**
 * The permission the read endpoints of one guest declare before their code runs:
 * `['perm', '/vms/{vmid}', ['VM.Audit']]` (qemu-server PVE/API2/Qemu.pm vm_config, vm_pending,
 * vm_status; pve-container src/PVE/API2/LXC.pm and LXC/Status.pm alike), so a caller without it
 * gets 403 whether or not the guest exists.
 */
function requireAudit(req: Parameters<RouteDef['handler']>[1]): void {
  const vmid = req.params.vmid as number;
  if (!req.auth.has('VM.Audit', `/vms/${vmid}`)) permFail(`/vms/${vmid}, VM.Audit`);
}

function subdirs(names: string[]): { subdir: string }[] {
  return names.map((subdir) => ({ subdir }));
}

export function guestRoutes(type: GuestType, options: GuestRouteOptions): RouteDef[] {
  const base = `/nodes/{node}/${type}`;
  return [
    {
      method: 'GET',
      path: base,
      params: { node: NODE, ...options.listParams },
      proxyToNode: true,
      handler: (emu, req) =>
        Object.values(emu.world.guests)
          .filter((g) => g.type === type && g.node === req.params.node)
          // live (vmstatus), only guests the caller may audit: qemu-server PVE/API2/Qemu.pm vmlist,
          // pve-container src/PVE/API2/LXC.pm vmlist
          .filter((g) => req.auth.has('VM.Audit', `/vms/${g.vmid}`))
          .map((g) => listEntry(emu, g)),
    },
    {
      method: 'GET',
      path: `${base}/{vmid}`,
      params: GUEST_BASE,
      proxyToNode: true,
      handler: (emu, req) => {
        guestOf(emu, req, type);
        return subdirs(options.index);
      },
    },
    {
      method: 'GET',
      path: `${base}/{vmid}/config`,
      proxyToNode: true,
      params: { ...GUEST_BASE, current: opt(bool()), snapshot: opt(SNAPNAME) },
      handler: (emu, req) => {
        requireAudit(req);
        return configAnswer(guestOf(emu, req, type), req.params);
      },
    },
    {
      method: 'GET',
      path: `${base}/{vmid}/pending`,
      params: GUEST_BASE,
      proxyToNode: true,
      handler: (emu, req) => {
        requireAudit(req);
        return pendingAnswer(guestOf(emu, req, type));
      },
    },
    {
      method: 'GET',
      path: `${base}/{vmid}/status`,
      params: GUEST_BASE,
      proxyToNode: true,
      handler: (emu, req) => {
        guestOf(emu, req, type);
        return subdirs(options.statusIndex);
      },
    },
    {
      method: 'GET',
      path: `${base}/{vmid}/status/current`,
      params: GUEST_BASE,
      proxyToNode: true,
      handler: (emu, req) => {
        requireAudit(req);
        return currentStatus(emu, guestOf(emu, req, type));
      },
    },
    {
      method: 'POST',
      path: `${base}/{vmid}/status/reboot`,
      proxyToNode: true,
      params: { ...GUEST_BASE, timeout: opt(int({ minimum: 0 })) },
      handler: (emu, req) => rebootGuest(emu, req, type),
    },
    {
      method: 'GET',
      path: `${base}/{vmid}/snapshot`,
      params: GUEST_BASE,
      proxyToNode: true,
      handler: (emu, req) => listSnapshots(emu, req, type),
    },
    {
      method: 'POST',
      path: `${base}/{vmid}/snapshot`,
      proxyToNode: true,
      params: { ...GUEST_BASE, snapname: SNAPNAME, ...options.snapshotParams, description: opt(str()) },
      handler: (emu, req) => createSnapshot(emu, req, type),
    },
    {
      method: 'GET',
      path: `${base}/{vmid}/snapshot/{snapname}`,
      params: { ...GUEST_BASE, snapname: SNAPNAME },
      proxyToNode: true,
      handler: () => [{ cmd: 'rollback' }, { cmd: 'config' }],
    },
    {
      method: 'DELETE',
      path: `${base}/{vmid}/snapshot/{snapname}`,
      proxyToNode: true,
      params: { ...GUEST_BASE, snapname: SNAPNAME, force: opt(bool()) },
      handler: (emu, req) => deleteSnapshot(emu, req, type),
    },
    {
      method: 'GET',
      path: `${base}/{vmid}/snapshot/{snapname}/config`,
      params: { ...GUEST_BASE, snapname: SNAPNAME },
      proxyToNode: true,
      handler: (emu, req) => {
        const g = guestOf(emu, req, type);
        const snap = guestConfig(g).snapshots[req.params.snapname as string];
        if (!snap) fail(`snapshot '${req.params.snapname}' does not exist`);
        return typedSection(guestKind(type), snap);
      },
    },
    {
      method: 'POST',
      path: `${base}/{vmid}/snapshot/{snapname}/rollback`,
      proxyToNode: true,
      params: { ...GUEST_BASE, snapname: SNAPNAME, start: opt(bool()) },
      handler: (emu, req) => rollbackSnapshot(emu, req, type),
    },
  ];
}
