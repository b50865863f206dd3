/**
 * Issue 17, item 1: MAAS keeps a DNS record's addresses allocated (USER_RESERVED) when a PUT
 * drops them, and, before 3.6.1, when the record is deleted; a device asking for such an IP
 * later fails "IP address is already in use.". The emulator keeps them per release; the
 * provider releases what its records let go of (ipaddresses op=release), per server version.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import type { MaasVersion } from '../../providers/maas/emulator/maas-emulator.js';
import { startMaasFixture, type MaasFixture } from './support/maas-fixture.js';

const device = (ip: string, mac: string): Attributes => ({
  hostname: `dev-${ip.split('.').pop()}`,
  interfaces: { lan: { mac, subnet: '192.168.4.0/24', ip } },
});

describe('addresses of DNS records', () => {
  let f: MaasFixture | undefined;
  afterEach(async () => {
    await f?.stop();
    f = undefined;
  });

  const plan = (type: string, config: Attributes, prior: Attributes | null = null) =>
    f!.provider.planResource({ type, prior, config, providerConfig: {} }).planned;
  const linkDevice = (ip: string, mac: string) =>
    f!.provider.create({ type: 'maas_device', planned: plan('maas_device', device(ip, mac)) });

  for (const [version, deleteFrees] of [
    ['3.5', false],
    ['3.6', true],
    ['3.7', true],
  ] as [MaasVersion, boolean][]) {
    it(`emulator ${version}: a PUT that drops an address keeps it; a delete ${deleteFrees ? 'frees' : 'keeps'} it`, async () => {
      f = await startMaasFixture({ maasVersion: version });
      const created = await f.ui.createDnsResource({ name: 'kuma', domain: 'maas', ip_addresses: '192.168.4.60' });
      expect(created.ip_addresses[0]).toMatchObject({ ip: '192.168.4.60', alloc_type: 4, alloc_type_name: 'User reserved', interface_set: [] });
      expect(created.ip_addresses[0]).not.toHaveProperty('family');
      await f.ui.updateDnsResource(created.id, { ip_addresses: '192.168.4.61' });
      expect((await f.ui.listIpAddresses({ ip: '192.168.4.60' })).map((i) => i.ip)).toEqual(['192.168.4.60']);
      await f.ui.deleteDnsResource(created.id);
      expect((await f.ui.listIpAddresses({ ip: '192.168.4.61' })).length).toBe(deleteFrees ? 0 : 1);
      const taken = await f.ui.createDevice({ hostname: 'late', mac_addresses: ['bc:24:11:00:00:60'] });
      const iface = taken.interface_set[0]!;
      const err = await f.ui.linkSubnet(taken.system_id, iface.id, { subnet: 1, ip_address: '192.168.4.60' }).catch((e: Error) => e);
      expect((err as Error).message).toContain('IP address is already in use.');
      await f.ui.releaseIpAddress('192.168.4.60');
      await f.ui.linkSubnet(taken.system_id, iface.id, { subnet: 1, ip_address: '192.168.4.60' });
    });
  }

  for (const version of ['3.5', '3.7'] as MaasVersion[]) {
    it(`provider on ${version}: an address a record changed away from or deleted can go to a device`, async () => {
      f = await startMaasFixture({ maasVersion: version });
      const config = { type: 'A', fqdn: 'kuma.maas', ttl: 300, data: ['192.168.4.60'] };
      const a = await f.provider.create({ type: 'maas_dns_record', planned: plan('maas_dns_record', config) });
      const p = plan('maas_dns_record', { ...config, data: ['192.168.4.61'] }, a.state);
      const updated = await f.provider.update({ type: 'maas_dns_record', id: a.id, prior: a.state, planned: p });
      expect(updated.state.data).toEqual(['192.168.4.61']);
      await linkDevice('192.168.4.60', 'bc:24:11:00:00:60');

      const before = f.emulator.requestLog.length;
      await f.provider.delete({ type: 'maas_dns_record', id: a.id, prior: updated.state });
      const releases = f.emulator.requestLog.slice(before).filter((r) => r.path === 'ipaddresses/' && r.op === 'release');
      // 3.7 frees the address itself; 3.5 needs the release
      expect(releases.map((r) => r.form)).toEqual(version === '3.5' ? [[['ip', '192.168.4.61']]] : []);
      await linkDevice('192.168.4.61', 'bc:24:11:00:00:61');
    });
  }

  it('an address another record or a device still uses is not released', async () => {
    f = await startMaasFixture();
    await linkDevice('192.168.4.70', 'bc:24:11:00:00:70');
    await f.ui.createDnsResource({ name: 'other', domain: 'maas', ip_addresses: '192.168.4.71' });
    const config = { type: 'A', fqdn: 'kuma.maas', data: ['192.168.4.70', '192.168.4.71'] };
    const a = await f.provider.create({ type: 'maas_dns_record', planned: plan('maas_dns_record', config) });
    await f.provider.delete({ type: 'maas_dns_record', id: a.id, prior: a.state });
    expect(f.emulator.requestLog.filter((r) => r.op === 'release')).toEqual([]);
    const [other] = (await f.ui.listDnsResources({ name: 'other', domain: 'maas' }))!;
    expect(other!.ip_addresses.map((i) => i.ip)).toEqual(['192.168.4.71']);
  });

  it("release refuses what is not the user's reserved address, with MAAS's message", async () => {
    f = await startMaasFixture();
    const err = await f.ui.releaseIpAddress('192.168.4.99').catch((e: Error) => e);
    expect((err as Error).message).toContain(
      'IP address 192.168.4.99 does not exist, is not the correct type of address, or does not belong to the requesting user.',
    );
  });
});
