/**
 * What the proxmox provider needs once it is configured — the connection, the refresh cache
 * and the operations of each resource type — in one module the provider loads in
 * `configure`. `hl validate` and a plan's pure planning never configure a provider, so they
 * never load any of it.
 */
import pLimit from 'p-limit';
import type { ProviderCallLog } from '../../src/provider/call-log.js';
import { openPveConnection, type PveConnection } from '../pve/client/pve-connection.js';
import { ClusterInventory } from '../pve/cluster-inventory.js';
import { ClusterOptions } from './inventory/cluster-options.js';
import type { ProxmoxSettings } from '../pve/provider-settings.js';
import type { GuestContext } from './resources/guest-context.js';

export { checkGuestPlan } from './checks/live-plan-check.js';
export { PROXMOX_OPERATIONS } from './resource-operations.js';

/** Opens the connection `settings` name and the context the operations share. */
export async function openGuestContext(
  settings: ProxmoxSettings,
  workDir: string,
  inventoryTtlMs: number,
  log?: ProviderCallLog,
): Promise<{ ctx: GuestContext; connection: PveConnection }> {
  const connection = await openPveConnection(settings, workDir, 'proxmox', log);
  const client = connection.client;
  const ctx: GuestContext = {
    client,
    inventory: new ClusterInventory(client, inventoryTtlMs),
    clusterOptions: new ClusterOptions(client),
    settings,
    readLimit: pLimit(settings.readConcurrency),
    reserved: new Set(),
  };
  return { ctx, connection };
}
