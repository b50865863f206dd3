/**
 * Issue 16, items 1, 7, 8 and 9 in the emulator:
 * - `/cluster/resources` takes status, name, uptime, memory and the template flag from
 *   pvestatd's last round (pvestatd-rrd.ts): a guest created since is `unknown` without a name,
 *   a guest started since still shows `stopped`; `lock` and `tags` are live; node listings are live;
 * - guests the token may not audit are hidden from both listings;
 * - a running guest is not destroyed (a container only with `force`);
 * - error bodies carry `message` from PVE 8.4 on; a task's exit status is its whole error on
 *   one line; `PUT /pools` exists from 8.1 on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN_ID, DEFAULT_TOKEN_SECRET } from '../../providers/pve/emulator/start-emulator.js';
import { failure, raw, startTestEmulator, waitTask, type Api, type TestEmulator } from './support/emulator-fixture.js';

type Listed = { vmid: number; type?: string; status?: string; name?: string; lock?: string; tags?: string; uptime?: number; maxmem?: number; template?: number };

async function listed(api: Api, vmid: number): Promise<Listed | undefined> {
  return ((await api.cluster.resources.$get({ type: 'vm' })) as Listed[]).find((r) => r.vmid === vmid);
}

describe('Proxmox emulator: the listing lags behind pvestatd (default 10 s period)', () => {
  let t: TestEmulator;
  let api: Api;
  beforeAll(async () => {
    // tasks long enough to see the create's lock
    t = await startTestEmulator({ taskDurationMs: 300 });
    api = t.api;
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists a guest created since the last round as unknown, without name or numbers, until the next round', async () => {
    const upid = await api.nodes.$('pve').qemu.$post({ vmid: 130, name: 'fresh', memory: 2048, tags: 'a;b' });
    // while the create runs its config holds only the lock
    expect(await listed(api, 130)).toEqual({ id: 'qemu/130', vmid: 130, node: 'pve', type: 'qemu', status: 'unknown', lock: 'create' });
    await waitTask(api, upid);
    // the lock went away at once: lock (and tags) are read live from the config
    expect(await listed(api, 130)).toEqual({ id: 'qemu/130', vmid: 130, node: 'pve', type: 'qemu', status: 'unknown', tags: 'a;b' });
    // the node's own listing is live (vmstatus)
    const nodeList = (await api.nodes.$('pve').qemu.$get()) as Listed[];
    expect(nodeList.find((g) => g.vmid === 130)).toMatchObject({ status: 'stopped', name: 'fresh' });
    t.emu.pvestatdRound();
    expect(await listed(api, 130)).toMatchObject({ status: 'stopped', name: 'fresh', uptime: 0, maxmem: 2048 * 1024 ** 2, template: 0, tags: 'a;b' });
  });

  it('keeps the old status and name of a guest started or renamed since, while lock and tags are live', async () => {
    await api.nodes.$('pve').qemu.$(130).config.$put({ name: 'renamed', tags: 'c' });
    await waitTask(api, await api.nodes.$('pve').qemu.$(130).status.start.$post());
    expect((await api.nodes.$('pve').qemu.$(130).status.current.$get()).status).toBe('running');
    expect(await listed(api, 130)).toMatchObject({ status: 'stopped', name: 'fresh', uptime: 0, tags: 'c' });
    t.emu.pvestatdRound();
    expect(await listed(api, 130)).toMatchObject({ status: 'running', name: 'renamed' });
  });

  it('refuses to destroy a running guest, VM and container (a container is stopped first with force)', async () => {
    expect(await failure(api.nodes.$('pve').qemu.$(130).$delete())).toMatch(/VM 130 is running - destroy failed/);
    expect(await failure(api.nodes.$('pve').lxc.$(100).$delete())).toMatch(/unable to destroy CT 100 - container is running/);
    const st = await waitTask(api, await api.nodes.$('pve').lxc.$(100).$delete({ force: 1 }));
    expect(st.exitstatus).toBe('WARNINGS: 1');
    expect(t.emu.world.guests['100']).toBeUndefined();
  });

  it('ends a failed task with its whole message on one line, in the exit status and the last log line', async () => {
    t.emu.setFaults({ failTasks: [{ type: 'qmstop', vmid: 130, message: 'first line\nsecond line\n' }] });
    const upid = await api.nodes.$('pve').qemu.$(130).status.stop.$post();
    const st = await waitTask(api, upid);
    expect(st.exitstatus).toBe('first line second line');
    const log = (await api.nodes.$('pve').tasks.$(upid).log.$get()) as { t: string }[];
    expect(log.at(-1)?.t).toBe('TASK ERROR: first line second line');
    t.emu.setFaults({});
  });

  it('puts the error text into the body as message (PVE 8.4+)', async () => {
    const r = await raw(t.emu, 'DELETE', '/nodes/pve/qemu/130');
    expect(r.status).toBe(500);
    expect(r.statusText).toBe('VM 130 is running - destroy failed');
    expect(r.json()).toEqual({ data: null, message: 'VM 130 is running - destroy failed\n' });
    const denied = await raw(t.emu, 'GET', '/version', { headers: { authorization: 'PVEAPIToken=hl@pve!hl=wrong' } });
    expect(denied.status).toBe(401);
    expect(denied.json()).toEqual({ data: null });
  });

  it('refuses a period of 0: the listing is never live', async () => {
    await expect(startTestEmulator({ rrdIntervalMs: 0 })).rejects.toThrow(/rrdIntervalMs must be a positive number/);
  });
});

describe('Proxmox emulator: pvestatd rounds on their own', () => {
  let t: TestEmulator;
  afterAll(async () => {
    await t.close();
  });

  it('catches the listing up with a shortened period', async () => {
    t = await startTestEmulator({ rrdIntervalMs: 30 });
    await waitTask(t.api, await t.api.nodes.$('pve').qemu.$post({ vmid: 131, name: 'later' }));
    let entry = await listed(t.api, 131);
    // waits for a round (however slow the machine), asserts no duration
    // (a round during the create task saw its placeholder: `VM 131`, no name of its own yet)
    for (const deadline = Date.now() + 20_000; entry?.name !== 'later' && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 10));
      entry = await listed(t.api, 131);
    }
    expect(entry).toMatchObject({ status: 'stopped', name: 'later' });
  });
});

describe('Proxmox emulator: guests the token may not audit', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({ tokens: [{ id: DEFAULT_TOKEN_ID, secret: DEFAULT_TOKEN_SECRET, vmids: [101, 111] }] });
  });
  afterAll(async () => {
    await t.close();
  });

  it('are left out of /cluster/resources and the node listings', async () => {
    const vms = ((await t.api.cluster.resources.$get({ type: 'vm' })) as Listed[]).map((g) => g.vmid);
    expect(vms).toEqual([101, 111]);
    expect(((await t.api.nodes.$('pve').qemu.$get()) as Listed[]).map((g) => g.vmid)).toEqual([101]);
    expect(((await t.api.nodes.$('pve').lxc.$get()) as Listed[]).map((g) => g.vmid)).toEqual([111]);
  });
});

describe('Proxmox emulator: PVE 8.0', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({ pveVersion: '8.0' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers errors without message in the body', async () => {
    const r = await raw(t.emu, 'DELETE', '/nodes/pve/qemu/101');
    expect(r.status).toBe(500);
    expect(r.json()).toEqual({ data: null });
    expect((await t.api.version.$get()).version).toBe('8.0.9');
  });

  it('has no PUT /pools (501) but PUT /pools/{poolid}; GET /pools takes no poolid', async () => {
    await t.api.pools.$post({ poolid: 'old' });
    const put = await raw(t.emu, 'PUT', '/pools', { form: { poolid: 'old', vms: '101' } });
    expect(put.status).toBe(501);
    expect(put.statusText).toBe("Method 'PUT /pools' not implemented");
    expect((await raw(t.emu, 'DELETE', '/pools?poolid=old')).status).toBe(501);
    expect((await raw(t.emu, 'GET', '/pools?poolid=old')).status).toBe(400);
    await t.api.pools.$('old').$put({ vms: '101' });
    expect(t.emu.world.pools.old?.vmids).toEqual([101]);
  });
});
