/**
 * The `crucible` provider: Oxide's disk model (crucible_disk, crucible_snapshot,
 * crucible_image, crucible_attachment) on a Proxmox VE cluster's storage, or on the embedded
 * emulator (`emulated: true`). See README.md for the design.
 */
import type { ProviderFactory } from '../../src/provider/contract.js';
import { CrucibleProvider } from './crucible-provider.js';

export const crucibleProviderFactory: ProviderFactory = { type: 'crucible', create: () => new CrucibleProvider() };

export { CrucibleProvider, RESOURCE_TYPES, type CrucibleResourceType } from './crucible-provider.js';
export { parseCrucibleConfig, DEFAULT_HOLDER_VMIDS, type CrucibleSettings, type VmidRange } from './provider-settings.js';
