/**
 * The PVE emulator as a standalone server in the torture process: it outlives each hl run
 * (and each SIGKILL of one), like a real cluster, with a fresh homelab world per trial and,
 * for the faults part, one kind of fault at a given rate. hl reaches it over loopback http
 * with the emulator's token. The emulator module is loaded only when a trial sets one up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultConfig } from '../../providers/pve/emulator/start-emulator.js';
import type { FaultScenario } from './faults-part.js';
import type { Random } from './random.js';
import { proxmoxTarget, type TargetSetup } from './targets.js';

export type ProxmoxFaultKind = 'transient-500' | 'lock-contention' | 'dropped-connections' | 'slow-tasks' | 'mixed';

export const PROXMOX_FAULT_KINDS: readonly ProxmoxFaultKind[] = [
  'transient-500',
  'lock-contention',
  'dropped-connections',
  'slow-tasks',
  'mixed',
];

/** A standalone emulator per trial, with the faults `faults` gives for the trial's seed (none by default). */
export function standaloneProxmox(name: string, faults: (seed: number) => FaultConfig = () => ({})): TargetSetup {
  return {
    name,
    setup: async (random: Random) => {
      const { startProxmoxEmulator, DEFAULT_TOKEN_ID, DEFAULT_TOKEN_SECRET } = await import(
        '../../providers/pve/emulator/start-emulator.js'
      );
      const worldDir = mkdtempSync(join(tmpdir(), 'hl-torture-pve-'));
      const worldFile = join(worldDir, 'proxmox-world.json');
      const emu = await startProxmoxEmulator({ port: 0, worldFile, seed: 'homelab', faults: faults(random.seed()) });
      return {
        target: proxmoxTarget({
          kind: 'standalone',
          url: emu.url,
          tokenId: DEFAULT_TOKEN_ID,
          tokenSecret: DEFAULT_TOKEN_SECRET,
          worldFile,
        }),
        // injected faults off, for checking what the runs left
        calm: async () => emu.setFaults({}),
        close: async () => {
          await emu.close();
          rmSync(worldDir, { recursive: true, force: true });
        },
      };
    },
  };
}

/** The emulator's fault settings for one kind of fault at `rate`. */
export function proxmoxFaults(kind: ProxmoxFaultKind, rate: number, seed: number): FaultConfig {
  const transient: FaultConfig = { transient500Rate: rate };
  const locks: FaultConfig = { lockContentionRate: rate, lockContentionMs: 400 };
  const drops: FaultConfig = { dropConnectionRate: rate / 2, dropResponseRate: rate / 2 };
  // every call gets a random extra delay, and every task lasts up to seconds
  const slow: FaultConfig = { latencyJitterMs: Math.round(rate * 1000), taskDurationMs: Math.round(rate * 5000) };
  const byKind: Record<ProxmoxFaultKind, FaultConfig> = {
    'transient-500': transient,
    'lock-contention': locks,
    'dropped-connections': drops,
    'slow-tasks': slow,
    mixed: { ...transient, ...locks, ...drops, ...slow },
  };
  return { seed, ...byKind[kind] };
}

export function proxmoxFaultScenario(kind: ProxmoxFaultKind, rate: number): FaultScenario {
  return standaloneProxmox(`proxmox ${kind} ${Math.round(rate * 100)}%`, (seed) => proxmoxFaults(kind, rate, seed));
}
