/**
 * maas_device over real HTTP against the emulator: create, read, update, delete, import by
 * the three id kinds, drift made behind the provider's back, recover after an interrupted
 * create, rollback of a half-made create, retries of transient failures.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import type { MaasProvider } from '../../providers/maas/maas-provider.js';
import { startMaasFixture, type MaasFixture } from './support/maas-fixture.js';

const TYPE = 'maas_device';

function plan(provider: MaasProvider, config: Attributes, prior: Attributes | null = null) {
  const problems = provider.validateResource({ type: TYPE, config, providerConfig: {} });
  expect(problems).toEqual([]);
  return provider.planResource({ type: TYPE, prior, config, providerConfig: {} });
}

async function createFrom(provider: MaasProvider, config: Attributes) {
  return provider.create({ type: TYPE, planned: plan(provider, config).planned });
}

const k3s: Attributes = {
  hostname: 'k3s-vm-pve',
  description: 'k3s control plane (VM 107 on pve)',
  interfaces: { lan: { mac: 'BC:24:11:AA:00:07', subnet: '192.168.4.0/24', ip: '192.168.4.50' } },
};

describe('maas_device lifecycle', () => {
  let f: MaasFixture;
  beforeEach(async () => {
    f = await startMaasFixture();
  });
  afterEach(async () => {
    await f.stop();
  });

  it('creates the device with its MAC and a static IP linked on the subnet', async () => {
    const created = await createFrom(f.provider, k3s);
    expect(created.id).toMatch(/^[a-z0-9]{6}$/);
    expect(created.state).toMatchObject({
      system_id: created.id,
      hostname: 'k3s-vm-pve',
      domain: 'maas',
      zone: 'default',
      fqdn: 'k3s-vm-pve.maas',
      description: 'k3s control plane (VM 107 on pve)',
      mac_addresses: ['BC:24:11:AA:00:07'],
      interfaces: k3s.interfaces,
      ip_addresses: ['192.168.4.50'],
    });
    const device = await f.ui.getDevice(created.id);
    expect(device?.interface_set).toHaveLength(1);
    expect(device?.interface_set[0]).toMatchObject({ name: 'eth0', mac_address: 'bc:24:11:aa:00:07' });
    expect(device?.interface_set[0]!.links).toMatchObject([{ mode: 'static', ip_address: '192.168.4.50', subnet: { id: 1 } }]);
    // The calls made: POST devices/ then link_subnet mode=STATIC.
    const writes = f.emulator.requestLog.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path} ${r.op ?? ''}`.trim());
    expect(writes).toEqual(['POST devices/', `POST nodes/${created.id}/interfaces/${device!.interface_set[0]!.id}/ link_subnet`]);
    const link = f.emulator.requestLog.find((r) => r.op === 'link_subnet')!;
    expect(link.form).toEqual([
      ['mode', 'STATIC'],
      ['subnet', '1'],
      ['ip_address', '192.168.4.50'],
    ]);
  });

  it('plans no change after create, and reads back the same state twice without writing', async () => {
    const created = await createFrom(f.provider, k3s);
    const before = f.emulator.requestLog.length;
    const r1 = await f.provider.read({ type: TYPE, id: created.id, prior: created.state });
    const r2 = await f.provider.read({ type: TYPE, id: created.id, prior: created.state });
    expect(r1.state).toEqual(created.state);
    expect(r2.state).toEqual(created.state);
    expect(f.emulator.requestLog.slice(before).every((r) => r.method === 'GET')).toBe(true);
    const again = f.provider.planResource({ type: TYPE, prior: r1.state, config: k3s, providerConfig: {} });
    for (const k of Object.keys(k3s)) expect(again.planned[k], k).toEqual(r1.state![k]);
    expect(again.notes).toEqual([]);
  });

  it('updates hostname, description and zone in place with one PUT of the changed fields', async () => {
    const created = await createFrom(f.provider, k3s);
    const config = { ...k3s, hostname: 'k3s-cp-1', description: 'renamed' };
    const p = plan(f.provider, config, created.state);
    expect(p.requiresReplace).toEqual([]);
    expect(p.notes).toContain('the device\'s DNS name changes from k3s-vm-pve.maas to k3s-cp-1.maas');
    const mark = f.emulator.requestLog.length;
    const updated = await f.provider.update({ type: TYPE, id: created.id, prior: created.state, planned: p.planned });
    expect(updated.state).toMatchObject({ hostname: 'k3s-cp-1', fqdn: 'k3s-cp-1.maas', description: 'renamed' });
    const writes = f.emulator.requestLog.slice(mark).filter((r) => r.method !== 'GET');
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual([`PUT devices/${created.id}/`]);
    expect(writes[0]!.form).toEqual([
      ['hostname', 'k3s-cp-1'],
      ['description', 'renamed'],
    ]);
  });

  it('relinks a changed IP: unlink the old static link, then link the new one', async () => {
    const created = await createFrom(f.provider, k3s);
    const config = { ...k3s, interfaces: { lan: { mac: 'BC:24:11:AA:00:07', subnet: '192.168.4.0/24', ip: '192.168.4.51' } } };
    const p = plan(f.provider, config, created.state);
    expect(p.notes.some((n) => n.includes('relinks 192.168.4.50 on 192.168.4.0/24 → 192.168.4.51'))).toBe(true);
    const mark = f.emulator.requestLog.length;
    const updated = await f.provider.update({ type: TYPE, id: created.id, prior: created.state, planned: p.planned });
    expect(updated.state.interfaces).toEqual(config.interfaces);
    expect(updated.state.ip_addresses).toEqual(['192.168.4.51']);
    const ops = f.emulator.requestLog.slice(mark).filter((r) => r.method === 'POST').map((r) => r.op);
    expect(ops).toEqual(['unlink_subnet', 'link_subnet']);
  });

  it('adds and removes MACs as interfaces, and unlinks an interface dropped from config', async () => {
    const created = await createFrom(f.provider, {
      hostname: 'kuma-host',
      mac_addresses: ['bc:24:11:00:00:01', 'bc:24:11:00:00:02'],
      interfaces: {
        'bc:24:11:00:00:01': { subnet: '192.168.4.0/24', ip: '192.168.4.60' },
        'bc:24:11:00:00:02': { subnet: 1, ip: '192.168.4.61' },
      },
    });
    expect(created.state.ip_addresses).toEqual(['192.168.4.60', '192.168.4.61']);
    const config = {
      hostname: 'kuma-host',
      mac_addresses: ['bc:24:11:00:00:01', 'bc:24:11:00:00:03'],
      interfaces: { 'bc:24:11:00:00:03': { subnet: 1, ip: '192.168.4.62' } },
    };
    const p = plan(f.provider, config, created.state);
    const updated = await f.provider.update({ type: TYPE, id: created.id, prior: created.state, planned: p.planned });
    expect(updated.state.mac_addresses).toEqual(['bc:24:11:00:00:01', 'bc:24:11:00:00:03']);
    expect(updated.state.interfaces).toEqual(config.interfaces);
    expect(updated.state.ip_addresses).toEqual(['192.168.4.62']);
    const device = await f.ui.getDevice(created.id);
    expect(device!.interface_set.map((i) => [i.name, i.mac_address])).toEqual([
      ['eth0', 'bc:24:11:00:00:01'],
      ['eth2', 'bc:24:11:00:00:03'],
    ]);
  });

  it('deletes, and deleting again (404) is success', async () => {
    const created = await createFrom(f.provider, k3s);
    await f.provider.delete({ type: TYPE, id: created.id, prior: created.state });
    expect(await f.ui.getDevice(created.id)).toBeNull();
    await expect(f.provider.delete({ type: TYPE, id: created.id, prior: created.state })).resolves.toBeUndefined();
    expect(f.emulator.requestLog.at(-1)).toMatchObject({ method: 'DELETE', status: 404 });
    expect((await f.provider.read({ type: TYPE, id: created.id, prior: created.state })).state).toBeNull();
  });

  describe('import', () => {
    it.each([
      ['system_id', (id: string) => id],
      ['hostname', () => 'k3s-vm-pve'],
      ['fqdn', () => 'k3s-vm-pve.maas'],
      ['MAC', () => 'bc-24-11-aa-00-07'],
    ])('by %s', async (_kind, idOf) => {
      const created = await createFrom(f.provider, k3s);
      const imported = await f.provider.importResource({ type: TYPE, id: idOf(created.id) });
      expect(imported.resource?.id).toBe(created.id);
      expect(imported.resource!.state).toMatchObject({
        system_id: created.id,
        hostname: 'k3s-vm-pve',
        mac_addresses: ['bc:24:11:aa:00:07'],
        interfaces: { 'bc:24:11:aa:00:07': { subnet: '192.168.4.0/24', ip: '192.168.4.50' } },
      });
    });

    it('imports a seeded infrastructure device and answers null for what does not exist', async () => {
      const pve = await f.provider.importResource({ type: TYPE, id: 'pve' });
      expect(pve.resource?.state).toMatchObject({ hostname: 'pve', interfaces: { 'a8:a1:59:3c:10:01': { ip: '192.168.4.10' } } });
      expect((await f.provider.importResource({ type: TYPE, id: 'no-such-host' })).resource).toBeNull();
      expect((await f.provider.importResource({ type: TYPE, id: '02:00:00:00:00:99' })).resource).toBeNull();
    });

    it('plans no change when the imported device matches a config keyed by MAC', async () => {
      await createFrom(f.provider, k3s);
      const imported = (await f.provider.importResource({ type: TYPE, id: 'k3s-vm-pve' })).resource!;
      const config = { hostname: 'k3s-vm-pve', interfaces: { 'bc:24:11:aa:00:07': { subnet: '192.168.4.0/24', ip: '192.168.4.50' } } };
      const p = plan(f.provider, config, imported.state);
      for (const k of Object.keys(config)) expect(p.planned[k], k).toEqual(imported.state[k]);
    });
  });

  describe('drift made behind the provider\'s back', () => {
    it('shows a hostname edited in MAAS, and the update puts it back', async () => {
      const created = await createFrom(f.provider, k3s);
      await f.ui.updateDevice(created.id, { hostname: 'renamed-in-ui' });
      const read = await f.provider.read({ type: TYPE, id: created.id, prior: created.state });
      expect(read.state).toMatchObject({ hostname: 'renamed-in-ui', fqdn: 'renamed-in-ui.maas' });
      const p = plan(f.provider, k3s, read.state);
      expect(p.planned.hostname).toBe('k3s-vm-pve');
      const fixed = await f.provider.update({ type: TYPE, id: created.id, prior: read.state!, planned: p.planned });
      expect(fixed.state.hostname).toBe('k3s-vm-pve');
    });

    it('shows a static IP changed in MAAS, and the update relinks the configured one', async () => {
      const created = await createFrom(f.provider, k3s);
      const device = (await f.ui.getDevice(created.id))!;
      const iface = device.interface_set[0]!;
      await f.ui.unlinkSubnet(created.id, iface.id, iface.links[0]!.id);
      await f.ui.linkSubnet(created.id, iface.id, { subnet: 1, ip_address: '192.168.4.77' });
      const read = await f.provider.read({ type: TYPE, id: created.id, prior: created.state });
      expect(read.state!.interfaces).toEqual({ lan: { mac: 'BC:24:11:AA:00:07', subnet: '192.168.4.0/24', ip: '192.168.4.77' } });
      const p = plan(f.provider, k3s, read.state);
      const fixed = await f.provider.update({ type: TYPE, id: created.id, prior: read.state!, planned: p.planned });
      expect(fixed.state.interfaces).toEqual(k3s.interfaces);
      expect(fixed.state.ip_addresses).toEqual(['192.168.4.50']);
    });

    it('shows an unlinked IP as null subnet and ip', async () => {
      const created = await createFrom(f.provider, k3s);
      const iface = (await f.ui.getDevice(created.id))!.interface_set[0]!;
      await f.ui.unlinkSubnet(created.id, iface.id, iface.links[0]!.id);
      const read = await f.provider.read({ type: TYPE, id: created.id, prior: created.state });
      expect(read.state!.interfaces).toEqual({ lan: { mac: 'BC:24:11:AA:00:07', subnet: null, ip: null } });
    });

    it('answers null when the device was deleted in MAAS', async () => {
      const created = await createFrom(f.provider, k3s);
      await f.ui.deleteDevice(created.id);
      expect((await f.provider.read({ type: TYPE, id: created.id, prior: created.state })).state).toBeNull();
    });
  });

  describe('interrupted create', () => {
    it('recovers the device whose POST was applied but whose answer was lost', async () => {
      f.emulator.faults.dropResponse = (r) => r.method === 'POST' && r.path === 'devices/';
      const planned = plan(f.provider, k3s).planned;
      await expect(f.provider.create({ type: TYPE, planned })).rejects.toThrow(/may or may not have been applied/);
      expect(f.emulator.requestLog.filter((r) => r.method === 'POST' && r.path === 'devices/')).toHaveLength(1);
      f.emulator.faults.dropResponse = undefined;
      const recovered = await f.provider.recover({ type: TYPE, identity: {}, planned });
      expect(recovered).not.toBeNull();
      expect(recovered!.state).toMatchObject({ hostname: 'k3s-vm-pve', mac_addresses: ['BC:24:11:AA:00:07'] });
      // The link never happened: the next plan relinks it.
      expect(recovered!.state.interfaces).toEqual({ lan: { mac: 'BC:24:11:AA:00:07', subnet: null, ip: null } });
      const p = plan(f.provider, k3s, recovered!.state);
      const done = await f.provider.update({ type: TYPE, id: recovered!.id, prior: recovered!.state, planned: p.planned });
      expect(done.state.interfaces).toEqual(k3s.interfaces);
    });

    it('finds nothing when no device has that hostname and MAC', async () => {
      const planned = plan(f.provider, k3s).planned;
      expect(await f.provider.recover({ type: TYPE, identity: {}, planned })).toBeNull();
      // A device with the same hostname but another MAC is not ours.
      await f.ui.createDevice({ hostname: 'k3s-vm-pve', mac_addresses: ['02:00:00:00:00:01'] });
      expect(await f.provider.recover({ type: TYPE, identity: {}, planned })).toBeNull();
    });

    it('deletes the half-made device when a link fails after the POST', async () => {
      // Another host grabs the IP between the live check and the link.
      f.emulator.faults.dropResponse = (r) => {
        if (r.method === 'POST' && r.path === 'devices/') {
          f.emulator.world.dnsresources.push({ id: 99, name: 'squatter', domain_id: 0, address_ttl: null, ip_addresses: ['192.168.4.50'] });
          f.emulator.world.reserved_ips!.push({ id: 999, ip: '192.168.4.50', subnet_id: 1, user: 'admin', created: '2025-01-22T10:00:00.000' });
        }
        return false;
      };
      const planned = plan(f.provider, k3s).planned;
      const err = await f.provider.create({ type: TYPE, planned }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/IP address is already in use\./);
      expect((err as Error).message).toMatch(/the half-created device [a-z0-9]+ was deleted again/);
      expect(f.emulator.world.nodes.some((n) => n.hostname === 'k3s-vm-pve')).toBe(false);
    });
  });

  it('retries transient 500s of idempotent calls, never a POST', async () => {
    const created = await createFrom(f.provider, k3s);
    f.emulator.faults.failNextRequests = 3;
    let mark = f.emulator.requestLog.length;
    const read = await f.provider.read({ type: TYPE, id: created.id, prior: created.state });
    expect(read.state).toEqual(created.state);
    expect(f.emulator.requestLog.slice(mark).map((r) => r.status)).toEqual([500, 500, 500, 200]);

    f.emulator.faults.failNextRequests = 1;
    mark = f.emulator.requestLog.length;
    const err = await f.ui.createDevice({ hostname: 'x', mac_addresses: ['02:00:00:00:00:09'] }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/MAAS POST devices\/ failed \(500\)/);
    expect(f.emulator.requestLog.slice(mark).map((r) => r.status)).toEqual([500]);

    f.emulator.faults.failNextRequests = 10;
    const gone = await f.provider.read({ type: TYPE, id: created.id, prior: created.state }).catch((e: Error) => e);
    expect((gone as Error).message).toMatch(/failed \(500\)/);
    f.emulator.faults.failNextRequests = 0;
  });
});
