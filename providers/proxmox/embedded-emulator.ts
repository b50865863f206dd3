/**
 * `emulated: true`: the PVE emulator started in-process on an ephemeral loopback port, its
 * world kept in `<workDir>/proxmox-world.json` (seeded with the homelab on first use), and
 * reached with its default API token. The emulator module is loaded only when asked for.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ProxmoxAuth } from './provider-config.js';

export const EMULATOR_WORLD_FILE = 'proxmox-world.json';

export interface EmbeddedEmulator {
  protocol: 'http' | 'https';
  host: string;
  port: number;
  auth: ProxmoxAuth;
  close(): Promise<void>;
}

export async function startEmbeddedEmulator(workDir: string): Promise<EmbeddedEmulator> {
  const { startProxmoxEmulator, DEFAULT_TOKEN_ID, DEFAULT_TOKEN_SECRET } = await import('./emulator/start-emulator.js');
  mkdirSync(workDir, { recursive: true });
  const emu = await startProxmoxEmulator({ host: '127.0.0.1', port: 0, worldFile: join(workDir, EMULATOR_WORLD_FILE), seed: 'homelab' });
  return {
    protocol: emu.url.startsWith('https:') ? 'https' : 'http',
    host: emu.host,
    port: emu.port,
    auth: { kind: 'token', tokenId: DEFAULT_TOKEN_ID, tokenSecret: DEFAULT_TOKEN_SECRET },
    close: () => emu.close(),
  };
}
