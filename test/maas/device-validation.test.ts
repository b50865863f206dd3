/**
 * Every maas_device validation error: plan-time checks (pure, from the config alone, or from
 * a maas_subnet data source object), and the live checks create/update run before writing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNKNOWN, type Attributes } from '../../src/core/value.js';
import { MaasProvider } from '../../providers/maas/maas-provider.js';
import { startMaasFixture, type MaasFixture } from './support/maas-fixture.js';

const provider = new MaasProvider();
const validate = (config: Attributes) => provider.validateResource({ type: 'maas_device', config, providerConfig: {} });

const lan = (ip: string, extra: Attributes = {}): Attributes => ({
  hostname: 'k3s',
  interfaces: { lan: { mac: 'bc:24:11:00:00:01', subnet: '192.168.4.0/24', ip, ...extra } },
});

const subnetObject = {
  id: 1,
  cidr: '192.168.4.0/24',
  gateway_ip: '192.168.4.1',
  dynamic_ranges: [{ start: '192.168.4.100', end: '192.168.4.199' }],
};

describe('maas_device plan-time validation', () => {
  const cases: { reason: string; config: Attributes; path: (string | number)[]; message: string | RegExp }[] = [
    { reason: 'hostname missing', config: { mac_addresses: ['bc:24:11:00:00:01'] }, path: ['hostname'], message: 'hostname is required' },
    {
      reason: 'hostname with a domain',
      config: { hostname: 'k3s.maas', mac_addresses: ['bc:24:11:00:00:01'] },
      path: ['hostname'],
      message: 'hostname "k3s.maas" must be a single label; put the domain in `domain`',
    },
    {
      reason: 'hostname ending with a hyphen (MAAS rule and message)',
      config: { hostname: 'k3s-', mac_addresses: ['bc:24:11:00:00:01'] },
      path: ['hostname'],
      message: `invalid hostname "k3s-": Label cannot start or end with hyphen: 'k3s-'.`,
    },
    {
      reason: 'hostname with an underscore',
      config: { hostname: 'k3s_cp', mac_addresses: ['bc:24:11:00:00:01'] },
      path: ['hostname'],
      message: `invalid hostname "k3s_cp": Host label cannot contain underscore: 'k3s_cp'.`,
    },
    {
      reason: 'hostname too long a label',
      config: { hostname: 'a'.repeat(64), mac_addresses: ['bc:24:11:00:00:01'] },
      path: ['hostname'],
      message: /Label is too long: 'a{64}'\.  Maximum allowed is 63 characters\./,
    },
    {
      reason: 'invalid domain',
      config: { hostname: 'k3s', domain: 'lab..home', mac_addresses: ['bc:24:11:00:00:01'] },
      path: ['domain'],
      message: 'invalid domain "lab..home": DNS name contains an empty label.',
    },
    {
      reason: 'empty zone',
      config: { hostname: 'k3s', zone: ' ', mac_addresses: ['bc:24:11:00:00:01'] },
      path: ['zone'],
      message: 'zone must not be empty',
    },
    {
      reason: 'parent not a system_id',
      config: { hostname: 'k3s', parent: 'My Host', mac_addresses: ['bc:24:11:00:00:01'] },
      path: ['parent'],
      message: 'parent must be the system_id of a MAAS node (like "4y3h7n"), got "My Host"',
    },
    {
      reason: 'no MAC at all',
      config: { hostname: 'k3s' },
      path: [],
      message: 'a MAAS device needs at least one MAC address: set mac_addresses or give interfaces a mac',
    },
    {
      reason: 'malformed MAC in mac_addresses',
      config: { hostname: 'k3s', mac_addresses: ['bc:24:11:00:00'] },
      path: ['mac_addresses', 0],
      message: '"bc:24:11:00:00" is not a MAC address (expected six hex pairs like bc:24:11:0a:0b:0c)',
    },
    {
      reason: 'MAC listed twice (in two spellings)',
      config: { hostname: 'k3s', mac_addresses: ['bc:24:11:00:00:01', 'BC-24-11-00-00-01'] },
      path: ['mac_addresses', 1],
      message: 'MAC address bc:24:11:00:00:01 is listed twice',
    },
    {
      reason: 'interface without a MAC',
      config: { hostname: 'k3s', interfaces: { lan: { subnet: '192.168.4.0/24', ip: '192.168.4.50' } } },
      path: ['interfaces', 'lan'],
      message: 'interface "lan" needs a mac (or use the MAC address itself as the key)',
    },
    {
      reason: 'interface MAC malformed',
      config: lan('192.168.4.50', { mac: 'not-a-mac' }),
      path: ['interfaces', 'lan', 'mac'],
      message: '"not-a-mac" is not a MAC address (expected six hex pairs like bc:24:11:0a:0b:0c)',
    },
    {
      reason: 'key is a MAC but mac names another',
      config: { hostname: 'k3s', interfaces: { 'bc:24:11:00:00:01': { mac: 'bc:24:11:00:00:02', subnet: 1, ip: '192.168.4.50' } } },
      path: ['interfaces', 'bc:24:11:00:00:01', 'mac'],
      message: 'interface key is the MAC bc:24:11:00:00:01 but mac says bc:24:11:00:00:02',
    },
    {
      reason: 'interface MAC not in mac_addresses',
      config: { ...lan('192.168.4.50'), mac_addresses: ['bc:24:11:00:00:09'] },
      path: ['interfaces', 'lan', 'mac'],
      message: 'MAC bc:24:11:00:00:01 of interface "lan" is not in mac_addresses',
    },
    {
      reason: 'two interfaces with the same MAC',
      config: {
        hostname: 'k3s',
        interfaces: {
          a: { mac: 'bc:24:11:00:00:01', subnet: 1, ip: '192.168.4.50' },
          b: { mac: 'BC:24:11:00:00:01', subnet: 1, ip: '192.168.4.51' },
        },
      },
      path: ['interfaces', 'b', 'mac'],
      message: 'MAC bc:24:11:00:00:01 is used by interfaces "a" and "b"',
    },
    {
      reason: 'unknown interface attribute',
      config: lan('192.168.4.50', { gateway: '192.168.4.1' }),
      path: ['interfaces', 'lan', 'gateway'],
      message: 'unknown attribute "gateway" of interface "lan" (expected mac, subnet, ip)',
    },
    {
      reason: 'subnet missing',
      config: { hostname: 'k3s', interfaces: { lan: { mac: 'bc:24:11:00:00:01', ip: '192.168.4.50' } } },
      path: ['interfaces', 'lan', 'subnet'],
      message: 'subnet is required (a CIDR such as 192.168.4.0/24, or a MAAS subnet id)',
    },
    {
      reason: 'subnet neither CIDR nor id',
      config: lan('192.168.4.50', { subnet: 'lan' }),
      path: ['interfaces', 'lan', 'subnet'],
      message: 'subnet "lan" is neither a CIDR (like 192.168.4.0/24) nor a subnet id',
    },
    {
      reason: 'subnet CIDR with host bits',
      config: lan('192.168.4.50', { subnet: '192.168.4.7/24' }),
      path: ['interfaces', 'lan', 'subnet'],
      message: 'subnet "192.168.4.7/24" has host bits set; did you mean 192.168.4.0/24?',
    },
    {
      reason: 'subnet id zero',
      config: lan('192.168.4.50', { subnet: 0 }),
      path: ['interfaces', 'lan', 'subnet'],
      message: 'subnet id must be a positive integer, got 0',
    },
    {
      reason: 'ip missing',
      config: { hostname: 'k3s', interfaces: { lan: { mac: 'bc:24:11:00:00:01', subnet: 1 } } },
      path: ['interfaces', 'lan', 'ip'],
      message: 'interface "lan" needs an ip (the static address to link)',
    },
    {
      reason: 'ip malformed',
      config: lan('192.168.4.256'),
      path: ['interfaces', 'lan', 'ip'],
      message: '"192.168.4.256" is not an IP address',
    },
    {
      reason: 'ip outside the subnet',
      config: lan('192.168.5.10'),
      path: ['interfaces', 'lan', 'ip'],
      message: 'IP 192.168.5.10 is not in subnet 192.168.4.0/24',
    },
    {
      reason: 'ip of another family',
      config: lan('fd00::10'),
      path: ['interfaces', 'lan', 'ip'],
      message: 'IP fd00::10 is not in subnet 192.168.4.0/24',
    },
    {
      reason: 'network address',
      config: lan('192.168.4.0'),
      path: ['interfaces', 'lan', 'ip'],
      message: 'IP 192.168.4.0 is the network address of 192.168.4.0/24',
    },
    {
      reason: 'broadcast address',
      config: lan('192.168.4.255'),
      path: ['interfaces', 'lan', 'ip'],
      message: 'IP 192.168.4.255 is the broadcast address of 192.168.4.0/24',
    },
    {
      reason: 'the same IP on two interfaces',
      config: {
        hostname: 'k3s',
        interfaces: {
          a: { mac: 'bc:24:11:00:00:01', subnet: 1, ip: '192.168.4.50' },
          b: { mac: 'bc:24:11:00:00:02', subnet: 1, ip: '192.168.4.50' },
        },
      },
      path: ['interfaces', 'b', 'ip'],
      message: 'IP 192.168.4.50 is given to interfaces "a" and "b"',
    },
    {
      reason: 'ip inside a dynamic range of a maas_subnet object',
      config: lan('192.168.4.150', { subnet: subnetObject }),
      path: ['interfaces', 'lan', 'ip'],
      message:
        'IP 192.168.4.150 is inside the dynamic range 192.168.4.100 to 192.168.4.199 of subnet 192.168.4.0/24: MAAS hands those addresses out by DHCP, pick a static address outside it',
    },
    {
      reason: 'subnet object without id or cidr',
      config: lan('192.168.4.50', { subnet: { name: 'lan' } }),
      path: ['interfaces', 'lan', 'subnet'],
      message: 'a subnet object needs an id or a cidr (pass a maas_subnet data source, or use a CIDR string)',
    },
  ];

  it.each(cases)('$reason', ({ config, path, message }) => {
    const problems = validate(config);
    expect(problems.length, JSON.stringify(problems)).toBe(1);
    expect(problems[0]!.path).toEqual(path);
    expect(problems[0]!.severity).toBe('error');
    if (typeof message === 'string') expect(problems[0]!.message).toBe(message);
    else expect(problems[0]!.message).toMatch(message);
  });

  it('accepts valid configs, including unknown values it cannot judge yet', () => {
    expect(validate(lan('192.168.4.50'))).toEqual([]);
    expect(validate(lan('192.168.4.50', { subnet: subnetObject }))).toEqual([]);
    expect(validate({ hostname: 'k3s', interfaces: { lan: { mac: UNKNOWN, subnet: UNKNOWN, ip: '192.168.4.50' } } })).toEqual([]);
    expect(validate({ hostname: UNKNOWN, mac_addresses: UNKNOWN })).toEqual([]);
    expect(validate({ hostname: 'k3s', interfaces: { 'BC-24-11-00-00-01': { subnet: '192.168.4.0/24', ip: '192.168.4.9' } } })).toEqual([]);
  });
});

describe('maas_device live checks before any write', () => {
  let f: MaasFixture;
  beforeAll(async () => {
    f = await startMaasFixture();
  });
  afterAll(async () => {
    await f.stop();
  });

  async function failCreate(config: Attributes): Promise<string> {
    expect(f.provider.validateResource({ type: 'maas_device', config, providerConfig: {} })).toEqual([]);
    const planned = f.provider.planResource({ type: 'maas_device', prior: null, config, providerConfig: {} }).planned;
    const mark = f.emulator.requestLog.length;
    const err = await f.provider.create({ type: 'maas_device', planned }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(f.emulator.requestLog.slice(mark).every((r) => r.method === 'GET'), 'no write before the checks pass').toBe(true);
    return (err as Error).message;
  }

  it('a MAC already used by another device names its owner', async () => {
    const msg = await failCreate({ hostname: 'newbox', mac_addresses: ['A8:A1:59:3C:10:03'] });
    expect(msg).toBe(
      'maas_device "newbox" cannot be applied:\n  - MAC a8:a1:59:3c:10:03 is already used by device "fun-bedbug" (system_id hf6x7a, interface eth0)',
    );
  });

  it('a MAC used by the region controller names it too', async () => {
    expect(await failCreate({ hostname: 'newbox', mac_addresses: ['bc:24:11:4d:41:53'] })).toContain(
      'MAC bc:24:11:4d:41:53 is already used by region and rack controller "ubuntumaas" (system_id xk7nbd, interface ens18)',
    );
  });

  it('a domain or zone that does not exist', async () => {
    const msg = await failCreate({ hostname: 'newbox', domain: 'lab', zone: 'rack-2', mac_addresses: ['02:00:00:00:10:01'] });
    expect(msg).toContain('domain "lab" does not exist in MAAS (existing: maas)');
    expect(msg).toContain('zone "rack-2" does not exist in MAAS (existing: default)');
  });

  it('a subnet MAAS does not have', async () => {
    expect(await failCreate(lan('10.10.0.5', { subnet: '10.10.0.0/24' }))).toContain(
      'interface "lan": 10.10.0.0/24 does not exist in MAAS (known: 192.168.4.0/24 (id 1))',
    );
    expect(await failCreate(lan('10.10.0.5', { subnet: 7 }))).toContain('interface "lan": subnet id 7 does not exist in MAAS');
  });

  it('an IP outside a subnet given by id (only MAAS knows its CIDR)', async () => {
    expect(await failCreate(lan('10.10.0.5', { subnet: 1 }))).toContain(
      'interface "lan": IP 10.10.0.5 is not in subnet 192.168.4.0/24 (id 1)',
    );
  });

  it('an IP inside the dynamic range of a subnet given by CIDR', async () => {
    expect(await failCreate(lan('192.168.4.120'))).toContain(
      'interface "lan": IP 192.168.4.120 is inside the dynamic range 192.168.4.100 to 192.168.4.199 of 192.168.4.0/24 (MAAS hands those addresses out by DHCP)',
    );
  });

  it('an IP already assigned to another node names it', async () => {
    expect(await failCreate(lan('192.168.4.11'))).toContain(
      'interface "lan": IP 192.168.4.11 is already assigned to device "chief-horse" (system_id c8rw4m)',
    );
  });

  it('reports every problem at once', async () => {
    const msg = await failCreate({
      hostname: 'newbox',
      domain: 'lab',
      interfaces: { lan: { mac: 'a8:a1:59:3c:10:01', subnet: '192.168.4.0/24', ip: '192.168.4.12' } },
    });
    expect(msg.split('\n')).toHaveLength(4);
  });

  it('an update checks only what it changes, and its own MAC and IP are not conflicts', async () => {
    const config = lan('192.168.4.70');
    const planned = f.provider.planResource({ type: 'maas_device', prior: null, config, providerConfig: {} }).planned;
    const created = await f.provider.create({ type: 'maas_device', planned });
    const moved = lan('192.168.4.11');
    const p = f.provider.planResource({ type: 'maas_device', prior: created.state, config: moved, providerConfig: {} });
    const err = await f.provider.update({ type: 'maas_device', id: created.id, prior: created.state, planned: p.planned }).catch((e: Error) => e);
    expect((err as Error).message).toContain('IP 192.168.4.11 is already assigned to device "chief-horse"');
    const same = f.provider.planResource({ type: 'maas_device', prior: created.state, config: { ...config, description: 'x' }, providerConfig: {} });
    const ok = await f.provider.update({ type: 'maas_device', id: created.id, prior: created.state, planned: same.planned });
    expect(ok.state.description).toBe('x');
    await f.provider.delete({ type: 'maas_device', id: created.id, prior: ok.state });
  });

  it('MAAS\'s own refusal surfaces as a ProviderError with MAAS\'s text (a parent that does not exist)', async () => {
    const config = { hostname: 'child', parent: 'zzzzzz', mac_addresses: ['02:00:00:00:10:02'] };
    const planned = f.provider.planResource({ type: 'maas_device', prior: null, config, providerConfig: {} }).planned;
    const err = await f.provider.create({ type: 'maas_device', planned }).catch((e: Error) => e);
    expect((err as Error).name).toBe('MaasApiError');
    expect((err as Error).message).toBe(
      'MAAS POST devices/ failed (400): parent: Select a valid choice. That choice is not one of the available choices.',
    );
  });
});
