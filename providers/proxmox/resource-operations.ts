/**
 * The apply-time side of each proxmox resource type: one handler per guest kind, each the
 * guest CRUD (resources/guest-resource.ts) given that kind's adapter (VM or container).
 * Loaded with the runtime, in `configure`.
 */
import { ProviderError } from '../../src/provider/contract.js';
import type { ResourceOperations } from '../../src/provider/resource-handler.js';
import type { GuestContext } from './resources/guest-context.js';
import {
  createGuest,
  deleteGuest,
  type GuestKindAdapter,
  importGuest,
  readGuest,
  recoverGuest,
  reserveGuest,
  updateGuest,
} from './resources/guest-resource.js';
import { LXC_ADAPTER } from './resources/lxc-resource.js';
import { VM_ADAPTER } from './resources/vm-resource.js';

function guestOperations(kind: GuestKindAdapter): ResourceOperations<GuestContext> {
  return {
    read: async (ctx, req) => {
      const vmid = typeof req.prior.vmid === 'number' ? req.prior.vmid : Number(/(\d+)$/.exec(req.id)?.[1]);
      if (!Number.isInteger(vmid)) throw new ProviderError(`"${req.id}" is not a guest id (expected node/vmid)`);
      const state = await readGuest(ctx, kind, vmid, req.prior, req);
      // Found on another node than the id says (migrated): the new id.
      return state && typeof state.id === 'string' && state.id !== req.id ? { state, id: state.id } : { state };
    },
    reserve: async (ctx, req) => ({ identity: await reserveGuest(ctx, req.planned, req) }),
    create: (ctx, req) => createGuest(ctx, kind, req.planned, req.identity, req),
    update: async (ctx, req) => {
      const state = await updateGuest(ctx, kind, req.id, req.prior, req.planned, req);
      return typeof state.id === 'string' && state.id !== req.id ? { state, id: state.id } : { state };
    },
    delete: async (ctx, req) => {
      await deleteGuest(ctx, kind, req.id, req.prior, req);
    },
    recover: (ctx, req) => recoverGuest(ctx, kind, req.identity, req.planned, req),
    importResource: (ctx, req) => importGuest(ctx, kind, req.id, req),
  };
}

export const PROXMOX_OPERATIONS: Readonly<Record<string, ResourceOperations<GuestContext>>> = {
  proxmox_vm: guestOperations(VM_ADAPTER),
  proxmox_lxc: guestOperations(LXC_ADAPTER),
};
