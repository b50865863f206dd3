/**
 * maas_dns_record over real HTTP: A/AAAA through dnsresources (sharing one resource per
 * name), CNAME/TXT through dnsresourcerecords; create, read, update, delete, import, drift,
 * conflicts, and every plan-time validation error.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { MaasProvider } from '../../providers/maas/maas-provider.js';
import { startMaasFixture, type MaasFixture } from './support/maas-fixture.js';

const TYPE = 'maas_dns_record';

describe('maas_dns_record', () => {
  let f: MaasFixture;
  beforeEach(async () => {
    f = await startMaasFixture();
  });
  afterEach(async () => {
    await f.stop();
  });

  function plan(config: Attributes, prior: Attributes | null = null) {
    expect(f.provider.validateResource({ type: TYPE, config, providerConfig: {} })).toEqual([]);
    return f.provider.planResource({ type: TYPE, prior, config, providerConfig: {} });
  }
  const create = (config: Attributes) => f.provider.create({ type: TYPE, planned: plan(config).planned });

  it('creates an A record by fqdn and reads it back without change', async () => {
    const config = { type: 'A', fqdn: 'kuma.maas', ttl: 300, data: ['192.168.4.60'] };
    const created = await create(config);
    expect(created.id).toBe('A:kuma.maas');
    expect(created.state).toEqual({ type: 'A', fqdn: 'kuma.maas', name: 'kuma', domain: 'maas', ttl: 300, data: ['192.168.4.60'] });
    const post = f.emulator.requestLog.find((r) => r.method === 'POST')!;
    expect(post.path).toBe('dnsresources/');
    expect(post.form).toEqual([
      ['name', 'kuma'],
      ['domain', 'maas'],
      ['ip_addresses', '192.168.4.60'],
      ['address_ttl', '300'],
    ]);
    const read = await f.provider.read({ type: TYPE, id: created.id, prior: created.state });
    expect(read.state).toEqual(created.state);
    const again = plan(config, read.state);
    for (const k of Object.keys(config)) expect(again.planned[k]).toEqual(read.state![k]);
  });

  it('keeps A and AAAA of one name on one DNS resource, each managing its own family', async () => {
    const a = await create({ type: 'A', name: 'kuma', domain: 'maas', data: ['192.168.4.60', '192.168.4.61'] });
    const aaaa = await create({ type: 'AAAA', name: 'kuma', domain: 'maas', data: ['FD00::60'] });
    expect(aaaa.state.data).toEqual(['FD00::60']);
    const [resource] = (await f.ui.listDnsResources({ name: 'kuma', domain: 'maas' }))!;
    expect(resource!.ip_addresses.map((i) => i.ip)).toEqual(['192.168.4.60', '192.168.4.61', 'fd00::60']);

    const p = plan({ type: 'A', name: 'kuma', domain: 'maas', data: ['192.168.4.62'] }, a.state);
    expect(p.requiresReplace).toEqual([]);
    const updated = await f.provider.update({ type: TYPE, id: a.id, prior: a.state, planned: p.planned });
    expect(updated.state.data).toEqual(['192.168.4.62']);
    expect((await f.provider.read({ type: TYPE, id: aaaa.id, prior: aaaa.state })).state!.data).toEqual(['FD00::60']);

    await f.provider.delete({ type: TYPE, id: a.id, prior: updated.state });
    expect((await f.provider.read({ type: TYPE, id: a.id, prior: updated.state })).state).toBeNull();
    expect((await f.provider.read({ type: TYPE, id: aaaa.id, prior: aaaa.state })).state!.data).toEqual(['FD00::60']);
    await f.provider.delete({ type: TYPE, id: aaaa.id, prior: aaaa.state });
    expect(await f.ui.listDnsResources({ name: 'kuma', domain: 'maas' })).toEqual([]);
    await expect(f.provider.delete({ type: TYPE, id: aaaa.id, prior: aaaa.state })).resolves.toBeUndefined();
  });

  it('creates a CNAME and a multi-record TXT, updates and deletes them', async () => {
    const cname = await create({ type: 'CNAME', fqdn: 'status.maas', data: ['kuma.maas'] });
    expect(cname.state).toMatchObject({ type: 'CNAME', name: 'status', domain: 'maas', data: ['kuma.maas'] });
    const post = f.emulator.requestLog.find((r) => r.method === 'POST' && r.path === 'dnsresourcerecords/')!;
    expect(post.form).toEqual([
      ['name', 'status'],
      ['domain', 'maas'],
      ['rrtype', 'CNAME'],
      ['rrdata', 'kuma.maas'],
    ]);
    const moved = plan({ type: 'CNAME', fqdn: 'status.maas', data: ['pve.maas'] }, cname.state);
    const cn2 = await f.provider.update({ type: TYPE, id: cname.id, prior: cname.state, planned: moved.planned });
    expect(cn2.state.data).toEqual(['pve.maas']);

    const txt = await create({ type: 'TXT', name: '_homelab', domain: 'maas', ttl: 60, data: ['owner=hl', 'v=1'] });
    expect(txt.state).toMatchObject({ fqdn: '_homelab.maas', ttl: 60, data: ['owner=hl', 'v=1'] });
    // A TTL change of a multi-record set: MAAS refuses records of one name with different TTLs,
    // so the set is replaced as a whole.
    const p = plan({ type: 'TXT', name: '_homelab', domain: 'maas', ttl: 120, data: ['v=2', 'owner=hl'] }, txt.state);
    const txt2 = await f.provider.update({ type: TYPE, id: txt.id, prior: txt.state, planned: p.planned });
    expect(txt2.state).toMatchObject({ ttl: 120, data: ['v=2', 'owner=hl'] });
    await f.provider.delete({ type: TYPE, id: txt.id, prior: txt2.state });
    expect((await f.provider.read({ type: TYPE, id: txt.id, prior: txt2.state })).state).toBeNull();
    expect((await f.ui.listDnsRecords({ name: '_homelab', domain: 'maas' }))!).toEqual([]);
  });

  it('replaces the record when type or name change', () => {
    const prior = { type: 'A', fqdn: 'kuma.maas', name: 'kuma', domain: 'maas', ttl: null, data: ['192.168.4.60'] };
    const p = plan({ type: 'AAAA', fqdn: 'kuma2.maas', data: ['fd00::1'] }, prior);
    expect(p.requiresReplace.map((r) => r.path)).toEqual([['type'], ['fqdn']]);
  });

  it('imports by <TYPE>:<fqdn>, and answers null for nothing there', async () => {
    await f.ui.createDnsResource({ name: 'nas', domain: 'maas', ip_addresses: '192.168.4.30' });
    const imported = await f.provider.importResource({ type: TYPE, id: 'a:nas.maas' });
    expect(imported.resource).toEqual({
      id: 'A:nas.maas',
      state: { type: 'A', fqdn: 'nas.maas', name: 'nas', domain: 'maas', ttl: null, data: ['192.168.4.30'] },
    });
    expect((await f.provider.importResource({ type: TYPE, id: 'AAAA:nas.maas' })).resource).toBeNull();
    expect((await f.provider.importResource({ type: TYPE, id: 'A:nas.lab' })).resource).toBeNull();
    await expect(f.provider.importResource({ type: TYPE, id: 'nas.maas' })).rejects.toThrow(/must look like <TYPE>:<fqdn>/);
  });

  it('shows data edited in MAAS as drift, and null when the record was deleted there', async () => {
    const created = await create({ type: 'A', fqdn: 'kuma.maas', data: ['192.168.4.60'] });
    const [res] = (await f.ui.listDnsResources({ name: 'kuma', domain: 'maas' }))!;
    await f.ui.updateDnsResource(res!.id, { ip_addresses: '192.168.4.99' });
    expect((await f.provider.read({ type: TYPE, id: created.id, prior: created.state })).state!.data).toEqual(['192.168.4.99']);
    await f.ui.deleteDnsResource(res!.id);
    expect((await f.provider.read({ type: TYPE, id: created.id, prior: created.state })).state).toBeNull();
  });

  it('refuses to take over records it did not create, but adopts identical ones (re-run create)', async () => {
    await f.ui.createDnsResource({ name: 'grafana', domain: 'maas', ip_addresses: '192.168.4.31' });
    await expect(create({ type: 'A', fqdn: 'grafana.maas', data: ['192.168.4.32'] })).rejects.toThrow(
      'MAAS already has A data for grafana.maas (192.168.4.31); import it with `hl import <address> A:grafana.maas` or remove it first',
    );
    const adopted = await create({ type: 'A', fqdn: 'grafana.maas', data: ['192.168.4.31'] });
    expect(adopted.state.data).toEqual(['192.168.4.31']);
    const recovered = await f.provider.recover({ type: TYPE, identity: {}, planned: plan({ type: 'A', fqdn: 'grafana.maas', data: ['192.168.4.31'] }).planned });
    expect(recovered?.id).toBe('A:grafana.maas');
  });

  it('MAAS refuses a CNAME next to addresses, and the error carries its text', async () => {
    await create({ type: 'A', fqdn: 'web.maas', data: ['192.168.4.33'] });
    await expect(create({ type: 'CNAME', fqdn: 'web.maas', data: ['pve.maas'] })).rejects.toThrow(
      'MAAS POST dnsresourcerecords/ failed (400): CNAME records for a name cannot coexist with non-CNAME records.',
    );
  });

  it('a domain that does not exist fails before any write', async () => {
    const mark = f.emulator.requestLog.length;
    await expect(create({ type: 'A', name: 'x', domain: 'lab', data: ['192.168.4.34'] })).rejects.toThrow(
      'maas_dns_record: domain "lab" does not exist in MAAS (existing: maas)',
    );
    await expect(create({ type: 'A', fqdn: 'x.lab', data: ['192.168.4.34'] })).rejects.toThrow(
      'maas_dns_record: no MAAS domain matches x.lab',
    );
    expect(f.emulator.requestLog.slice(mark).every((r) => r.method === 'GET')).toBe(true);
  });
});

describe('maas_dns_record plan-time validation', () => {
  const provider = new MaasProvider();
  const cases: { reason: string; config: Attributes; path: (string | number)[]; message: string }[] = [
    { reason: 'type missing', config: { fqdn: 'a.maas', data: ['1.2.3.4'] }, path: ['type'], message: 'type is required (one of A, AAAA, CNAME, TXT)' },
    { reason: 'type unsupported', config: { type: 'MX', fqdn: 'a.maas', data: ['10 mx'] }, path: ['type'], message: 'type must be one of A, AAAA, CNAME, TXT, got "MX"' },
    { reason: 'no name', config: { type: 'A', data: ['1.2.3.4'] }, path: [], message: 'set fqdn, or name and domain' },
    { reason: 'fqdn and name', config: { type: 'A', fqdn: 'a.maas', name: 'a', data: ['1.2.3.4'] }, path: ['fqdn'], message: 'set either fqdn or name and domain, not both' },
    { reason: 'fqdn without domain', config: { type: 'A', fqdn: 'kuma', data: ['1.2.3.4'] }, path: ['fqdn'], message: 'fqdn must be a name with its domain, like kuma.maas, got "kuma"' },
    { reason: 'fqdn bad label', config: { type: 'A', fqdn: '-kuma.maas', data: ['1.2.3.4'] }, path: ['fqdn'], message: 'invalid fqdn "-kuma.maas": Invalid dnsresource name: -kuma.' },
    { reason: 'name without domain', config: { type: 'A', name: 'kuma', data: ['1.2.3.4'] }, path: ['domain'], message: 'domain is required with name' },
    { reason: 'domain without name', config: { type: 'A', domain: 'maas', data: ['1.2.3.4'] }, path: ['name'], message: 'name is required with domain' },
    { reason: 'bad name', config: { type: 'A', name: 'ku ma', domain: 'maas', data: ['1.2.3.4'] }, path: ['name'], message: 'invalid name "ku ma": Invalid dnsresource name: ku ma.' },
    { reason: 'negative ttl', config: { type: 'A', fqdn: 'a.maas', ttl: -1, data: ['1.2.3.4'] }, path: ['ttl'], message: 'ttl must be a whole number of seconds from 0 to 2147483647' },
    { reason: 'data missing', config: { type: 'A', fqdn: 'a.maas' }, path: ['data'], message: 'data is required: the addresses (A/AAAA), the target (CNAME) or the texts (TXT)' },
    { reason: 'data empty', config: { type: 'A', fqdn: 'a.maas', data: [] }, path: ['data'], message: 'data must be a non-empty list' },
    { reason: 'A with a non-address', config: { type: 'A', fqdn: 'a.maas', data: ['kuma'] }, path: ['data', 0], message: '"kuma" is not an IP address' },
    { reason: 'A with IPv6', config: { type: 'A', fqdn: 'a.maas', data: ['fd00::1'] }, path: ['data', 0], message: 'fd00::1 is an IPv6 address; an A record takes IPv4' },
    { reason: 'AAAA with IPv4', config: { type: 'AAAA', fqdn: 'a.maas', data: ['1.2.3.4'] }, path: ['data', 0], message: '1.2.3.4 is an IPv4 address; an AAAA record takes IPv6' },
    { reason: 'address twice', config: { type: 'A', fqdn: 'a.maas', data: ['1.2.3.4', '1.2.3.4'] }, path: ['data', 1], message: '1.2.3.4 is listed twice' },
    { reason: 'CNAME with two targets', config: { type: 'CNAME', fqdn: 'a.maas', data: ['b.maas', 'c.maas'] }, path: ['data'], message: 'a CNAME record has exactly one target' },
    { reason: 'CNAME to a bad name', config: { type: 'CNAME', fqdn: 'a.maas', data: ['b..maas'] }, path: ['data', 0], message: 'CNAME target "b..maas" is not a DNS name: DNS name contains an empty label.' },
    { reason: 'TXT empty string', config: { type: 'TXT', fqdn: 'a.maas', data: [''] }, path: ['data', 0], message: 'each data item must be a non-empty string' },
  ];
  it.each(cases)('$reason', ({ config, path, message }) => {
    const problems = provider.validateResource({ type: TYPE, config, providerConfig: {} });
    expect(problems, JSON.stringify(problems)).toEqual([{ path, message, severity: 'error' }]);
  });
});

describe('maas_subnet data source', () => {
  let f: MaasFixture;
  beforeEach(async () => {
    f = await startMaasFixture();
  });
  afterEach(async () => {
    await f.stop();
  });

  it('reads a subnet by cidr or id, with gateway, VLAN and dynamic ranges', async () => {
    const byCidr = await f.provider.readData({ type: 'maas_subnet', config: { cidr: '192.168.4.0/24' } });
    expect(byCidr.state).toEqual({
      id: 1,
      name: '192.168.4.0/24',
      cidr: '192.168.4.0/24',
      description: 'homelab LAN',
      vlan: { id: 5001, vid: 0, name: 'untagged', fabric: 'fabric-0', fabric_id: 0, mtu: 1500, dhcp_on: true },
      gateway_ip: '192.168.4.1',
      dns_servers: [],
      managed: true,
      space: 'undefined',
      dynamic_ranges: [{ start: '192.168.4.100', end: '192.168.4.199' }],
      reserved_ranges: [{ start: '192.168.4.2', end: '192.168.4.9', purpose: ['reserved'] }],
    });
    const byId = await f.provider.readData({ type: 'maas_subnet', config: { id: 1 } });
    expect(byId.state).toEqual(byCidr.state);
  });

  it('stays stable when devices take addresses (only ranges, not per-address usage)', async () => {
    const before = await f.provider.readData({ type: 'maas_subnet', config: { cidr: '192.168.4.0/24' } });
    await f.ui.createDnsResource({ name: 'x', domain: 'maas', ip_addresses: '192.168.4.40' });
    const after = await f.provider.readData({ type: 'maas_subnet', config: { cidr: '192.168.4.0/24' } });
    expect(after.state).toEqual(before.state);
  });

  it('fails clearly for a subnet MAAS does not have, and checks its config', async () => {
    await expect(f.provider.readData({ type: 'maas_subnet', config: { cidr: '10.0.0.0/8' } })).rejects.toThrow(
      'maas_subnet: no subnet 10.0.0.0/8 in MAAS (known: 192.168.4.0/24 (id 1))',
    );
    expect(f.provider.validateResource({ type: 'maas_subnet', config: {}, providerConfig: {} })).toEqual([
      { path: [], message: 'maas_subnet needs exactly one of cidr or id', severity: 'error' },
    ]);
    expect(f.provider.validateResource({ type: 'maas_subnet', config: { cidr: '10.0.0.1/8' }, providerConfig: {} })[0]!.message).toBe(
      'subnet "10.0.0.1/8" has host bits set; did you mean 10.0.0.0/8?',
    );
  });

  it('its whole value can be an interface subnet, checked at plan time and kept stable in state', async () => {
    const subnet = (await f.provider.readData({ type: 'maas_subnet', config: { cidr: '192.168.4.0/24' } })).state!;
    const bad = { hostname: 'k3s', interfaces: { lan: { mac: 'bc:24:11:00:00:31', subnet, ip: '192.168.4.101' } } };
    expect(f.provider.validateResource({ type: 'maas_device', config: bad, providerConfig: {} })[0]!.message).toMatch(
      /inside the dynamic range 192\.168\.4\.100 to 192\.168\.4\.199/,
    );
    const good = { hostname: 'k3s', interfaces: { lan: { mac: 'bc:24:11:00:00:31', subnet, ip: '192.168.4.41' } } };
    const planned = f.provider.planResource({ type: 'maas_device', prior: null, config: good, providerConfig: {} }).planned;
    const created = await f.provider.create({ type: 'maas_device', planned });
    expect(created.state.interfaces).toEqual(good.interfaces);
    const read = await f.provider.read({ type: 'maas_device', id: created.id, prior: created.state });
    expect(read.state!.interfaces).toEqual(good.interfaces);
  });
});
