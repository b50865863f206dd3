/**
 * `readPlacement` of the proxmox provider against the PVE emulator over HTTP: the seed's nodes
 * with their capacity and load (fun-bedbug's 2 cores at 61.7 %, chief-horse's 7.66 GiB), their
 * enabled and active storages, the guests (templates left out), a guest created since
 * pvestatd's last round read live, a node that went down listed offline without storages, and
 * the calls it makes: one listing and one storage listing per online node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlacementFacts } from '../../src/provider/placement.js';
import { startFixture, type Fixture, type RawApi } from './support/provider-fixture.js';

const GiB = 1024 ** 3;

describe('proxmox readPlacement', () => {
  let f: Fixture;
  let facts: PlacementFacts;
  beforeAll(async () => {
    f = await startFixture({ rrdIntervalMs: 3_600_000 });
    facts = await f.provider.readPlacement({});
  });
  afterAll(async () => {
    await f.stop();
  });

  it('reads every node with its cores, load and memory as the seed gives them', () => {
    const byName = Object.fromEntries(facts.nodes.map((n) => [n.name, n]));
    expect(facts.nodes.map((n) => n.name)).toEqual(['chief-horse', 'fun-bedbug', 'pumped-piglet', 'pve', 'rapid-civet', 'still-fawn']);
    expect(byName['fun-bedbug']).toMatchObject({ online: true, cores: 2 });
    expect(byName['fun-bedbug']!.cpuLoad).toBeCloseTo(0.617, 6);
    expect(byName['pumped-piglet']).toMatchObject({ online: true, cores: 12 });
    expect(byName['pumped-piglet']!.cpuLoad).toBeCloseTo(0.098, 6);
    expect(byName['chief-horse']!.memoryBytes / GiB).toBeCloseTo(7.66, 2);
    expect(byName.pve!.memoryUsedBytes).toBeGreaterThan(0);
    expect(byName.pve!.memoryUsedBytes).toBeLessThanOrEqual(byName.pve!.memoryBytes);
    expect(byName['still-fawn']).toMatchObject({ online: false, storages: [] });
  });

  it('lists the storages of an online node with their content and whether they are shared', () => {
    const piglet = facts.nodes.find((n) => n.name === 'pumped-piglet')!;
    expect(piglet.storages).toEqual([
      { id: 'local', content: ['iso', 'vztmpl', 'backup', 'snippets'], shared: false },
      { id: 'local-zfs', content: ['images', 'rootdir'], shared: false },
    ]);
  });

  it('lists the guests by node/vmid with their memory, vCPUs, load and power, templates left out', () => {
    expect(facts.objects.map((o) => o.id).sort()).toEqual(['pve/100', 'pve/101', 'pve/102', 'pve/107', 'pve/111']);
    const opnsense = facts.objects.find((o) => o.id === 'pve/101')!;
    expect(opnsense).toMatchObject({ type: 'proxmox_vm', node: 'pve', name: 'OPNsense', memoryBytes: 4 * GiB, vcpus: 2, running: true });
    expect(opnsense.cpuLoad).toBeGreaterThan(0);
    expect(facts.objects.find((o) => o.id === 'pve/111')).toMatchObject({ type: 'proxmox_lxc', name: 'cloudflared', memoryBytes: 512 * 1024 ** 2, vcpus: 1 });
  });

  it('reads a guest created since pvestatd last sampled it from its live status', async () => {
    await f.behindTheBack(async (api: RawApi) => {
      await api.nodes.$('chief-horse').lxc.$post({
        vmid: 140,
        ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
        hostname: 'fresh',
        cores: 3,
        memory: 2048,
        rootfs: 'local-lvm:4',
      });
      await f.emu.idle();
    });
    const listed = await f.behindTheBack(
      async (api: RawApi) => ((await api.cluster.resources.$get({ type: 'vm' })) as { vmid: number; status?: string }[]).find((g) => g.vmid === 140),
    );
    expect(listed?.status).toBe('unknown');
    const again = await f.provider.readPlacement({});
    expect(again.objects.find((o) => o.id === 'chief-horse/140')).toEqual({
      id: 'chief-horse/140',
      type: 'proxmox_lxc',
      node: 'chief-horse',
      name: 'fresh',
      memoryBytes: 2 * GiB,
      vcpus: 3,
      cpuLoad: 0,
      running: false,
    });
  });

  it('reads one listing and one storage listing per online node, nothing else', async () => {
    const from = f.providerRequests().length;
    f.emu.pvestatdRound();
    await f.provider.readPlacement({});
    const calls = f
      .providerRequests()
      .slice(from)
      .map((r) => `${r.method} ${r.path}`);
    expect(calls.filter((c) => c.includes('/cluster/resources'))).toEqual(['GET /cluster/resources']);
    expect(calls).toHaveLength(5);
    expect(calls.filter((c) => /\/nodes\/[^/]+\/storage$/.test(c)).sort()).toEqual([
      'GET /nodes/chief-horse/storage',
      'GET /nodes/fun-bedbug/storage',
      'GET /nodes/pumped-piglet/storage',
      'GET /nodes/pve/storage',
    ]);
    expect(calls.every((c) => c.startsWith('GET '))).toBe(true);
  });

  it('lists a node that went down as offline, without storages', async () => {
    f.emu.setNodeOnline('chief-horse', false);
    try {
      const down = await f.provider.readPlacement({});
      expect(down.nodes.find((n) => n.name === 'chief-horse')).toMatchObject({ online: false, storages: [] });
    } finally {
      f.emu.setNodeOnline('chief-horse', true);
    }
  });
});
