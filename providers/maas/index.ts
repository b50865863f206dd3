/**
 * The MAAS provider: devices with persistent (static) IPs, DNS records, and subnets as a
 * data source, through the MAAS REST API 2.0. Its emulator is in emulator/maas-emulator.ts,
 * loaded only when a config or `hl emulate maas` asks for it.
 */
import type { ProviderFactory } from '../../src/provider/contract.js';
import { MaasProvider } from './maas-provider.js';

export const maasProviderFactory: ProviderFactory = {
  type: 'maas',
  create: () => new MaasProvider(),
};

export { MaasProvider, type MaasProviderOptions } from './maas-provider.js';

/**
 * Starts the MAAS emulator for `hl emulate maas` (its module is loaded only now), with
 * the credentials to configure as the hint.
 */
export async function startEmulator(o: {
  host: string;
  port: number;
  worldFile?: string;
}): Promise<{ url: string; hint: string; close(): Promise<void> }> {
  const { startMaasEmulator } = await import('./emulator/maas-emulator.js');
  const key = 'hl-emulator:hl-emulator-token:hl-emulator-secret';
  const e = await startMaasEmulator({ host: o.host, port: o.port, apiKeys: [key], ...(o.worldFile ? { worldFile: o.worldFile } : {}) });
  return { url: e.url, hint: `API key: ${key}\n`, close: () => e.close() };
}
