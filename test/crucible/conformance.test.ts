/** The shared provider conformance suite for crucible_disk, against the PVE emulator over HTTP. */
import { describeProviderConformance } from '../support/provider-conformance.js';
import { checkRequestsAfterAll, startCrucibleFixture } from './support/crucible-fixture.js';

checkRequestsAfterAll();

describeProviderConformance('crucible_disk', {
  type: 'crucible_disk',
  start: async () => {
    const f = await startCrucibleFixture();
    return { provider: f.provider, stop: () => f.stop() };
  },
  config: { name: 'conformance', description: 'a blank disk', size: '1G', placement: { node: 'pve', storage: 'local-lvm' } },
  update: { name: 'conformance-renamed', description: 'renamed in place', size: '2G', placement: { node: 'pve', storage: 'local-lvm' } },
});

describeProviderConformance('crucible_disk with asynchronous ZFS replication', {
  type: 'crucible_disk',
  start: async () => {
    const f = await startCrucibleFixture();
    return { provider: f.provider, stop: () => f.stop() };
  },
  config: {
    name: 'replicated',
    size: '1G',
    placement: { node: 'pumped-piglet', storage: 'local-zfs' },
    redundancy: { mode: 'async-zfs', targets: ['pve'], schedule: '*/15' },
  },
  update: {
    name: 'replicated',
    size: '1G',
    placement: { node: 'pumped-piglet', storage: 'local-zfs' },
    redundancy: { mode: 'async-zfs', targets: ['chief-horse', 'pve'], schedule: '*/5' },
  },
});
