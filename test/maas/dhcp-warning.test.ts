/**
 * A static IP on a subnet whose VLAN has no MAAS DHCP is a plan warning (issue 17, item 6):
 * MAAS records the address, but a VM asking DHCP for one is never handed it. Found from a
 * `maas_subnet` object (pure) and, for a subnet given by CIDR or id, by the live plan check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { startMaasFixture, type MaasFixture } from './support/maas-fixture.js';

const WARNING =
  'IP 192.168.4.40 is on 192.168.4.0/24, whose VLAN "untagged" has no MAAS DHCP: MAAS records the address, but a VM that asks ' +
  'DHCP for one will never be handed it; configure it statically in the guest, or enable DHCP on the VLAN';

describe('no MAAS DHCP on the VLAN of a static IP', () => {
  let f: MaasFixture;
  beforeAll(async () => {
    f = await startMaasFixture();
  });
  afterAll(async () => {
    await f.stop();
  });

  const config = (subnet: Attributes[string]): Attributes => ({ hostname: 'vm40', interfaces: { lan: { mac: 'bc:24:11:00:00:40', subnet, ip: '192.168.4.40' } } });
  const check = (planned: Attributes) => f.provider.checkPlan({ changes: [{ address: 'maas_device.vm40', type: 'maas_device', action: 'create', prior: null, planned }] });
  const plan = (c: Attributes) => f.provider.planResource({ type: 'maas_device', prior: null, config: c, providerConfig: {} }).planned;

  it('the live plan check warns when the VLAN has DHCP off, and is silent when it is on', async () => {
    expect((await check(plan(config('192.168.4.0/24')))).problems).toEqual([]);
    f.emulator.world.vlans[0]!.dhcp_on = false;
    f.emulator.persist();
    expect((await check(plan(config('192.168.4.0/24')))).problems).toEqual([
      { address: 'maas_device.vm40', path: ['interfaces', 'lan', 'ip'], severity: 'warning', message: WARNING },
    ]);
    f.emulator.world.vlans[0]!.dhcp_on = true;
    f.emulator.persist();
  });

  it('a maas_subnet object with vlan.dhcp_on false warns at validation', () => {
    const subnet = { id: 1, cidr: '192.168.4.0/24', vlan: { name: 'untagged', dhcp_on: false }, dynamic_ranges: [] };
    expect(f.provider.validateResource({ type: 'maas_device', config: config(subnet), providerConfig: {} })).toEqual([
      { path: ['interfaces', 'lan', 'ip'], severity: 'warning', message: WARNING },
    ]);
  });
});
