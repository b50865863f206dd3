/**
 * The apply-time side of the coral resource type and data source: thin handlers over the
 * provider's PVE client that turn the contract's requests into the passthrough's observe and
 * write (passthrough/) and the devices listing. Loaded with the runtime, in `configure`.
 */
import type { Attributes } from '../../src/core/value.js';
import { ProviderError } from '../../src/provider/contract.js';
import type { DataSourceHandler, ResourceOperations } from '../../src/provider/resource-handler.js';
import type { PveClient } from '../pve/client/pve-client.js';
import { readCoralDevices } from './devices-data-source.js';
import { locateGuest } from './passthrough/guest-api.js';
import { observePassthrough, type PassthroughIdentity } from './passthrough/passthrough-observe.js';
import { parsePassthroughId } from './passthrough/passthrough-state.js';
import { applyPassthrough, removePassthrough } from './passthrough/passthrough-write.js';

function identityOf(id: string, prior: Attributes): PassthroughIdentity {
  const parsed = parsePassthroughId(id);
  const node = typeof prior.node === 'string' ? prior.node : parsed?.node;
  const vmid = typeof prior.vmid === 'number' ? prior.vmid : parsed?.vmid;
  if (node === undefined || vmid === undefined) throw new ProviderError(`"${id}" is not a coral_passthrough id (expected node/vmid/slot)`);
  const slot = typeof prior.slot === 'string' ? prior.slot : prior.slot === null ? null : (parsed?.slot ?? null);
  return {
    node,
    vmid,
    guestType:
      prior.guest_type === 'lxc' || prior.guest_type === 'vm' ? prior.guest_type : slot === null || /^dev\d+$/.test(slot) ? 'lxc' : 'vm',
    slot,
    port: typeof prior.port === 'string' ? prior.port : null,
    pciAddress: typeof prior.pci_address === 'string' ? prior.pci_address : null,
    index: typeof prior.index === 'number' ? prior.index : null,
    allowSharedIommuGroup: prior.allow_shared_iommu_group === true,
  };
}

export const CORAL_OPERATIONS: Readonly<Record<string, ResourceOperations<PveClient>>> = {
  coral_passthrough: {
    read: async (api, req) => ({ state: await observePassthrough(api, identityOf(req.id, req.prior), req) }),
    create: (api, req) => applyPassthrough(api, req.planned, null, req),
    update: async (api, req) => ({ state: (await applyPassthrough(api, req.planned, req.prior, req)).state }),
    delete: async (api, req) => {
      await removePassthrough(api, req.prior, req);
    },
    importResource: async (api, req) => {
      const parsed = parsePassthroughId(req.id);
      if (!parsed) throw new ProviderError(`"${req.id}" is not a coral_passthrough id: expected node/vmid/slot, e.g. fun-bedbug/120/usb0`);
      const where = await locateGuest(api, parsed.vmid, req);
      if (!where || where.node !== parsed.node) return { resource: null };
      const state = await observePassthrough(api, { ...where, slot: parsed.slot }, req);
      return { resource: state ? { id: req.id, state } : null };
    },
  },
};

export const CORAL_DATA_SOURCES: Readonly<Record<string, DataSourceHandler<PveClient>>> = {
  coral_devices: { read: async (api, req) => ({ state: await readCoralDevices(api, req.config, req) }) },
};
