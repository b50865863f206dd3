/**
 * The `proxmox` provider: QEMU VMs (`proxmox_vm`) and LXC containers (`proxmox_lxc`) on a
 * Proxmox VE 8/9 cluster, or on the embedded emulator (`emulated: true`).
 */
import type { ProviderFactory } from '../../src/provider/contract.js';
import { ProxmoxProvider } from './proxmox-provider.js';

export const proxmoxProviderFactory: ProviderFactory = { type: 'proxmox', create: () => new ProxmoxProvider() };

export { ProxmoxProvider, type ProxmoxProviderOptions } from './proxmox-provider.js';
import { migrationTimeScaleFrom } from '../pve/emulated-migration-time.js';
import { latencyProfileFrom } from '../pve/emulated-latency.js';
export { parseProviderConfig, type ProxmoxSettings, type RebootPolicy } from '../pve/provider-settings.js';

/**
 * Starts the Proxmox VE emulator for `hl emulate proxmox` (its module is loaded only now), with
 * the credentials to configure as the hint, and the latency model HL_EMULATED_PVE_LATENCY
 * names (none when unset).
 */
export async function startEmulator(o: {
  host: string;
  port: number;
  worldFile?: string;
}): Promise<{ url: string; hint: string; close(): Promise<void> }> {
  const migrationTimeScale = migrationTimeScaleFrom(process.env);
  const latency = latencyProfileFrom(process.env);
  const m = await import('../pve/emulator/start-emulator.js');
  const e = await m.startProxmoxEmulator({
    host: o.host,
    port: o.port,
    seed: 'homelab',
    ...(migrationTimeScale !== undefined ? { migrationTimeScale } : {}),
    ...(latency !== undefined ? { faults: latency } : {}),
    ...(o.worldFile ? { worldFile: o.worldFile } : {}),
  });
  return { url: e.url, hint: `API token: ${m.DEFAULT_TOKEN_ID}=${m.DEFAULT_TOKEN_SECRET}\n`, close: () => e.close() };
}
