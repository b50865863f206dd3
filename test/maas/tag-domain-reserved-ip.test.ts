/**
 * The resources the seed's workflow needs (issue 17, item 7): maas_tag (devices carry tags),
 * maas_dns_domain (deletion refused in words while it holds nodes), maas_reserved_ip (MAAS
 * 3.6+: refused at plan time, naming 3.6, on an older MAAS; the comment changes in place,
 * the address does not).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import type { PlannedChange } from '../../src/provider/contract.js';
import { MaasProvider } from '../../providers/maas/maas-provider.js';
import { startMaasFixture, type MaasFixture } from './support/maas-fixture.js';

function plan(f: MaasFixture, type: string, config: Attributes, prior: Attributes | null = null) {
  return f.provider.planResource({ type, prior, config, providerConfig: {} });
}
const create = (address: string, type: string, planned: Attributes): PlannedChange => ({ address, type, action: 'create', prior: null, planned });

describe('on MAAS 3.5', () => {
  let f: MaasFixture;
  beforeAll(async () => {
    f = await startMaasFixture({ apiKeys: ['a:b:c', { key: 'user:tok:secret', admin: false }] });
  });
  afterAll(async () => {
    await f.stop();
  });

  it('maas_reserved_ip is a plan-time error naming 3.6, and create refuses it too', async () => {
    const planned = plan(f, 'maas_reserved_ip', { ip: '192.168.4.60', mac_address: 'bc:24:11:00:00:60' }).planned;
    const { problems } = await f.provider.checkPlan({ changes: [create('maas_reserved_ip.kuma', 'maas_reserved_ip', planned)] });
    expect(problems).toEqual([
      {
        address: 'maas_reserved_ip.kuma',
        path: [],
        severity: 'error',
        message: 'maas_reserved_ip needs MAAS 3.6 or later (reservedips/ is new in 3.6); this MAAS is 3.5.4. Register a maas_device with a static IP instead',
      },
    ]);
    await expect(f.provider.create({ type: 'maas_reserved_ip', planned })).rejects.toThrow('maas_reserved_ip needs MAAS 3.6 or later');
  });

  it('maas_tag tags devices, and the plan names a node that does not exist', async () => {
    const planned = plan(f, 'maas_tag', { name: 'critical', nodes: ['pqd3ht', 'zzzzzz'] }).planned;
    const { problems } = await f.provider.checkPlan({ changes: [create('maas_tag.critical', 'maas_tag', planned)] });
    expect(problems).toEqual([{ address: 'maas_tag.critical', path: ['nodes', 1], severity: 'error', message: 'MAAS has no node with system_id zzzzzz' }]);
    const made = await f.provider.create({ type: 'maas_tag', planned: plan(f, 'maas_tag', { name: 'critical', comment: 'pager', nodes: ['pqd3ht'] }).planned });
    expect(made).toEqual({ id: 'critical', state: { name: 'critical', comment: 'pager', kernel_opts: '', nodes: ['pqd3ht'] } });
    expect((await f.ui.getDevice('pqd3ht'))!.tag_names).toEqual(['critical']);
    expect(f.provider.validateResource({ type: 'maas_tag', config: { name: 'not ok' }, providerConfig: {} })[0]!.message).toBe(
      'tag name "not ok" may hold only letters, digits, "-" and "_" (MAAS uses it in URLs)',
    );
  });

  it('maas_dns_domain: deleting a domain that still holds a device is refused in words', async () => {
    const made = await f.provider.create({ type: 'maas_dns_domain', planned: plan(f, 'maas_dns_domain', { name: 'lab.home' }).planned });
    await f.ui.createDevice({ hostname: 'inlab', domain: 'lab.home', mac_addresses: ['02:00:00:00:99:01'] });
    await expect(f.provider.delete({ type: 'maas_dns_domain', id: made.id, prior: made.state })).rejects.toThrow(
      'maas_dns_domain lab.home cannot be deleted while it holds 1 node(s) (inlab): move or delete them first',
    );
  });

  it('a non-admin key gets MAAS\'s refusal as a readable error', async () => {
    const p = new MaasProvider({ retryDelayMs: 5 });
    await p.configure({ config: { url: f.emulator.url, api_key: 'user:tok:secret' }, configDir: f.workDir, workDir: f.workDir });
    try {
      const err = await p.create({ type: 'maas_tag', planned: { name: 'x', comment: '', kernel_opts: '', nodes: [] } }).catch((e: Error) => e);
      expect((err as Error).message).toBe('MAAS refused to create tag x (403): this needs the API key of a MAAS admin user');
      expect((err as Error).stack ?? '').not.toContain('secret');
    } finally {
      await p.close();
    }
  });
});

describe('maas_reserved_ip on MAAS 3.6', () => {
  let f: MaasFixture;
  beforeAll(async () => {
    f = await startMaasFixture({ maasVersion: '3.6' });
  });
  afterAll(async () => {
    await f.stop();
  });

  it('changes its comment in place; a new address replaces it', async () => {
    const config = { ip: '192.168.4.60', mac_address: 'BC:24:11:00:00:60', comment: 'kuma' };
    const made = await f.provider.create({ type: 'maas_reserved_ip', planned: plan(f, 'maas_reserved_ip', config).planned });
    expect(made.state).toEqual({ ip: '192.168.4.60', mac_address: 'BC:24:11:00:00:60', subnet: '192.168.4.0/24', comment: 'kuma' });
    const renamed = plan(f, 'maas_reserved_ip', { ...config, comment: 'uptime kuma' }, made.state);
    expect(renamed.requiresReplace).toEqual([]);
    const updated = await f.provider.update({ type: 'maas_reserved_ip', id: made.id, prior: made.state, planned: renamed.planned });
    expect(updated.state.comment).toBe('uptime kuma');
    expect(plan(f, 'maas_reserved_ip', { ...config, ip: '192.168.4.61' }, updated.state).requiresReplace.map((r) => r.path)).toEqual([['ip']]);
    const dyn = plan(f, 'maas_reserved_ip', { ip: '192.168.4.150', mac_address: 'bc:24:11:00:00:61' }).planned;
    const { problems } = await f.provider.checkPlan({ changes: [create('maas_reserved_ip.dyn', 'maas_reserved_ip', dyn)] });
    expect(problems.map((p) => p.message)).toEqual([
      'IP 192.168.4.150 is inside the dynamic range 192.168.4.100 to 192.168.4.199 of 192.168.4.0/24: MAAS reserves addresses outside it only',
    ]);
  });
});
