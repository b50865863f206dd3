/**
 * The provider types hl knows, by name. Each provider's code is loaded only when a config
 * uses it, so `hl --help` and `hl validate` start fast.
 */
import type { ProviderFactory } from '../provider/contract.js';

export interface ProviderRegistry {
  types(): string[];
  load(type: string): Promise<ProviderFactory | undefined>;
}

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
