/**
 * What the emulator stores for a container or VM the way the real releases do: the
 * `unprivileged` default of a container create per version profile and the `Sys.Modify` needed
 * for a privileged one (pve-container LXC.pm create_vm), tags through get_unique_tags under the
 * datacenter `tag-style` (pve-guest-common GuestHelpers.pm), `GET/PUT /cluster/options`, and
 * container nameserver / searchdomain joined by single spaces (pve-container).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueTags } from '../../providers/pve/emulator/guest-tags.js';
import { DEFAULT_TOKEN_ID, DEFAULT_TOKEN_SECRET } from '../../providers/pve/emulator/start-emulator.js';
import { clientFor, failure, startTestEmulator, waitTask, type Api, type TestEmulator } from './support/emulator-fixture.js';

const TEMPLATE = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';
const LIMITED = { id: 'ops@pve!hl', secret: '0b6f3c1e-2a4d-4e5f-8a9b-0c1d2e3f4a5b', privileges: ['VM.Allocate', 'VM.Config.Options', 'VM.Audit', 'Datastore.AllocateSpace'] };

async function createCt(api: Api, vmid: number, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const upid = await api.nodes.$('pve').lxc.$post({ vmid, ostemplate: TEMPLATE, rootfs: 'local-lvm:1', ...extra });
  expect((await waitTask(api, upid)).exitstatus).toBe('OK');
  return api.nodes.$('pve').lxc.$(vmid).config.$get();
}

describe('get_unique_tags', () => {
  const cases: { reason: string; input: string; style: Parameters<typeof uniqueTags>[1]; out: string }[] = [
    { reason: 'default: lowercased, sorted, duplicates dropped', input: 'Prod,web;prod  Alpha', style: { caseSensitive: false, ordering: 'alphabetical' }, out: 'alpha;prod;web' },
    { reason: 'case-sensitive: spelling kept, sorted by code', input: 'web;Prod;prod;Prod', style: { caseSensitive: true, ordering: 'alphabetical' }, out: 'Prod;prod;web' },
    { reason: 'ordering=config: the order written, lowercased', input: 'Web;alpha;WEB', style: { caseSensitive: false, ordering: 'config' }, out: 'web;alpha' },
    { reason: 'case-sensitive and config order: written as given', input: 'b A a', style: { caseSensitive: true, ordering: 'config' }, out: 'b;A;a' },
    { reason: 'empty', input: ' ; ', style: { caseSensitive: false, ordering: 'alphabetical' }, out: '' },
  ];
  for (const c of cases) it(c.reason, () => expect(uniqueTags(c.input, c.style)).toBe(c.out));
});

describe.each(['8.4', '9.1'] as const)('Proxmox emulator %s: container privilege at create', (pveVersion) => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({ seed: 'empty', pveVersion, tokens: [{ id: DEFAULT_TOKEN_ID, secret: DEFAULT_TOKEN_SECRET }, LIMITED] });
  });
  afterAll(async () => {
    await t.close();
  });

  it(`creates a container without 'unprivileged' ${pveVersion === '8.4' ? 'privileged' : 'unprivileged'}`, async () => {
    const cfg = await createCt(t.api, 200);
    if (pveVersion === '8.4') expect(cfg.unprivileged).toBeUndefined();
    else expect(cfg.unprivileged).toBe(1);
    expect((await createCt(t.api, 201, { unprivileged: 0 })).unprivileged).toBeUndefined();
    expect((await createCt(t.api, 202, { unprivileged: 1 })).unprivileged).toBe(1);
  });

  it(pveVersion === '8.4' ? 'lets a token without Sys.Modify create a privileged container' : 'refuses a privileged container to a token without Sys.Modify', async () => {
    const limited = clientFor(t.emu, { tokenID: LIMITED.id, tokenSecret: LIMITED.secret });
    if (pveVersion === '8.4') {
      expect((await createCt(limited, 210, { unprivileged: 0 })).unprivileged).toBeUndefined();
    } else {
      expect(await failure(limited.nodes.$('pve').lxc.$post({ vmid: 210, ostemplate: TEMPLATE, unprivileged: 0 }))).toMatch(
        /403 Permission check failed \(\/, Sys\.Modify\)/,
      );
      expect(t.emu.world.guests['210']).toBeUndefined();
    }
    expect((await createCt(limited, 211)).unprivileged).toBe(pveVersion === '8.4' ? undefined : 1);
  });
});

describe('Proxmox emulator: tags under the datacenter tag-style, DNS lists of containers', () => {
  let t: TestEmulator;
  let api: Api;
  beforeAll(async () => {
    t = await startTestEmulator({ seed: 'empty' });
    api = t.api;
  });
  afterAll(async () => {
    await t.close();
  });

  it('stores tags lowercased and sorted by default, on create and update, for VMs and containers', async () => {
    expect((await api.cluster.options.$get())['tag-style']).toBeUndefined();
    const ct = await createCt(api, 300, { tags: 'Web;Prod,prod' });
    expect(ct.tags).toBe('prod;web');
    await api.nodes.$('pve').lxc.$(300).config.$put({ tags: 'Zeta Alpha' });
    expect((await api.nodes.$('pve').lxc.$(300).config.$get()).tags).toBe('alpha;zeta');
    const upid = await api.nodes.$('pve').qemu.$post({ vmid: 301, tags: 'Prod;DMZ' });
    expect((await waitTask(api, upid)).exitstatus).toBe('OK');
    expect((await api.nodes.$('pve').qemu.$(301).config.$get()).tags).toBe('dmz;prod');
    await waitTask(api, await api.nodes.$('pve').qemu.$(301).config.$post({ tags: 'B;a' }));
    expect((await api.nodes.$('pve').qemu.$(301).config.$get()).tags).toBe('a;b');
  });

  it('keeps the spelling with case-sensitive=1 and the order with ordering=config', async () => {
    await api.cluster.options.$put({ 'tag-style': 'case-sensitive=1' });
    const opts = await api.cluster.options.$get();
    expect(opts['tag-style']).toEqual({ 'case-sensitive': 1 });
    expect(opts['allowed-tags']).toEqual(['a', 'alpha', 'b', 'zeta']);
    await api.nodes.$('pve').lxc.$(300).config.$put({ tags: 'Web;Prod;prod' });
    expect((await api.nodes.$('pve').lxc.$(300).config.$get()).tags).toBe('Prod;Web;prod');
    await api.cluster.options.$put({ 'tag-style': 'ordering=config,shape=dense' });
    expect((await api.cluster.options.$get())['tag-style']).toEqual({ ordering: 'config', shape: 'dense' });
    await waitTask(api, await api.nodes.$('pve').qemu.$(301).config.$post({ tags: 'Zulu;alpha' }));
    expect((await api.nodes.$('pve').qemu.$(301).config.$get()).tags).toBe('zulu;alpha');
    await api.cluster.options.$put({ delete: 'tag-style' });
    expect((await api.cluster.options.$get())['tag-style']).toBeUndefined();
    expect(await failure(api.cluster.options.$put({ 'tag-style': 'ordering=random' }))).toMatch(/400 Parameter verification failed/);
  });

  it('joins container nameserver and searchdomain lists with single spaces, on create and update', async () => {
    const cfg = await createCt(api, 310, { nameserver: '1.1.1.1,8.8.8.8;9.9.9.9', searchdomain: 'lan,home.arpa' });
    expect(cfg).toMatchObject({ nameserver: '1.1.1.1 8.8.8.8 9.9.9.9', searchdomain: 'lan home.arpa' });
    await api.nodes.$('pve').lxc.$(310).config.$put({ nameserver: '10.0.0.1;10.0.0.2', searchdomain: 'a.lan  b.lan' });
    expect(await api.nodes.$('pve').lxc.$(310).config.$get()).toMatchObject({ nameserver: '10.0.0.1 10.0.0.2', searchdomain: 'a.lan b.lan' });
  });

  it('keeps a VM cloud-init nameserver as written (qemu-server does not normalise it)', async () => {
    const upid = await api.nodes.$('pve').qemu.$post({ vmid: 320, nameserver: '1.1.1.1,8.8.8.8', searchdomain: 'lan,home.arpa' });
    expect((await waitTask(api, upid)).exitstatus).toBe('OK');
    expect(await api.nodes.$('pve').qemu.$(320).config.$get()).toMatchObject({ nameserver: '1.1.1.1,8.8.8.8', searchdomain: 'lan,home.arpa' });
  });
});

describe('Proxmox emulator: /cluster/options for a token without Sys.Audit and Sys.Modify', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({ seed: 'empty', tokens: [LIMITED] });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers only console and tag-style, and refuses PUT', async () => {
    t.emu.world.datacenter = { keyboard: 'de', 'tag-style': 'case-sensitive=1' };
    const limited = clientFor(t.emu, { tokenID: LIMITED.id, tokenSecret: LIMITED.secret });
    expect(await limited.cluster.options.$get()).toEqual({ 'tag-style': { 'case-sensitive': 1 }, 'allowed-tags': [] });
    expect(await failure(limited.cluster.options.$put({ keyboard: 'en-us' }))).toMatch(/403 Permission check failed \(\/, Sys\.Modify\)/);
  });
});
