/**
 * `emulated: true`: the PVE emulator started in-process on an ephemeral loopback port and
 * reached with its default API token. Every PVE-backed provider of a run (proxmox and its
 * aliases, crucible, coral) shares one emulated cluster: one emulator per world file,
 * started on first use and stopped when the last provider closes it. The world lives in
 * `.hl/providers/proxmox/proxmox-world.json` (seeded with the homelab on first use). The
 * emulator module is loaded only when asked for. A create or clone cut short when the hl
 * process (and so its emulator) died is rolled back at the next start, as a PVE server that
 * outlived the client would have failed and cleaned it up by itself.
 *
 * The emulator plays the PVE release the provider block's `pve_version` names (default
 * 9.1). Every block sharing it (proxmox, its aliases, coral, crucible) takes the setting and
 * must name the same release, a block without it meaning the default: one cluster runs one
 * version, and a mismatch is a configuration error rather than an order-dependent pick.
 */
import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ProviderError } from '../../src/provider/contract.js';
import type { PveVersion } from './emulator/pve-profile.js';
import { DEFAULT_EMULATED_PVE_VERSION, type ProxmoxAuth } from './provider-settings.js';
import { migrationTimeScaleFrom } from './emulated-migration-time.js';

export const EMULATOR_WORLD_FILE = 'proxmox-world.json';

export interface EmbeddedEmulator {
  protocol: 'http' | 'https';
  host: string;
  port: number;
  auth: ProxmoxAuth;
  close(): Promise<void>;
}

interface Running {
  emulator: Promise<Omit<EmbeddedEmulator, 'close'> & { stop(): Promise<void> }>;
  users: number;
  pveVersion: PveVersion;
  /** The provider whose block started it (`proxmox`, `coral`, `crucible`), for messages. */
  startedBy: string;
}

const running = new Map<string, Running>();

/**
 * The directory holding the shared emulated world, for a provider whose work directory is
 * `workDir`: hl gives each provider `.hl/providers/<key>/`, and the world lives with the
 * un-aliased `proxmox` provider's; outside that layout, `workDir` itself.
 */
export function sharedEmulatorDir(workDir: string): string {
  const parent = dirname(workDir);
  return basename(parent) === 'providers' ? join(parent, 'proxmox') : workDir;
}

/**
 * The shared emulator of `workDir`'s world, started (playing `pveVersion`) if it is not
 * running; a ProviderError when it runs another version for another provider block.
 * `provider` names the asking provider in messages.
 */
export async function startEmbeddedEmulator(workDir: string, pveVersion: PveVersion, provider: string): Promise<EmbeddedEmulator> {
  const dir = sharedEmulatorDir(workDir);
  const worldFile = resolve(dir, EMULATOR_WORLD_FILE);
  let entry = running.get(worldFile);
  if (entry && entry.pveVersion !== pveVersion) {
    throw new ProviderError(
      `pve_version "${pveVersion}" differs from "${entry.pveVersion}", the release the emulated cluster of this run already plays for a ${entry.startedBy} provider block; ` +
        `every emulated block sharing it (proxmox, its aliases, coral, crucible) must set the same pve_version (left out, it is "${DEFAULT_EMULATED_PVE_VERSION}")`,
    );
  }
  if (!entry) {
    entry = { users: 0, emulator: launch(dir, worldFile, pveVersion), pveVersion, startedBy: provider };
    running.set(worldFile, entry);
    entry.emulator.catch(() => running.delete(worldFile));
  }
  entry.users++;
  const shared = entry;
  const emu = await shared.emulator;
  let closed = false;
  return {
    protocol: emu.protocol,
    host: emu.host,
    port: emu.port,
    auth: emu.auth,
    close: async () => {
      if (closed) return;
      closed = true;
      if (--shared.users > 0) return;
      running.delete(worldFile);
      await emu.stop();
    },
  };
}

async function launch(
  dir: string,
  worldFile: string,
  pveVersion: PveVersion,
): Promise<Omit<EmbeddedEmulator, 'close'> & { stop(): Promise<void> }> {
  const migrationTimeScale = migrationTimeScaleFrom(process.env);
  const { startProxmoxEmulator, DEFAULT_TOKEN_ID, DEFAULT_TOKEN_SECRET } = await import('./emulator/start-emulator.js');
  mkdirSync(dir, { recursive: true });
  const emu = await startProxmoxEmulator({
    host: '127.0.0.1',
    port: 0,
    worldFile,
    seed: 'homelab',
    orphanedCreates: 'roll-back',
    pveVersion,
    ...(migrationTimeScale !== undefined ? { migrationTimeScale } : {}),
  });
  return {
    protocol: emu.url.startsWith('https:') ? 'https' : 'http',
    host: emu.host,
    port: emu.port,
    auth: { kind: 'token', tokenId: DEFAULT_TOKEN_ID, tokenSecret: DEFAULT_TOKEN_SECRET },
    stop: () => emu.close(),
  };
}
