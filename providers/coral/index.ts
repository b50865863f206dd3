/**
 * The `coral` provider: Google Coral Edge TPUs on Proxmox VE nodes — the `coral_devices`
 * data source and the `coral_passthrough` resource (see README.md).
 */
import type { ProviderFactory } from '../../src/provider/contract.js';
import { CoralProvider } from './coral-provider.js';

export const coralProviderFactory: ProviderFactory = { type: 'coral', create: () => new CoralProvider() };

export { CoralProvider } from './coral-provider.js';
export { coralsOfNode, type CoralDevice, type CoralKind, type CoralState } from './hardware/coral-device.js';
export { HOST_CONFIG_LINES } from './passthrough/lxc-usb-host-lines.js';
