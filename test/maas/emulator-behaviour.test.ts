/**
 * The emulator answers like MAAS: status codes, content types and bodies of errors, the
 * seeded homelab, ranges of a subnet, persistence of the world across restarts.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { buildOAuthHeader } from '../../providers/maas/client/oauth-header.js';
import { toSearchParams, type FormFields } from '../../providers/maas/client/form-body.js';
import { startMaasEmulator, type MaasEmulator } from '../../providers/maas/emulator/maas-emulator.js';
import { credentialsOf } from './support/maas-fixture.js';

interface Answer {
  status: number;
  type: string;
  text: string;
  json: () => unknown;
}

describe('MAAS emulator', () => {
  let emulator: MaasEmulator;
  let dir: string;
  let agent: Agent;

  async function call(method: string, path: string, form?: FormFields, op?: string): Promise<Answer> {
    const qs = op ? `?op=${op}` : '';
    const res = await request(`${emulator.url}/api/2.0/${path}${qs}`, {
      method: method as 'GET',
      headers: {
        authorization: buildOAuthHeader(credentialsOf(emulator.apiKey)),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: toSearchParams(form).toString() } : {}),
      dispatcher: agent,
    });
    const text = await res.body.text();
    return { status: res.statusCode, type: String(res.headers['content-type']), text, json: () => JSON.parse(text) };
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hl-maas-emu-'));
    emulator = await startMaasEmulator({ worldFile: join(dir, 'world.json'), seed: 3 });
    agent = new Agent();
  });
  afterEach(async () => {
    await agent.close();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is seeded with the homelab infrastructure only', async () => {
    const subnets = (await call('GET', 'subnets/')).json() as { cidr: string; gateway_ip: string; vlan: { vid: number } }[];
    expect(subnets).toMatchObject([{ cidr: '192.168.4.0/24', gateway_ip: '192.168.4.1', vlan: { vid: 0, dhcp_on: true } }]);
    const devices = (await call('GET', 'devices/')).json() as { hostname: string; fqdn: string }[];
    expect(devices.map((d) => d.fqdn)).toEqual(['pve.maas', 'chief-horse.maas', 'fun-bedbug.maas', 'pumped-piglet.maas']);
    const nodes = (await call('GET', 'nodes/')).json() as { hostname: string; node_type_name: string }[];
    expect(nodes[0]).toMatchObject({ hostname: 'ubuntumaas', node_type_name: 'Region and rack controller' });
    const domains = (await call('GET', 'domains/')).json() as { name: string; is_default: boolean }[];
    expect(domains).toMatchObject([{ name: 'maas', is_default: true }]);
    const ranges = (await call('GET', 'subnets/1/', undefined, 'reserved_ip_ranges')).json() as { start: string; end: string; purpose: string[] }[];
    expect(ranges).toContainEqual({ start: '192.168.4.100', end: '192.168.4.199', purpose: ['dynamic'], num_addresses: 100 });
    expect(ranges).toContainEqual({ start: '192.168.4.1', end: '192.168.4.1', purpose: ['gateway-ip'], num_addresses: 1 });
    expect(ranges).toContainEqual({ start: '192.168.4.53', end: '192.168.4.53', purpose: ['assigned-ip'], num_addresses: 1 });
    const free = (await call('GET', '192.168.4.0/24'.replace(/^/, 'subnets/') + '/', undefined, 'unreserved_ip_ranges')).json() as { start: string }[];
    expect(free[0]).toMatchObject({ start: '192.168.4.14', end: '192.168.4.52' });
  });

  it('answers JSON with MAAS\'s content type and X-MAAS-API-Hash', async () => {
    const res = await request(`${emulator.url}/api/2.0/zones/`, {
      headers: { authorization: buildOAuthHeader(credentialsOf(emulator.apiKey)) },
      dispatcher: agent,
    });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-maas-api-hash']).toMatch(/^[0-9a-f]{40}$/);
    await res.body.text();
  });

  it('404: "No Device matches the given query." as text/plain', async () => {
    const r = await call('GET', 'devices/nope42/');
    expect(r).toMatchObject({ status: 404, type: 'text/plain', text: 'No Device matches the given query.' });
    expect(await call('DELETE', 'devices/nope42/')).toMatchObject({ status: 404, text: 'No Device matches the given query.' });
    expect(await call('GET', 'subnets/99/')).toMatchObject({ status: 404, text: 'No Subnet matches the given query.' });
  });

  it('404 for an unknown endpoint, 400 for an operation the handler does not export', async () => {
    expect(await call('GET', 'gadgets/')).toMatchObject({ status: 404, text: 'Unknown API endpoint: /MAAS/api/2.0/gadgets/.' });
    expect(await call('PUT', 'devices/', {})).toMatchObject({ status: 400, text: 'Unrecognised signature: method=PUT op=None' });
    expect(await call('POST', 'devices/', {}, 'frobnicate')).toMatchObject({
      status: 400,
      type: 'text/plain; charset=utf-8',
      text: 'Unrecognised signature: method=POST op=frobnicate',
    });
  });

  it('validation errors: 400 with a JSON dict of field → messages', async () => {
    const missing = await call('POST', 'devices/', { hostname: 'x' });
    expect(missing).toMatchObject({ status: 400, type: 'application/json; charset=utf-8' });
    expect(missing.json()).toEqual({ mac_addresses: ['This field is required.'] });

    const bad = await call('POST', 'devices/', { hostname: 'bad-', mac_addresses: ['zz:zz'], domain: 'nowhere' });
    expect(bad.json()).toEqual({
      mac_addresses: ["'zz:zz' is not a valid MAC address."],
      hostname: ["Label cannot start or end with hyphen: 'bad-'."],
      domain: ['Unable to find domain nowhere'],
    });
  });

  it('a MAC already in use names the owning host; several MAC errors are merged', async () => {
    const one = await call('POST', 'devices/', { hostname: 'dup', mac_addresses: ['A8:A1:59:3C:10:01'] });
    expect(one.json()).toEqual({ mac_addresses: ['MAC address A8:A1:59:3C:10:01 already in use on pve.'] });
    const two = await call('POST', 'devices/', { hostname: 'dup', mac_addresses: ['a8:a1:59:3c:10:01', 'a8:a1:59:3c:10:02'] });
    expect(two.json()).toEqual({
      mac_addresses: [
        'One or more MAC addresses is invalid. (MAC address a8:a1:59:3c:10:01 already in use on pve. \u2014 MAC address a8:a1:59:3c:10:02 already in use on chief-horse.)',
      ],
    });
  });

  it('device filters: a malformed MAC is a text/plain 400', async () => {
    const r = await request(`${emulator.url}/api/2.0/devices/?mac_address=bogus`, {
      headers: { authorization: buildOAuthHeader(credentialsOf(emulator.apiKey)) },
      dispatcher: agent,
    });
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(await r.body.text()).toBe('Invalid MAC address(es): bogus');
  });

  it('link_subnet: only STATIC on a device, IP in the subnet and outside dynamic ranges, unique', async () => {
    const dev = (await call('POST', 'devices/', { hostname: 'linky', mac_addresses: ['02:00:00:00:00:aa'] })).json() as {
      system_id: string;
      interface_set: { id: number }[];
    };
    const path = `nodes/${dev.system_id}/interfaces/${dev.interface_set[0]!.id}/`;
    expect((await call('POST', path, { mode: 'DHCP', subnet: 1 }, 'link_subnet')).json()).toEqual({
      mode: ["'DHCP' is not a valid mode.  It should be one of: 'STATIC'."],
    });
    expect((await call('POST', path, { mode: 'STATIC', subnet: 1, ip_address: '10.0.0.5' }, 'link_subnet')).json()).toEqual({
      ip_address: ["IP address is not in the given subnet '192.168.4.0/24:192.168.4.0/24(vid=0)'."],
    });
    expect((await call('POST', path, { mode: 'STATIC', subnet: 1, ip_address: '192.168.4.150' }, 'link_subnet')).json()).toEqual({
      ip_address: ['IP address is inside a dynamic range 192.168.4.100 to 192.168.4.199.'],
    });
    expect((await call('POST', path, { mode: 'STATIC', subnet: 42 }, 'link_subnet')).json()).toEqual({
      subnet: ['Select a valid choice. That choice is not one of the available choices.'],
    });
    expect(await call('POST', path, { mode: 'STATIC', subnet: 1, ip_address: '192.168.4.10' }, 'link_subnet')).toMatchObject({
      status: 404,
      type: 'text/plain; charset=utf-8',
      text: 'IP address is already in use.',
    });
    const linked = (await call('POST', path, { mode: 'STATIC', subnet: 'cidr:192.168.4.0/24' }, 'link_subnet')).json() as {
      links: { id: number; ip_address: string; mode: string }[];
    };
    expect(linked.links).toMatchObject([{ mode: 'static', ip_address: '192.168.4.14' }]);
    expect((await call('POST', path, { id: 999 }, 'unlink_subnet')).json()).toEqual({
      id: [`'999' is not a valid id.  It should be one of: '${linked.links[0]!.id}'.`],
    });
    const unlinked = (await call('POST', path, { id: linked.links[0]!.id }, 'unlink_subnet')).json() as { links: unknown[] };
    // models/interface.py ensure_link_up: the interface keeps a link_up link without address or subnet
    expect(unlinked.links).toEqual([{ id: expect.any(Number), mode: 'link_up' }]);
    expect(await call('POST', `nodes/xk7nbd/interfaces/1/`, { mode: 'STATIC', subnet: 1 }, 'link_subnet')).toMatchObject({
      status: 403,
      text: 'Cannot link subnet interface on a controller.',
    });
  });

  it('DNS: CNAME rules and the fqdn split at an existing domain', async () => {
    const a = await call('POST', 'dnsresources/', { fqdn: 'kuma.maas', ip_addresses: '192.168.4.60 fd00::60' });
    expect(a.json()).toMatchObject({ fqdn: 'kuma.maas', ip_addresses: [{ ip: '192.168.4.60' }, { ip: 'fd00::60' }] });
    expect(await call('POST', 'dnsresourcerecords/', { fqdn: 'kuma.maas' })).toMatchObject({ status: 400, text: 'rrtype must be provided.' });
    expect((await call('POST', 'dnsresourcerecords/', { fqdn: 'kuma.maas', rrtype: 'cname', rrdata: 'pve.maas' })).json()).toEqual({
      __all__: ['CNAME records for a name cannot coexist with non-CNAME records.'],
    });
    expect(await call('POST', 'dnsresourcerecords/', { name: 'x', domain: 'lab', rrtype: 'TXT', rrdata: 'hi' })).toMatchObject({
      status: 404,
      text: 'No Domain matches the given query.',
    });
    const txt1 = (await call('POST', 'dnsresourcerecords/', { fqdn: 'txt.maas', rrtype: 'TXT', rrdata: 'one', ttl: 60 })).json() as { id: number };
    // a TTL differing from the set's is only logged by MAAS (models/dnsdata.py DNSData.clean)
    const txt2 = (await call('POST', 'dnsresourcerecords/', { fqdn: 'txt.maas', rrtype: 'TXT', rrdata: 'two', ttl: 120 })).json() as { id: number };
    expect(txt2).toMatchObject({ fqdn: 'txt.maas', rrdata: 'two', ttl: 120 });
    expect(await call('DELETE', `dnsresourcerecords/${txt1.id}/`)).toMatchObject({ status: 204, text: '' });
    expect(await call('DELETE', `dnsresourcerecords/${txt2.id}/`)).toMatchObject({ status: 204, text: '' });
    expect((await call('GET', 'dnsresources/', undefined)).json()).toHaveLength(1);
  });

  it('persists every change atomically and keeps the world across restarts', async () => {
    const file = join(dir, 'world.json');
    const created = (await call('POST', 'devices/', { hostname: 'persisted', mac_addresses: ['02:00:00:00:01:01'] })).json() as {
      system_id: string;
    };
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { nodes: { hostname: string }[] };
    expect(onDisk.nodes.map((n) => n.hostname)).toContain('persisted');
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    await emulator.close();
    emulator = await startMaasEmulator({ worldFile: file });
    const again = await call('GET', `devices/${created.system_id}/`);
    expect(again.json()).toMatchObject({ hostname: 'persisted', fqdn: 'persisted.maas' });
    expect(existsSync(file)).toBe(true);
  });

  it('injects latency and transient errors when asked', async () => {
    emulator.faults.latencyMs = 50;
    const t = Date.now();
    await call('GET', 'zones/');
    expect(Date.now() - t).toBeGreaterThanOrEqual(45);
    emulator.faults.latencyMs = 0;
    emulator.faults.transient500Rate = 1;
    expect(await call('GET', 'zones/')).toMatchObject({ status: 500 });
    emulator.faults.transient500Rate = 0;
    expect(await call('GET', 'zones/')).toMatchObject({ status: 200 });
  });
});
