/**
 * What the resource operations share: the client, the refresh cache, the settings, the
 * bounded concurrency for config reads, and the VMIDs reserved but not created yet.
 */
import type pLimit from 'p-limit';
import type { PveClient } from '../../pve/client/pve-client.js';
import type { ClusterInventory } from '../../pve/cluster-inventory.js';
import type { ClusterOptions } from '../inventory/cluster-options.js';
import type { CommonProxmoxSettings } from '../../pve/provider-settings.js';

export interface GuestContext {
  client: PveClient;
  inventory: ClusterInventory;
  /** Cluster-wide settings (the tag style), read once. */
  clusterOptions: ClusterOptions;
  settings: CommonProxmoxSettings;
  /** Limits concurrent config reads during a refresh. */
  readLimit: ReturnType<typeof pLimit>;
  /** VMIDs handed out by reserve and not yet created (two creates never get the same one). */
  reserved: Set<number>;
}
