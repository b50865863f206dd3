/**
 * A configured kuma provider against a fresh emulator, and the small steps tests repeat:
 * plan then create, plan then update, the way the engine drives a provider.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
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

/** The self-signed test certificate of test/kuma/fixtures (PEM) and its SHA-256 fingerprint. */
export const TEST_TLS = {
  cert: readFileSync(fileURLToPath(new URL('../fixtures/kuma-test-cert.pem', import.meta.url)), 'utf8'),
  key: readFileSync(fileURLToPath(new URL('../fixtures/kuma-test-key.pem', import.meta.url)), 'utf8'),
  fingerprint: '62:92:8E:8E:B0:FA:32:03:46:FA:62:A5:E3:30:28:10:0D:74:E4:AD:07:9E:FA:A3:2E:1D:1B:56:B5:02:27:D2',
};

/**
 * For a test file: `env()` starts a provider against a fresh emulator that is stopped after
 * each test (with anything else pushed on `cleanups`, last first).
 */
export function kumaEnvsPerTest(): { env: typeof startKumaEnv; cleanups: (() => Promise<void>)[] } {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return {
    cleanups,
    env: async (opts = {}) => {
      const e = await startKumaEnv(opts);
      cleanups.push(e.stop);
      return e;
    },
  };
}
