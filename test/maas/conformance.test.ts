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
