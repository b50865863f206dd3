/**
 * The MAAS provider: devices with persistent (static) IPs, DNS records, and subnets as a
 * data source, through the MAAS REST API 2.0; plus its embedded emulator.
 */
import type { ProviderFactory } from '../../src/provider/contract.js';
import { MaasProvider } from './maas-provider.js';

export const maasProviderFactory: ProviderFactory = {
  type: 'maas',
  create: () => new MaasProvider(),
};

export { MaasProvider, type MaasProviderOptions } from './maas-provider.js';
export { startMaasEmulator, type MaasEmulator, type MaasEmulatorOptions, type MaasEmulatorFaults, type RequestLogEntry } from './emulator/maas-emulator.js';
export { seedHomelabWorld } from './emulator/world-seed.js';
export type { MaasWorld } from './emulator/world.js';
