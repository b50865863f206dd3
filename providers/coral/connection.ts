/**
 * The coral provider's connection to Proxmox VE: the same provider block as `proxmox`
 * (endpoint, API token or user/password, ca_file / tls_fingerprint / insecure, or
 * `emulated: true`), parsed by the proxmox provider's parser and served by its client (TLS
 * scoped to this client, retries, error mapping).
 *
 * `emulated: true` uses the embedded PVE emulator shared by every PVE-backed provider of the
 * run (see providers/proxmox/embedded-emulator.ts), so the guest the proxmox provider creates
 * is the one the Coral is passed to. It authenticates with the emulator's API token, so raw
 * devices need a cluster mapping there, as with any token.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Agent } from 'undici';
import { ProviderError, type ConfigureRequest } from '../../src/provider/contract.js';
import { PveClient } from '../proxmox/client/pve-client.js';
import { createTlsAgent, fetchThrough } from '../proxmox/client/tls-fetch.js';
import { startEmbeddedEmulator, type EmbeddedEmulator } from '../proxmox/embedded-emulator.js';
import { parseProviderConfig, type ProxmoxSettings } from '../proxmox/provider-config.js';

export interface CoralConnection {
  client: PveClient;
  settings: ProxmoxSettings;
  close(): Promise<void>;
}

export async function openConnection(req: ConfigureRequest): Promise<CoralConnection> {
  const parsed = parseProviderConfig(req.config, (p) => (isAbsolute(p) ? p : resolve(req.configDir, p)));
  if ('problems' in parsed) {
    throw new ProviderError(`coral provider: ${parsed.problems.map((p) => `${p.attribute}: ${p.message}`.replace(/proxmox provider/g, 'coral provider')).join('; ')}`);
  }
  const settings = parsed.settings;
  let agent: Agent;
  let emulator: EmbeddedEmulator | undefined;
  let client: PveClient;
  if (settings.mode === 'emulated') {
    emulator = await startEmbeddedEmulator(req.workDir);
    agent = createTlsAgent({});
    client = new PveClient({ ...emulator, fetch: fetchThrough(agent) });
  } else {
    let ca: string | undefined;
    if (settings.caFile !== undefined) {
      try {
        ca = readFileSync(settings.caFile, 'utf8');
      } catch (e) {
        throw new ProviderError(`coral provider: ca_file ${settings.caFile} cannot be read: ${(e as Error).message}`);
      }
    }
    agent = createTlsAgent({
      ...(ca !== undefined ? { ca } : {}),
      ...(settings.tlsFingerprint !== undefined ? { fingerprint: settings.tlsFingerprint } : {}),
      insecure: settings.insecure,
    });
    client = new PveClient({ protocol: settings.protocol, host: settings.host, port: settings.port, auth: settings.auth, fetch: fetchThrough(agent) });
  }
  return {
    client,
    settings,
    close: async () => {
      await agent.close().catch(() => undefined);
      await emulator?.close();
    },
  };
}
