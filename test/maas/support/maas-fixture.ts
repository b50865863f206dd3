/**
 * Test fixture: a MAAS emulator on loopback with a world file in a temp directory, a `maas`
 * provider configured against it over real HTTP, and a second API client ("the MAAS UI") to
 * change things behind the provider's back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { parseApiKey, type MaasCredentials } from '../../../providers/maas/client/api-key.js';
import { MaasApi } from '../../../providers/maas/client/maas-api.js';
import { MaasHttpClient } from '../../../providers/maas/client/maas-http-client.js';
import { startMaasEmulator, type MaasEmulator, type MaasEmulatorOptions } from '../../../providers/maas/emulator/maas-emulator.js';
import { MaasProvider } from '../../../providers/maas/maas-provider.js';

export interface MaasFixture {
  emulator: MaasEmulator;
  provider: MaasProvider;
  /** Another API client, as if a person used the MAAS UI. */
  ui: MaasApi;
  workDir: string;
  stop(): Promise<void>;
}

export function credentialsOf(apiKey: string): MaasCredentials {
  const c = parseApiKey(apiKey);
  if ('problem' in c) throw new Error(c.problem);
  return c;
}

export async function startMaasFixture(options: MaasEmulatorOptions = {}): Promise<MaasFixture> {
  const workDir = mkdtempSync(join(tmpdir(), 'hl-maas-'));
  const emulator = await startMaasEmulator({ worldFile: join(workDir, 'maas-world.json'), seed: 7, ...options });
  const provider = new MaasProvider({ retryDelayMs: 5 });
  await provider.configure({ config: { url: emulator.url, api_key: emulator.apiKey }, configDir: workDir, workDir });
  const dispatcher = new Agent();
  const ui = new MaasApi(new MaasHttpClient({ url: emulator.url, credentials: credentialsOf(emulator.apiKey), dispatcher, retryDelayMs: 5 }));
  return {
    emulator,
    provider,
    ui,
    workDir,
    stop: async () => {
      await provider.close();
      await dispatcher.close();
      await emulator.close();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
