/**
 * A configured kuma provider against a fresh emulator, and the small steps tests repeat:
 * plan then create, plan then update, the way the engine drives a provider.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Attributes } from '../../../src/core/value.js';
import type { CreateResponse } from '../../../src/provider/contract.js';
import { KumaProvider } from '../../../providers/kuma/index.js';
import { startKumaEmulator, type KumaEmulator, type KumaEmulatorOptions } from '../../../providers/kuma/emulator/index.js';

export const USER = { username: 'admin', password: 'Passw0rd!' };

export interface KumaTestEnv {
  emulator: KumaEmulator;
  provider: KumaProvider;
  providerConfig: Attributes;
  stop(): Promise<void>;
}

export function tempDir(prefix = 'hl-kuma-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startKumaEnv(opts: { emulator?: KumaEmulatorOptions; provider?: Attributes } = {}): Promise<KumaTestEnv> {
  const emulator = await startKumaEmulator({ users: [USER], ...opts.emulator });
  const providerConfig: Attributes = { url: emulator.url, ...USER, timeout_ms: 3000, ...opts.provider };
  const provider = new KumaProvider();
  await provider.configure({ config: providerConfig, configDir: process.cwd(), workDir: tempDir() });
  return {
    emulator,
    provider,
    providerConfig,
    stop: async () => {
      await provider.close();
      await emulator.close();
    },
  };
}

export function plan(provider: KumaProvider, type: string, config: Attributes, prior: Attributes | null = null, providerConfig: Attributes = {}): Attributes {
  return provider.planResource({ type, prior, config, providerConfig }).planned;
}

export async function createResource(provider: KumaProvider, type: string, config: Attributes, providerConfig: Attributes = {}): Promise<CreateResponse> {
  const planned = plan(provider, type, config, null, providerConfig);
  const { identity } = await provider.reserve({ type, planned });
  return provider.create({ type, planned, identity });
}

export async function updateResource(provider: KumaProvider, type: string, id: string, prior: Attributes, config: Attributes): Promise<Attributes> {
  const planned = plan(provider, type, config, prior);
  return (await provider.update({ type, id, prior, planned })).state;
}

export async function readResource(provider: KumaProvider, type: string, id: string, prior: Attributes): Promise<Attributes | null> {
  return (await provider.read({ type, id, prior })).state;
}
