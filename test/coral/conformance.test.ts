/**
 * The shared provider conformance suite (test/support/provider-conformance.ts) for
 * coral_passthrough: a PCIe Coral passed to a q35 VM by address as root@pam, updated in place
 * (pcie off), against a fresh emulator over HTTP.
 */
import type { Provider } from '../../src/provider/contract.js';
import { describeProviderConformance } from '../support/provider-conformance.js';
import { checkSchemaAfterAll, pciCoral, startCoralFixture } from './support/coral-fixture.js';

checkSchemaAfterAll();

async function start(): Promise<{ provider: Provider; stop(): Promise<void> }> {
  const f = await startCoralFixture();
  f.setHardware('pumped-piglet', { pci: [...f.node('pumped-piglet').pci, pciCoral({ id: '0000:04:00.0', iommugroup: 14 })] });
  f.addVm('pumped-piglet', 170);
  return { provider: f.root, stop: () => f.stop() };
}

describeProviderConformance('coral_passthrough', {
  type: 'coral_passthrough',
  start,
  config: { node: 'pumped-piglet', vmid: 170, guest_type: 'vm', pci_address: '0000:04:00.0' },
  update: { node: 'pumped-piglet', vmid: 170, guest_type: 'vm', pci_address: '0000:04:00.0', pcie: false },
});
