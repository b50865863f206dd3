/**
 * Node and guest load in the PVE emulator, as placement reads it: `/cluster/resources` node
 * entries (maxcpu, cpu, maxmem, mem, status) and `GET /nodes/{node}/status` (cpu, cpuinfo,
 * memory) agree with the seed review's inventory; a node's CPU is its base load plus its
 * running guests' share, live in node status and as of pvestatd's last round in the listing;
 * a guest made busy through the control API loads its node, and a migration moves that load.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, waitTask, type Api, type TestEmulator } from './support/emulator-fixture.js';

const GiB = 1024 ** 3;

interface NodeResource {
  node: string;
  status: string;
  maxcpu?: number;
  cpu?: number;
  maxmem?: number;
  mem?: number;
}

interface GuestResource {
  vmid: number;
  node: string;
  status: string;
  maxcpu?: number;
  cpu?: number;
  maxmem?: number;
  mem?: number;
}

describe('Proxmox emulator: node and guest load', () => {
  let t: TestEmulator;
  let api: Api;

  const nodes = async (): Promise<Record<string, NodeResource>> => {
    const list = (await api.cluster.resources.$get({ type: 'node' })) as NodeResource[];
    return Object.fromEntries(list.map((n) => [n.node, n]));
  };
  const guests = async (): Promise<Record<number, GuestResource>> => {
    const list = (await api.cluster.resources.$get({ type: 'vm' })) as GuestResource[];
    return Object.fromEntries(list.map((g) => [g.vmid, g]));
  };
  const nodeCpu = async (node: string): Promise<number> => ((await api.nodes.$(node).status.$get()) as { cpu: number }).cpu;

  beforeEach(async () => {
    // pvestatd rounds only when the test asks for one
    t = await startTestEmulator({ rrdIntervalMs: 3_600_000, migrationTimeScale: 0.001 });
    api = t.api;
  });
  afterEach(async () => {
    await t.close();
  });

  it("lists each node's cores, memory and CPU load as the seed review gives them", async () => {
    const n = await nodes();
    expect(n.pve).toMatchObject({ status: 'online', maxcpu: 4, maxmem: Math.round(15.36 * GiB) });
    expect(n.pve?.cpu).toBeCloseTo(0.265, 6);
    expect(n['pumped-piglet']).toMatchObject({ status: 'online', maxcpu: 12, maxmem: Math.round(62.39 * GiB) });
    expect(n['pumped-piglet']?.cpu).toBeCloseTo(0.098, 6);
    expect(n['chief-horse']).toMatchObject({ status: 'online', maxcpu: 4, maxmem: Math.round(7.66 * GiB) });
    expect(n['chief-horse']?.cpu).toBeCloseTo(0.177, 6);
    expect(n['fun-bedbug']).toMatchObject({ status: 'online', maxcpu: 2, maxmem: Math.round(7.22 * GiB) });
    expect(n['fun-bedbug']?.cpu).toBeCloseTo(0.617, 6);
    for (const off of ['still-fawn', 'rapid-civet']) expect(n[off]?.status).toBe('offline');
    // memory in use: the host's own plus what its running guests use, below the node's memory
    expect(n.pve?.mem).toBeGreaterThan(2 * GiB);
    expect(n.pve?.mem).toBeLessThan(n.pve?.maxmem as number);
  });

  it('answers node status with the same figures, live', async () => {
    const n = await nodes();
    for (const name of ['pve', 'pumped-piglet', 'chief-horse', 'fun-bedbug']) {
      const st = (await api.nodes.$(name).status.$get()) as { cpu: number; cpuinfo: { cpus: number }; memory: { total: number; used: number } };
      expect(st.cpuinfo.cpus).toBe(n[name]?.maxcpu);
      expect(st.memory.total).toBe(n[name]?.maxmem);
      expect(st.memory.used).toBe(n[name]?.mem);
      expect(st.cpu).toBeCloseTo(n[name]?.cpu as number, 6);
    }
  });

  it("gives guest entries their vCPUs, memory and load; the guest's load is part of its node's", async () => {
    const g = await guests();
    expect(g[101]).toMatchObject({ node: 'pve', status: 'running', maxcpu: 2, maxmem: 4096 * 1024 ** 2 });
    expect(g[101]?.cpu).toBeCloseTo(0.04, 6);
    expect(g[101]?.mem).toBeGreaterThan(0);
    expect(g[9001]).toMatchObject({ node: 'pumped-piglet', status: 'stopped', cpu: 0, mem: 0, maxcpu: 2 });
    // a stopped guest does not load its node
    const before = await nodeCpu('pve');
    await waitTask(api, await api.nodes.$('pve').qemu.$(107).status.stop.$post());
    expect(await nodeCpu('pve')).toBeCloseTo(before - (0.08 * 2) / 4, 6);
  });

  it('makes a guest busy through the control API: node status at once, the listing after the next round', async () => {
    const res = await fetch(`${t.emu.url}/_emulator/guests/101`, { method: 'POST', body: JSON.stringify({ cpuLoad: 0.9 }) });
    expect(res.status).toBe(200);
    const expected = 0.265 + ((0.9 - 0.04) * 2) / 4;
    expect(await nodeCpu('pve')).toBeCloseTo(expected, 6);
    expect((await nodes()).pve?.cpu).toBeCloseTo(0.265, 6);
    expect((await guests())[101]?.cpu).toBeCloseTo(0.04, 6);
    t.emu.pvestatdRound();
    expect((await nodes()).pve?.cpu).toBeCloseTo(expected, 6);
    expect((await guests())[101]?.cpu).toBeCloseTo(0.9, 6);
    const bad = await fetch(`${t.emu.url}/_emulator/guests/101`, { method: 'POST', body: JSON.stringify({ cpuLoad: 2 }) });
    expect(bad.status).toBe(400);
  });

  it("sets a host's own load through the control API: its guests' share comes on top", async () => {
    const res = await fetch(`${t.emu.url}/_emulator/nodes/chief-horse`, { method: 'POST', body: JSON.stringify({ cpuLoad: 0.8 }) });
    expect(res.status).toBe(200);
    expect(await nodeCpu('chief-horse')).toBeCloseTo(0.8, 6);
    await fetch(`${t.emu.url}/_emulator/nodes/pve`, { method: 'POST', body: JSON.stringify({ cpuLoad: 0.9 }) });
    // pve's running guests add 0.48 of its 4 cores (0.12): capped at the whole node
    expect(await nodeCpu('pve')).toBe(1);
    const bad = await fetch(`${t.emu.url}/_emulator/nodes/pve`, { method: 'POST', body: JSON.stringify({ cpuLoad: -1 }) });
    expect(bad.status).toBe(400);
  });

  it("moves a guest's load with it; its node in /cluster/resources changes at once", async () => {
    t.emu.setGuestCpuLoad(101, 0.6);
    const pveBefore = await nodeCpu('pve');
    const pigletBefore = await nodeCpu('pumped-piglet');
    const upid: string = await api.nodes.$('pve').qemu.$(101).migrate.$post({
      target: 'pumped-piglet',
      online: true,
      'with-local-disks': true,
      targetstorage: 'local-zfs',
    });
    expect((await waitTask(api, upid)).exitstatus).toBe('OK');
    expect(await nodeCpu('pve')).toBeCloseTo(pveBefore - (0.6 * 2) / 4, 6);
    expect(await nodeCpu('pumped-piglet')).toBeCloseTo(pigletBefore + (0.6 * 2) / 12, 6);
    // the vmlist is live: the guest is listed on its new node before any pvestatd round
    expect((await guests())[101]).toMatchObject({ node: 'pumped-piglet', status: 'running' });
    expect((await nodes()).pve?.cpu).toBeCloseTo(0.265, 6);
    t.emu.pvestatdRound();
    expect((await nodes()).pve?.cpu).toBeCloseTo(pveBefore - (0.6 * 2) / 4, 6);
  });
});
