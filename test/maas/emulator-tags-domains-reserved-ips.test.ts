/**
 * The emulator's tags, domains and reserved IPs (3.6+), the 403s of controllers and non-admin
 * keys, the 409s of static links against reserved IPs, the link_up left by an unlink, and
 * what a STATIC address may use (reserved ranges yes, dynamic ranges no).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { buildOAuthHeader } from '../../providers/maas/client/oauth-header.js';
import { toSearchParams, type FormFields } from '../../providers/maas/client/form-body.js';
import { startMaasEmulator, type MaasEmulator, type MaasVersion } from '../../providers/maas/emulator/maas-emulator.js';
import { credentialsOf } from './support/maas-fixture.js';

const ADMIN = 'adminconsumer:admintoken:adminsecret';
const USER = 'userconsumer:usertoken:usersecret';

interface Answer {
  status: number;
  text: string;
  json: () => unknown;
}

function client(version: MaasVersion) {
  let emulator: MaasEmulator;
  const agent = new Agent();
  const call = async (method: string, path: string, form?: FormFields, op?: string, key = ADMIN): Promise<Answer> => {
    const qs = op ? `?op=${op}` : '';
    const res = await request(`${emulator.url}/api/2.0/${path}${qs}`, {
      method: method as 'GET',
      headers: {
        authorization: buildOAuthHeader(credentialsOf(key)),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: toSearchParams(form).toString() } : {}),
      dispatcher: agent,
    });
    const text = await res.body.text();
    return { status: res.statusCode, text, json: () => JSON.parse(text) };
  };
  return {
    call,
    get emulator() {
      return emulator;
    },
    start: async () => {
      emulator = await startMaasEmulator({ seed: 5, maasVersion: version, apiKeys: [ADMIN, { key: USER, admin: false }] });
    },
    stop: async () => {
      await agent.close();
      await emulator.close();
    },
  };
}

describe('MAAS emulator 3.5: no reserved IPs, tags, domains, admin checks', () => {
  const c = client('3.5');
  beforeAll(c.start);
  afterAll(c.stop);

  it('reservedips/ is an unknown endpoint before 3.6', async () => {
    expect(await c.call('GET', 'reservedips/')).toMatchObject({ status: 404, text: 'Unknown API endpoint: /MAAS/api/2.0/reservedips/.' });
  });

  it('tags: TagForm checks, update_nodes on devices and controllers, 409 on another definition', async () => {
    expect((await c.call('POST', 'tags/', { name: 'bad name' })).json()).toEqual({ name: ['Enter a valid value.'] });
    expect((await c.call('POST', 'tags/', {})).json()).toEqual({ name: ['This field is required.'] });
    const made = await c.call('POST', 'tags/', { name: 'critical', comment: 'pager' });
    expect(made.json()).toMatchObject({ name: 'critical', comment: 'pager', definition: '', kernel_opts: '' });
    expect((await c.call('POST', 'tags/', { name: 'critical' })).json()).toEqual({ name: ['Tag with this Name already exists.'] });
    const added = await c.call('POST', 'tags/critical/', { add: ['pqd3ht', 'xk7nbd', 'nosuch'] }, 'update_nodes');
    expect(added.json()).toEqual({ added: 2, removed: 0 });
    const devices = (await c.call('GET', 'tags/critical/', undefined, 'devices')).json() as { system_id: string; tag_names: string[] }[];
    expect(devices.map((d) => d.system_id)).toEqual(['pqd3ht']);
    expect(devices[0]!.tag_names).toEqual(['critical']);
    expect(await c.call('POST', 'tags/critical/', { remove: 'xk7nbd', definition: '//node' }, 'update_nodes')).toMatchObject({
      status: 409,
      text: "Definition supplied '//node' doesn't match current definition ''",
    });
    expect((await c.call('PUT', 'tags/critical/', { name: 'vital' })).json()).toMatchObject({ name: 'vital', comment: 'pager' });
    const node = (await c.call('GET', 'devices/pqd3ht/')).json() as { tag_names: string[] };
    expect(node.tag_names).toEqual(['vital']);
    expect((await c.call('DELETE', 'tags/vital/')).status).toBe(204);
    expect(await c.call('GET', 'tags/vital/')).toMatchObject({ status: 404, text: 'No Tag matches the given query.' });
  });

  it('domains: update, the default cannot be deleted, a domain holding nodes is protected', async () => {
    const lab = (await c.call('POST', 'domains/', { name: 'lab.' })).json() as { id: number; name: string };
    expect(lab.name).toBe('lab');
    expect((await c.call('PUT', `domains/${lab.id}/`, { ttl: '0' })).json()).toEqual({ ttl: ['Ensure this value is greater than or equal to 1.'] });
    expect((await c.call('PUT', `domains/${lab.id}/`, { ttl: '600', authoritative: 'false' })).json()).toMatchObject({
      name: 'lab',
      ttl: 600,
      authoritative: false,
    });
    expect(await c.call('DELETE', 'domains/0/')).toMatchObject({ status: 400, text: 'This domain is the default domain, it cannot be deleted.' });
    await c.call('POST', 'devices/', { hostname: 'box', domain: 'lab', mac_addresses: '02:00:00:00:77:01' });
    expect(await c.call('DELETE', `domains/${lab.id}/`)).toMatchObject({ status: 500, text: expect.stringContaining("'Node.domain'") });
  });

  it('a non-admin key may read and register devices but not write DNS, domains or tags', async () => {
    expect((await c.call('GET', 'tags/', undefined, undefined, USER)).status).toBe(200);
    expect((await c.call('POST', 'devices/', { hostname: 'mine', mac_addresses: '02:00:00:00:77:02' }, undefined, USER)).status).toBe(200);
    expect(await c.call('POST', 'dnsresources/', { fqdn: 'x.maas', ip_addresses: '192.168.4.77' }, undefined, USER)).toMatchObject({
      status: 403,
      text: 'This method is reserved for admin users.',
    });
    expect(await c.call('POST', 'domains/', { name: 'other' }, undefined, USER)).toMatchObject({ status: 403, text: 'This method is reserved for admin users.' });
    expect(await c.call('POST', 'tags/', { name: 'x' }, undefined, USER)).toMatchObject({ status: 403, text: '' });
    expect(await c.call('POST', 'tags/any/', { add: 'pqd3ht' }, 'update_nodes', USER)).toMatchObject({ status: 403, text: '' });
  });

  it('a STATIC address may lie in a reserved range but not in a dynamic one; unlink leaves link_up', async () => {
    const dev = (await c.call('POST', 'devices/', { hostname: 'switch', mac_addresses: '02:00:00:00:77:03' })).json() as {
      system_id: string;
      interface_set: { id: number }[];
    };
    const path = `nodes/${dev.system_id}/interfaces/${dev.interface_set[0]!.id}/`;
    expect((await c.call('POST', path, { mode: 'STATIC', subnet: 1, ip_address: '192.168.4.150' }, 'link_subnet')).json()).toEqual({
      ip_address: ['IP address is inside a dynamic range 192.168.4.100 to 192.168.4.199.'],
    });
    const linked = (await c.call('POST', path, { mode: 'STATIC', subnet: 1, ip_address: '192.168.4.5' }, 'link_subnet')).json() as {
      links: { id: number; mode: string; ip_address?: string }[];
    };
    expect(linked.links).toMatchObject([{ mode: 'static', ip_address: '192.168.4.5' }]);
    const unlinked = (await c.call('POST', path, { id: linked.links[0]!.id }, 'unlink_subnet')).json() as { links: { id: number }[] };
    expect(unlinked.links).toEqual([{ id: expect.any(Number), mode: 'link_up' }]);
    const device = (await c.call('GET', `devices/${dev.system_id}/`)).json() as { ip_addresses: string[] };
    expect(device.ip_addresses).toEqual([]);
    const relinked = (await c.call('POST', path, { mode: 'STATIC', subnet: 1, ip_address: '192.168.4.6' }, 'link_subnet')).json() as {
      links: unknown[];
    };
    expect(relinked.links).toMatchObject([{ mode: 'static', ip_address: '192.168.4.6' }]);
    expect(await c.call('POST', 'nodes/xk7nbd/interfaces/1/', { id: 1 }, 'unlink_subnet')).toMatchObject({
      status: 403,
      text: 'Cannot link subnet interface on a controller.',
    });
  });
});

describe('MAAS emulator 3.6: reserved IPs', () => {
  const c = client('3.6');
  beforeAll(c.start);
  afterAll(c.stop);

  it('ReservedIPForm checks and the immutable fields', async () => {
    expect((await c.call('POST', 'reservedips/', { ip: '192.168.4.150', mac_address: 'bc:24:11:00:00:10' })).json()).toEqual({
      ip: ['The reserved IP 192.168.4.150 must be outside the dynamic range 192.168.4.100 - 192.168.4.199.'],
    });
    expect((await c.call('POST', 'reservedips/', { ip: '10.9.9.9', mac_address: 'bc:24:11:00:00:10' })).json()).toEqual({
      subnet: ['There is no subnet for 10.9.9.9. Create the subnet and try again.'],
    });
    expect((await c.call('POST', 'reservedips/', { ip: '192.168.4.11', mac_address: 'bc:24:11:00:00:10' })).json()).toEqual({
      ip: ['The ip 192.168.4.11 is already in use by another machine.'],
    });
    const made = (await c.call('POST', 'reservedips/', { ip: '192.168.4.60', mac_address: 'BC:24:11:00:00:10', comment: 'kuma' })).json() as {
      id: number;
    };
    expect(made).toMatchObject({ ip: '192.168.4.60', mac_address: 'bc:24:11:00:00:10', comment: 'kuma', subnet: { id: 1 } });
    expect((await c.call('POST', 'reservedips/', { ip: '192.168.4.61', mac_address: 'bc:24:11:00:00:10' })).json()).toEqual({
      __all__: ['Reserved IP with this MAC address and Subnet already exists.'],
    });
    expect((await c.call('PUT', `reservedips/${made.id}/`, { comment: 'uptime kuma' })).json()).toMatchObject({ comment: 'uptime kuma' });
    expect((await c.call('PUT', `reservedips/${made.id}/`, { subnet: 1, comment: 'x' })).json()).toEqual({
      __all__: ['The ip, mac_address and the subnet of a reserved IP are immutable. Delete the entry and recreate it.'],
    });
    expect(await c.call('POST', 'reservedips/', { ip: '192.168.4.62', mac_address: 'bc:24:11:00:00:11' }, undefined, USER)).toMatchObject({
      status: 403,
      text: 'This method is reserved for admin users.',
    });
  });

  it('a static link that clashes with a reserved IP is a 409', async () => {
    await c.call('POST', 'reservedips/', { ip: '192.168.4.70', mac_address: 'bc:24:11:00:00:20' });
    const dev = (await c.call('POST', 'devices/', { hostname: 'other', mac_addresses: 'bc:24:11:00:00:21' })).json() as {
      system_id: string;
      interface_set: { id: number }[];
    };
    const path = `nodes/${dev.system_id}/interfaces/${dev.interface_set[0]!.id}/`;
    expect(await c.call('POST', path, { mode: 'STATIC', subnet: 1, ip_address: '192.168.4.70' }, 'link_subnet')).toMatchObject({
      status: 409,
      text: 'The static IP 192.168.4.70 is already reserved for the MAC address bc:24:11:00:00:20.',
    });
    const owner = (await c.call('POST', 'devices/', { hostname: 'owner', mac_addresses: 'bc:24:11:00:00:20' })).json() as {
      system_id: string;
      interface_set: { id: number }[];
    };
    const ownerPath = `nodes/${owner.system_id}/interfaces/${owner.interface_set[0]!.id}/`;
    expect(await c.call('POST', ownerPath, { mode: 'STATIC', subnet: 1, ip_address: '192.168.4.71' }, 'link_subnet')).toMatchObject({
      status: 409,
      text: 'The static IP 192.168.4.71 does not match the reserved IP 192.168.4.70 for the MAC address bc:24:11:00:00:20.',
    });
    expect((await c.call('POST', ownerPath, { mode: 'STATIC', subnet: 1, ip_address: '192.168.4.70' }, 'link_subnet')).status).toBe(200);
  });
});
