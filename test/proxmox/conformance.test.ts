/**
 * The shared provider conformance suite (test/support/provider-conformance.ts) for
 * proxmox_vm and proxmox_lxc, each against a fresh emulator over HTTP, once per PVE release
 * hl supports (`pve_version`: 8.4 and 9.1).
 */
import type { PveVersion } from '../../providers/pve/emulator/pve-profile.js';
import { EMULATED_PVE_VERSIONS } from '../../providers/pve/provider-settings.js';
import type { Provider } from '../../src/provider/contract.js';
import { describeProviderConformance } from '../support/provider-conformance.js';
import { startFixture } from './support/provider-fixture.js';
import { checkRequestsAfterAll } from './support/schema-check.js';

checkRequestsAfterAll();

function starter(pveVersion: PveVersion): () => Promise<{ provider: Provider; stop(): Promise<void> }> {
  return async () => {
    const f = await startFixture({ pveVersion });
    return { provider: f.provider, stop: () => f.stop() };
  };
}

for (const pveVersion of EMULATED_PVE_VERSIONS) {
  const start = starter(pveVersion);

  describeProviderConformance(`proxmox_vm on PVE ${pveVersion}`, {
    type: 'proxmox_vm',
    start,
    config: {
      node: 'pve',
      name: 'conformance-vm',
      cores: 1,
      memory: 512,
      tags: ['conformance'],
      disks: { scsi0: { storage: 'local-lvm', size: '2G' } },
      networks: { net0: { bridge: 'vmbr0' } },
    },
    update: {
      node: 'pve',
      name: 'conformance-vm-2',
      cores: 1,
      memory: 768,
      description: 'updated in place',
      onboot: true,
      tags: ['conformance', 'updated'],
      disks: { scsi0: { storage: 'local-lvm', size: '3G' } },
      networks: { net0: { bridge: 'vmbr0', firewall: true } },
    },
  });

  describeProviderConformance(`proxmox_lxc on PVE ${pveVersion}`, {
    type: 'proxmox_lxc',
    start,
    config: {
      node: 'pve',
      hostname: 'conformance-ct',
      ostemplate: 'local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz',
      unprivileged: true,
      memory: 256,
      rootfs: { storage: 'local-lvm', size: '1G' },
      networks: { net0: { bridge: 'vmbr0', ip: 'dhcp' } },
    },
    update: {
      node: 'pve',
      hostname: 'conformance-ct-2',
      ostemplate: 'local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz',
      unprivileged: true,
      memory: 384,
      description: 'updated in place',
      rootfs: { storage: 'local-lvm', size: '2G' },
      networks: { net0: { bridge: 'vmbr0', ip: '192.168.4.60/24', gw: '192.168.4.1' } },
    },
  });
}
