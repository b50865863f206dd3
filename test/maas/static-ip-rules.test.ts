/**
 * Static IPs as MAAS has them (issue 17, item 4): only dynamic ranges are refused; reserved
 * ranges (the seed's network gear .2–.9) hold static addresses; the gateway is a warning; on
 * MAAS 3.6+ a clash with a reserved IP is found at plan time, before the device exists; an
 * unlink leaves MAAS's link_up link, which plans no change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import type { PlannedChange } from '../../src/provider/contract.js';
import { startMaasFixture, type MaasFixture } from './support/maas-fixture.js';

const lan = (mac: string, ip: string, extra: Attributes = {}): Attributes => ({
  hostname: `box-${ip.split('.').pop()}`,
  interfaces: { lan: { mac, subnet: '192.168.4.0/24', ip } },
  ...extra,
});

function plan(f: MaasFixture, type: string, config: Attributes, prior: Attributes | null = null): Attributes {
  return f.provider.planResource({ type, prior, config, providerConfig: {} }).planned;
}

describe('static IP rules on MAAS 3.5', () => {
  let f: MaasFixture;
  beforeAll(async () => {
    f = await startMaasFixture();
  });
  afterAll(async () => {
    await f.stop();
  });

  it('an address in a reserved range is linked, as MAAS allows', async () => {
    const config = lan('bc:24:11:00:01:05', '192.168.4.5');
    const created = await f.provider.create({ type: 'maas_device', planned: plan(f, 'maas_device', config) });
    expect(created.state.ip_addresses).toEqual(['192.168.4.5']);
  });

  it('the gateway of a maas_subnet object is a warning, not an error', () => {
    const subnet = { id: 1, cidr: '192.168.4.0/24', gateway_ip: '192.168.4.1', dynamic_ranges: [] };
    const problems = f.provider.validateResource({
      type: 'maas_device',
      config: { hostname: 'gw', interfaces: { lan: { mac: 'bc:24:11:00:01:01', subnet, ip: '192.168.4.1' } } },
      providerConfig: {},
    });
    expect(problems).toEqual([
      { path: ['interfaces', 'lan', 'ip'], message: 'IP 192.168.4.1 is the gateway address of subnet 192.168.4.0/24', severity: 'warning' },
    ]);
  });

  it('removing the static IP leaves a link_up link in MAAS and plans no change afterwards', async () => {
    const config = lan('bc:24:11:00:01:30', '192.168.4.30');
    const created = await f.provider.create({ type: 'maas_device', planned: plan(f, 'maas_device', config) });
    const bare: Attributes = { hostname: config.hostname!, mac_addresses: ['bc:24:11:00:01:30'] };
    const updated = await f.provider.update({
      type: 'maas_device',
      id: created.id,
      prior: created.state,
      planned: plan(f, 'maas_device', bare, created.state),
    });
    const device = await f.ui.getDevice(created.id);
    expect(device!.interface_set[0]!.links).toEqual([{ id: expect.any(Number), mode: 'link_up' }]);
    const read = await f.provider.read({ type: 'maas_device', id: created.id, prior: updated.state });
    expect(read.state).toEqual(updated.state);
    const again = await f.provider.update({
      type: 'maas_device',
      id: created.id,
      prior: updated.state,
      planned: plan(f, 'maas_device', config, updated.state),
    });
    expect(again.state.ip_addresses).toEqual(['192.168.4.30']);
  });
});

describe('reserved IPs and static links on MAAS 3.6', () => {
  let f: MaasFixture;
  beforeAll(async () => {
    f = await startMaasFixture({ maasVersion: '3.6' });
    await f.ui.http.post('reservedips/', { form: { ip: '192.168.4.60', mac_address: 'bc:24:11:00:00:60' } });
  });
  afterAll(async () => {
    await f.stop();
  });

  const change = (address: string, type: string, planned: Attributes): PlannedChange => ({ address, type, action: 'create', prior: null, planned });

  it('the plan refuses an IP reserved for another MAC, before any write', async () => {
    const planned = plan(f, 'maas_device', lan('bc:24:11:00:00:61', '192.168.4.60'));
    const mark = f.emulator.requestLog.length;
    const { problems } = await f.provider.checkPlan({ changes: [change('maas_device.kuma', 'maas_device', planned)] });
    expect(problems).toEqual([
      {
        address: 'maas_device.kuma',
        path: ['interfaces', 'lan', 'ip'],
        severity: 'error',
        message: 'IP 192.168.4.60 is reserved for MAC bc:24:11:00:00:60 (reserved IP 1 in MAAS), so MAAS refuses to link it to bc:24:11:00:00:61',
      },
    ]);
    expect(f.emulator.requestLog.slice(mark).every((r) => r.method === 'GET')).toBe(true);
  });

  it('the plan refuses another IP for a MAC that has a reservation, and one planned in the same run', async () => {
    const own = plan(f, 'maas_device', lan('bc:24:11:00:00:60', '192.168.4.62'));
    const planned = plan(f, 'maas_device', lan('bc:24:11:00:00:70', '192.168.4.71'));
    const reserved = plan(f, 'maas_reserved_ip', { ip: '192.168.4.70', mac_address: 'bc:24:11:00:00:70' });
    const { problems } = await f.provider.checkPlan({
      changes: [change('maas_device.own', 'maas_device', own), change('maas_device.new', 'maas_device', planned), change('maas_reserved_ip.new', 'maas_reserved_ip', reserved)],
    });
    expect(problems.map((p) => [p.address, p.message])).toEqual([
      ['maas_device.own', 'MAC bc:24:11:00:00:60 has the reserved IP 192.168.4.60 (reserved IP 1 in MAAS), so MAAS refuses to link it to 192.168.4.62; use 192.168.4.60'],
      ['maas_device.new', 'MAC bc:24:11:00:00:70 has the reserved IP 192.168.4.70 (maas_reserved_ip.new), so MAAS refuses to link it to 192.168.4.71; use 192.168.4.70'],
    ]);
  });

  it('the apply-time checks refuse it too, so no half-made device is left', async () => {
    const planned = plan(f, 'maas_device', lan('bc:24:11:00:00:61', '192.168.4.60'));
    const err = await f.provider.create({ type: 'maas_device', planned }).catch((e: Error) => e);
    expect((err as Error).message).toContain('IP 192.168.4.60 is reserved for MAC bc:24:11:00:00:60');
    expect(await f.ui.listDevices({ mac_address: ['bc:24:11:00:00:61'] })).toEqual([]);
  });

  it('the MAC of the reservation may link its reserved IP', async () => {
    const planned = plan(f, 'maas_device', lan('bc:24:11:00:00:60', '192.168.4.60'));
    expect((await f.provider.checkPlan({ changes: [change('maas_device.ok', 'maas_device', planned)] })).problems).toEqual([]);
    const created = await f.provider.create({ type: 'maas_device', planned });
    expect(created.state.ip_addresses).toEqual(['192.168.4.60']);
  });
});
