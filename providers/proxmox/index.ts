/**
 * The `proxmox` provider: QEMU VMs (`proxmox_vm`) and LXC containers (`proxmox_lxc`) on a
 * Proxmox VE 8/9 cluster, or on the embedded emulator (`emulated: true`).
 */
import type { ProviderFactory } from '../../src/provider/contract.js';
import { ProxmoxProvider } from './proxmox-provider.js';

export const proxmoxProviderFactory: ProviderFactory = { type: 'proxmox', create: () => new ProxmoxProvider() };

export { ProxmoxProvider, type ProxmoxProviderOptions } from './proxmox-provider.js';
export { parseProviderConfig, type ProxmoxSettings, type RebootPolicy } from '../pve/provider-settings.js';
