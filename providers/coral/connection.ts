/**
 * The coral provider's connection to Proxmox VE: the same provider block as `proxmox`
 * (endpoint, API token or user/password, ca_file / tls_fingerprint / insecure, or
 * `emulated: true`), parsed by the PVE platform's parser (providers/pve/provider-settings.ts)
 * and served by its client (TLS scoped to this client, retries, error mapping).
 *
 * `emulated: true` uses the embedded PVE emulator shared by every PVE-backed provider of the
 * run (see providers/pve/embedded-emulator.ts), so the guest the proxmox provider creates
 * is the one the Coral is passed to. It authenticates with the emulator's API token, so raw
 * devices need a cluster mapping there, as with any token.
 */
import { isAbsolute, resolve } from 'node:path';
import { ProviderError, type ConfigureRequest } from '../../src/provider/contract.js';
import type { PveClient } from '../pve/client/pve-client.js';
import { openPveConnection } from '../pve/client/pve-connection.js';
import { parseProviderConfig, type ProxmoxSettings } from '../pve/provider-settings.js';

export interface CoralConnection {
  client: PveClient;
  settings: ProxmoxSettings;
  close(): Promise<void>;
}

export async function openConnection(req: ConfigureRequest): Promise<CoralConnection> {
  const parsed = parseProviderConfig(req.config, (p) => (isAbsolute(p) ? p : resolve(req.configDir, p)));
  if ('problems' in parsed) {
    throw new ProviderError(
      `coral provider: ${parsed.problems.map((p) => `${p.attribute}: ${p.message}`.replace(/proxmox provider/g, 'coral provider')).join('; ')}`,
    );
  }
  for (const w of parsed.warnings) req.warn?.(w);
  const settings = parsed.settings;
  const { client, close } = await openPveConnection(settings, req.workDir, 'coral', req.log);
  return { client, settings, close };
}
