/**
 * Issue 17, items 3 and 5: a TTL removed from config is cleared by sending the field empty
 * (MAAS's forms keep None for an empty `address_ttl`/`ttl`, and keep the old value for an
 * absent one); a TTL change of a CNAME/TXT set updates each record in place (MAAS only logs
 * mixed TTLs), never deleting and recreating the set.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { startMaasFixture, type MaasFixture } from './support/maas-fixture.js';

const TYPE = 'maas_dns_record';

describe('maas_dns_record TTLs', () => {
  let f: MaasFixture;
  beforeEach(async () => {
    f = await startMaasFixture();
  });
  afterEach(async () => {
    await f.stop();
  });

  const plan = (config: Attributes, prior: Attributes | null = null) => f.provider.planResource({ type: TYPE, prior, config, providerConfig: {} }).planned;

  it('an A record whose ttl is removed from config gets address_ttl cleared', async () => {
    const withTtl = { type: 'A', fqdn: 'kuma.maas', ttl: 300, data: ['192.168.4.60'] };
    const a = await f.provider.create({ type: TYPE, planned: plan(withTtl) });
    expect(a.state.ttl).toBe(300);
    const { ttl: _removed, ...without } = withTtl;
    const updated = await f.provider.update({ type: TYPE, id: a.id, prior: a.state, planned: plan(without, a.state) });
    expect(updated.state.ttl).toBeNull();
    const put = f.emulator.requestLog.filter((r) => r.method === 'PUT').at(-1)!;
    expect(put.form).toContainEqual(['address_ttl', '']);
    expect(f.emulator.world.dnsresources.find((r) => r.name === 'kuma')!.address_ttl).toBeNull();
  });

  it('a TXT set changes its TTL record by record, and a removed ttl is cleared', async () => {
    const config = { type: 'TXT', fqdn: 'txt.maas', ttl: 60, data: ['one', 'two', 'three'] };
    const t = await f.provider.create({ type: TYPE, planned: plan(config) });
    const ids = f.emulator.world.dnsdata.map((d) => d.id).sort();
    const since = f.emulator.requestLog.length;
    const changed = await f.provider.update({ type: TYPE, id: t.id, prior: t.state, planned: plan({ ...config, ttl: 120 }, t.state) });
    expect(changed.state.ttl).toBe(120);
    const writes = f.emulator.requestLog.slice(since).filter((r) => r.method !== 'GET');
    expect(writes.map((r) => r.method)).toEqual(['PUT', 'PUT', 'PUT']);
    expect(f.emulator.world.dnsdata.map((d) => d.id).sort()).toEqual(ids);

    const { ttl: _removed, ...without } = config;
    const cleared = await f.provider.update({ type: TYPE, id: t.id, prior: changed.state, planned: plan(without, changed.state) });
    expect(cleared.state.ttl).toBeNull();
    expect(f.emulator.world.dnsdata.map((d) => d.ttl)).toEqual([null, null, null]);
  });
});
