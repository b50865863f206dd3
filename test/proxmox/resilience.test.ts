/**
 * What goes wrong on a real cluster, injected by the emulator: config lock contention and
 * "got timeout", a guest locked by another task, transient 500s, answers lost after the server
 * did the work (a create must not be sent twice), a create interrupted after its POST and
 * recovered on the next run, and task failures reported with their exit status.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { ProxmoxProvider } from '../../providers/proxmox/proxmox-provider.js';
import { checkRequestsAfterAll } from './support/schema-check.js';
import { createResource, plan, startFixture, updateResource, type Fixture } from './support/provider-fixture.js';

const T = 'proxmox_vm';
const VM: Attributes = {
  node: 'pve',
  name: 'flaky-1',
  memory: 1024,
  disks: { scsi0: { storage: 'local-lvm', size: '4G' } },
  networks: { net0: { bridge: 'vmbr0' } },
};

checkRequestsAfterAll();

async function fullCycle(f: Fixture, config: Attributes = VM): Promise<void> {
  const { id, state } = await createResource(f, T, config);
  const { state: after } = await updateResource(f, T, id, state, { ...config, name: 'flaky-2', onboot: true, disks: { scsi0: { storage: 'local-lvm', size: '6G' } } });
  expect(after).toMatchObject({ name: 'flaky-2', onboot: true, disks: { scsi0: { size: '6G' } } });
  await f.provider.delete({ type: T, id, prior: after });
  expect((await f.provider.read({ type: T, id, prior: after })).state).toBeNull();
}

function guestsNamed(f: Fixture, name: string): number[] {
  return Object.values(f.emu.world.guests)
    .filter((g) => new RegExp(`^name: ${name}$`, 'm').test(g.config))
    .map((g) => g.vmid);
}

describe('proxmox provider resilience', () => {
  let f: Fixture | undefined;
  afterEach(async () => {
    await f?.stop();
    f = undefined;
  });

  it('survives config lock contention and "can\'t lock file ... got timeout"', async () => {
    f = await startFixture();
    f.emu.setFaults({ seed: 3, lockContentionRate: 0.4, lockContentionMs: 150, lockTimeoutMs: 100 });
    await fullCycle(f);
    // Refused requests (HTTP 500) and tasks that failed on the lock were both retried.
    const refused = f.providerRequests().filter((r) => /got timeout/.test(r.statusText)).length;
    const failedTasks = f.emu.world.tasks.filter((t) => /got timeout/.test(t.exitstatus ?? '')).length;
    expect(refused + failedTasks).toBeGreaterThan(0);
  });

  it('waits out a guest locked by another task ("VM is locked (snapshot)")', async () => {
    f = await startFixture({ faults: { taskDurationByType: { qmsnapshot: 1200 } } });
    const { id, state } = await createResource(f, T, { ...VM, started: false });
    // Someone takes a snapshot: the VM carries `lock: snapshot` while the task runs.
    await f.behindTheBack((api) => api.nodes.$('pve').qemu.$(state.vmid).snapshot.$post({ snapname: 'before' }));
    const { state: after } = await updateResource(f, T, id, state, { ...VM, started: false, memory: 2048 });
    expect(after.memory).toBe(2048);
    expect(f.providerRequests().some((r) => /VM is locked \(snapshot\)/.test(r.statusText))).toBe(true);
  });

  it('survives transient 500s on every kind of call', async () => {
    f = await startFixture();
    f.emu.setFaults({ seed: 11, transient500Rate: 0.25 });
    await fullCycle(f);
    await fullCycle(f, { node: 'pve', name: 'flaky-clone', clone: { source: 'ubuntu-24.04-cloudinit' }, disks: { scsi0: { storage: 'local-lvm', size: '4G' } } });
    expect(f.providerRequests().filter((r) => r.status === 500 && /got no worker upid/.test(r.statusText)).length).toBeGreaterThan(3);
  });

  it('never sends a create twice when its answer is lost: it finds the VM by its marker and adopts it', async () => {
    f = await startFixture();
    f.emu.setFaults({ dropResponseRate: 1, methods: ['POST'], pathPattern: '^/nodes/pve/qemu$' });
    const { state } = await createResource(f, T, VM);
    f.emu.setFaults({});
    const posts = f.providerRequests().filter((r) => r.method === 'POST' && r.path === '/nodes/pve/qemu');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.dropped).toBe('response');
    expect(guestsNamed(f, 'flaky-1')).toEqual([state.vmid]);
    expect(state).toMatchObject({ name: 'flaky-1', status: 'running', memory: 1024 });
  });

  it('re-sends a create only after checking that the first one never arrived', async () => {
    f = await startFixture();
    f.emu.setFaults({ seed: 8, dropConnectionRate: 0.5, methods: ['POST'], pathPattern: '^/nodes/pve/qemu(/\\d+/clone)?$' });
    const { state } = await createResource(f, T, { ...VM, name: 'flaky-3' });
    f.emu.setFaults({});
    const posts = f.providerRequests().filter((r) => r.method === 'POST' && r.path === '/nodes/pve/qemu');
    expect(posts.length).toBeGreaterThan(1);
    expect(posts.filter((r) => !r.dropped)).toHaveLength(1);
    expect(guestsNamed(f, 'flaky-3')).toEqual([state.vmid]);
  });

  it('recovers a create interrupted after its POST: the next run adopts the VM by its marker', async () => {
    f = await startFixture();
    const planned = plan(f, T, null, { ...VM, name: 'interrupted' }).planned;
    const { identity } = await f.provider.reserve({ type: T, planned });
    // The POST reaches the server, its answer is lost, and the process dies right then.
    f.emu.setFaults({ dropResponseRate: 1, methods: ['POST'], pathPattern: '^/nodes/pve/qemu$', latencyMs: 150 });
    const abort = new AbortController();
    const watcher = setInterval(() => {
      if (f!.emu.requestLog.some((r) => r.dropped === 'response')) abort.abort(new Error('hl was killed'));
    }, 5);
    await expect(f.provider.create({ type: T, planned, identity, signal: abort.signal })).rejects.toThrow();
    clearInterval(watcher);
    f.emu.setFaults({});
    await f.emu.idle();
    expect(guestsNamed(f, 'interrupted')).toEqual([identity.vmid]);

    // The next run is a new process: a fresh provider, the identity from the journal.
    const next = new ProxmoxProvider();
    await next.configure({ config: f.providerConfig, configDir: f.dir, workDir: f.dir });
    try {
      const found = await next.recover({ type: T, identity, planned });
      expect(found?.id).toBe(`pve/${identity.vmid}`);
      expect(found?.state).toMatchObject({ name: 'interrupted', vmid: identity.vmid });
      // Another identity (a different marker token, or a VMID nobody has) is not adopted.
      expect(await next.recover({ type: T, identity: { ...identity, token: '000000000000' }, planned })).toBeNull();
      expect(await next.recover({ type: T, identity: { ...identity, vmid: 98765 }, planned })).toBeNull();
      // The seeded OPNsense has no marker: never adopted.
      expect(await next.recover({ type: T, identity: { node: 'pve', vmid: 101, token: identity.token as string }, planned })).toBeNull();
    } finally {
      await next.close();
    }
  });

  it('reports a guest left locked by a create that never finished, instead of waiting out the create timeout', async () => {
    f = await startFixture();
    const planned = plan(f, T, null, { ...VM, name: 'cut-short' }).planned;
    const { identity } = await f.provider.reserve({ type: T, planned });
    // What a PVE node that went down mid-create shows after reboot: the VMID registered with a
    // config holding only its lock, and no task running.
    f.emu.world.guests[String(identity.vmid)] = { vmid: identity.vmid as number, type: 'qemu', node: 'pve', config: 'lock: create\n', status: 'stopped' };
    const stale = new RegExp(
      `VM ${identity.vmid} on node pve was left by a create that never finished.*qm unlock ${identity.vmid} && qm destroy ${identity.vmid}`,
    );
    const started = Date.now();
    await expect(f.provider.recover({ type: T, identity, planned })).rejects.toThrow(stale);
    await expect(f.provider.create({ type: T, planned, identity })).rejects.toThrow(stale);
    // well within the 600 s create timeout: a few polls
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(f.providerRequests().some((r) => r.path === '/nodes/pve/tasks' && r.query.source?.[0] === 'active')).toBe(true);
  });

  it('keeps waiting while a create of someone else still runs on that VMID', async () => {
    f = await startFixture({ faults: { taskDurationByType: { qmcreate: 1500 } } });
    const planned = plan(f, T, null, { ...VM, name: 'patient' }).planned;
    const { identity } = await f.provider.reserve({ type: T, planned });
    await f.behindTheBack((api) => api.nodes.$('pve').qemu.$post({ vmid: identity.vmid, name: 'someone-else' }));
    // the other create holds the lock for 1.5 s: hl waits to see whose it is, then refuses
    await expect(f.provider.create({ type: T, planned, identity })).rejects.toThrow(
      new RegExp(`VMID ${identity.vmid} is taken by a guest hl did not create`),
    );
  });

  it('does not take a config read failing with 500s for "no such guest" when recovering', async () => {
    f = await startFixture();
    const planned = plan(f, T, null, { ...VM, name: 'storm' }).planned;
    const { identity } = await f.provider.reserve({ type: T, planned });
    await f.provider.create({ type: T, planned, identity });
    f.emu.setFaults({ transient500Rate: 1, pathPattern: '/config$' });
    // null here would tell the engine the create never happened: the guest would be orphaned
    await expect(f.provider.recover({ type: T, identity, planned })).rejects.toThrow(/HTTP 500/);
    f.emu.setFaults({});
    expect((await f.provider.recover({ type: T, identity, planned }))?.id).toBe(`pve/${identity.vmid}`);
  });

  it('refuses to take over a VMID someone else created meanwhile', async () => {
    f = await startFixture();
    const planned = plan(f, T, null, { ...VM, name: 'late' }).planned;
    const { identity } = await f.provider.reserve({ type: T, planned });
    await f.behindTheBack(async (api) => {
      const upid = (await api.nodes.$('pve').qemu.$post({ vmid: identity.vmid, name: 'someone-else' })) as string;
      for (let i = 0; i < 100 && (await api.nodes.$('pve').tasks.$(upid).status.$get()).status !== 'stopped'; i++) await new Promise((r) => setTimeout(r, 20));
    });
    await expect(f.provider.create({ type: T, planned, identity })).rejects.toThrow(
      new RegExp(`VMID ${identity.vmid} is taken by a guest hl did not create`),
    );
  });

  it('reports a failed task with its exit status', async () => {
    f = await startFixture({ faults: { failTasks: [{ type: 'qmcreate', message: "unable to create VM: storage 'local-lvm' is full", count: 1 }] } });
    await expect(createResource(f, T, VM)).rejects.toThrow(/create of VM \d+ on pve failed: unable to create VM: storage 'local-lvm' is full \(task UPID:pve:/);
  });

  it('reads with one cluster/resources call per refresh and two requests per guest', async () => {
    f = await startFixture();
    const ids = ['100', '101', '102', '107', '111'];
    const before = f.providerRequests().length;
    const states = await Promise.all(
      ids.map((vmid) =>
        f!.provider.read({ type: ['100', '111'].includes(vmid) ? 'proxmox_lxc' : T, id: `pve/${vmid}`, prior: { vmid: Number(vmid) } }),
      ),
    );
    expect(states.every((s) => s.state !== null)).toBe(true);
    const reqs = f.providerRequests().slice(before);
    expect(reqs.filter((r) => r.path.startsWith('/cluster/resources'))).toHaveLength(1);
    // the config through .../pending alone (current and pending values in one answer), and the
    // power state live from status/current (the listing's lags behind pvestatd's round)
    expect(reqs.filter((r) => r.path.endsWith('/config') || r.path.endsWith('/pending'))).toHaveLength(5);
    // the tag style, once per provider instance
    expect(reqs.filter((r) => r.path === '/cluster/options')).toHaveLength(1);
    expect(reqs.filter((r) => r.path.endsWith('/status/current'))).toHaveLength(5);
    expect(reqs).toHaveLength(12);
  });

  it('reports a guest on an offline node as unreachable, not as gone', async () => {
    f = await startFixture();
    f.emu.setNodeOnline('pve', false);
    await expect(f.provider.read({ type: T, id: 'pve/101', prior: { vmid: 101 } })).rejects.toThrow(/cannot read VM 101: its node pve is unreachable/);
    f.emu.setNodeOnline('pve', true);
  });
});
