/**
 * The providers and emulators built into hl, wired for the entry point (main.ts), and the
 * one file besides it that names `providers/*`. Each provider's module (and its emulator's)
 * is imported only when asked for, so `hl --help` and `hl validate` load none of them.
 */
import type { EmulatorProfiles, EmulatorRegistry, EmulatorStarter } from '../engine/emulator-registry.js';
import type { ProviderRegistry } from '../engine/provider-registry.js';

type ProviderFactory = NonNullable<Awaited<ReturnType<ProviderRegistry['load']>>>;

const BUILTIN: Record<string, () => Promise<ProviderFactory>> = {
  fake: async () => (await import('../../providers/fake/index.js')).fakeProviderFactory,
  proxmox: async () => (await import('../../providers/proxmox/index.js')).proxmoxProviderFactory,
  maas: async () => (await import('../../providers/maas/index.js')).maasProviderFactory,
  crucible: async () => (await import('../../providers/crucible/index.js')).crucibleProviderFactory,
  coral: async () => (await import('../../providers/coral/index.js')).coralProviderFactory,
  kuma: async () => (await import('../../providers/kuma/index.js')).kumaProviderFactory,
};

export function builtinProviders(): ProviderRegistry {
  return {
    types: () => Object.keys(BUILTIN).sort(),
    load: async (type) => (Object.hasOwn(BUILTIN, type) ? BUILTIN[type]!() : undefined),
  };
}

export function builtinEmulators(): EmulatorRegistry {
  return new Map<string, EmulatorStarter>([
    ['proxmox', async (o) => (await import('../../providers/proxmox/index.js')).startEmulator(o)],
    ['maas', async (o) => (await import('../../providers/maas/index.js')).startEmulator(o)],
    ['kuma', async (o) => (await import('../../providers/kuma/index.js')).startEmulator(o)],
  ]);
}

/** The releases each emulator plays, for `hl version` (only the small files naming them are loaded). */
export async function builtinEmulatorProfiles(): Promise<EmulatorProfiles[]> {
  const [pve, maas, kuma] = await Promise.all([
    import('../../providers/pve/emulator/pve-profile.js'),
    import('../../providers/maas/provider-config.js'),
    import('../../providers/kuma/provider-config.js'),
  ]);
  return [
    { provider: 'proxmox', product: 'Proxmox VE', versions: pve.PVE_VERSIONS, default: pve.DEFAULT_PVE_VERSION },
    { provider: 'maas', product: 'MAAS', versions: maas.EMULATED_MAAS_VERSIONS, default: maas.DEFAULT_EMULATED_MAAS_VERSION },
    { provider: 'kuma', product: 'Uptime Kuma', versions: kuma.EMULATED_KUMA_VERSIONS, default: kuma.DEFAULT_EMULATED_KUMA_VERSION },
  ];
}
