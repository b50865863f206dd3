/** The shared provider conformance suite, run for maas_device and maas_dns_record against the emulator. */
import { describeProviderConformance } from '../support/provider-conformance.js';
import { startMaasFixture } from './support/maas-fixture.js';

async function start() {
  const f = await startMaasFixture();
  return { provider: f.provider, stop: f.stop };
}

describeProviderConformance('maas_device', {
  type: 'maas_device',
  start,
  config: {
    hostname: 'conformance-host',
    description: 'made by the conformance suite',
    interfaces: { 'bc:24:11:c0:00:01': { subnet: '192.168.4.0/24', ip: '192.168.4.80' } },
  },
  update: {
    hostname: 'conformance-host-2',
    description: 'updated in place',
    interfaces: { 'bc:24:11:c0:00:01': { subnet: '192.168.4.0/24', ip: '192.168.4.81' } },
  },
  importId: (_id, state) => String(state.hostname),
});

describeProviderConformance('maas_dns_record', {
  type: 'maas_dns_record',
  start,
  config: { type: 'A', fqdn: 'conformance.maas', ttl: 300, data: ['192.168.4.82'] },
  update: { type: 'A', fqdn: 'conformance.maas', ttl: 600, data: ['192.168.4.83', '192.168.4.84'] },
});

describeProviderConformance('maas_dns_domain', {
  type: 'maas_dns_domain',
  start,
  config: { name: 'conformance.lab', ttl: 300 },
  update: { name: 'conformance.lab', ttl: 600, authoritative: false },
  importId: (_id, state) => String(state.name),
});

describeProviderConformance('maas_tag', {
  type: 'maas_tag',
  start,
  config: { name: 'conformance', comment: 'made by the conformance suite', nodes: ['pqd3ht'] },
  update: { name: 'conformance', comment: 'updated in place', nodes: ['c8rw4m', 'pqd3ht'] },
});

describeProviderConformance('maas_reserved_ip', {
  type: 'maas_reserved_ip',
  start: async () => {
    const f = await startMaasFixture({ maasVersion: '3.6' });
    return { provider: f.provider, stop: f.stop };
  },
  config: { ip: '192.168.4.85', mac_address: 'bc:24:11:c0:00:85', subnet: '192.168.4.0/24', comment: 'conformance' },
  update: { ip: '192.168.4.85', mac_address: 'bc:24:11:c0:00:85', subnet: '192.168.4.0/24', comment: 'updated in place' },
  importId: (_id, state) => String(state.ip),
});
