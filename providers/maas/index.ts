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
