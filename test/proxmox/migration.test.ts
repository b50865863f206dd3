/**
 * Migration end to end against the emulator (issue 22): a running container moved with a
 * restart migration keeps its VMID and MAC, its id becomes the new node's and the next plan is
 * empty; a running VM migrates online with its disks copied to another storage, then takes its
 * other changes on the new node; an update re-run after the move, or whose migrate answer was
 * lost, or that finds a migration under way, never sends a second migration; a refusal says
 * PVE's reason; a read of a guest that moved answers its new id.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isUnknown, type Attributes } from '../../src/core/value.js';
import { ProviderError } from '../../src/provider/contract.js';
import { formatConfigText, parseConfigText } from '../../providers/pve/emulator/config-text.js';
import { checkRequestsAfterAll } from './support/schema-check.js';
import { createResource, plan, startFixture, type Fixture } from './support/provider-fixture.js';

checkRequestsAfterAll();

const VM: Attributes = {
  node: 'pve',
  name: 'mig-vm',
  cores: 1,
  memory: 1024,
  disks: { scsi0: { storage: 'local-lvm', size: '4G' } },
  networks: { net0: { bridge: 'vmbr0' } },
};

function migratePosts(f: Fixture, from: number): { path: string; body: Record<string, unknown> }[] {
  return f
    .providerRequests()
    .slice(from)
    .filter((r) => r.method === 'POST' && r.path.endsWith('/migrate'))
    .map((r) => ({
      path: r.path,
      body: Object.fromEntries(Object.entries((r.body ?? {}) as Record<string, unknown>).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v])),
    }));
}

/** The first known planned value the state does not have (the executor's consistency check), or undefined. */
function mismatch(planned: unknown, actual: unknown, path = ''): string | undefined {
  if (isUnknown(planned as never)) return undefined;
  if (planned && typeof planned === 'object' && !Array.isArray(planned)) {
    for (const [k, v] of Object.entries(planned)) {
      const m = mismatch(v, (actual as Record<string, unknown> | null)?.[k] ?? null, `${path}.${k}`);
      if (m) return m;
    }
    return undefined;
  }
  return JSON.stringify(planned) === JSON.stringify(actual ?? null) ? undefined : `${path}: ${JSON.stringify(planned)} vs ${JSON.stringify(actual)}`;
}

async function refresh(f: Fixture, type: string, id: string, prior: Attributes): Promise<{ state: Attributes; id?: string }> {
  const r = await f.provider.read({ type, id, prior });
  return { state: r.state!, ...(r.id ? { id: r.id } : {}) };
}

describe('proxmox migration', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture({ migrationTimeScale: 0.001 });
  });
  afterAll(async () => {
    await f.stop();
  });
  beforeEach(() => {
    f.emu.reset('homelab');
    f.emu.setFaults({});
    f.provider.inventory?.invalidate();
  });

  it('moves the running docker container to pumped-piglet with a restart migration: same VMID and MAC, new id, no diff after', async () => {
    const { state: prior } = await refresh(f, 'proxmox_lxc', 'pve/100', { vmid: 100 });
    const config: Attributes = { node: 'pumped-piglet', hostname: 'docker', rootfs: { storage: 'local-zfs' } };
    const p = plan(f, 'proxmox_lxc', prior, config);
    expect(p.requiresReplace).toEqual([]);
    expect(p.migration?.how).toBe(
      'restart migration (the container is stopped, moved and started again on pumped-piglet), volumes copied to local-zfs',
    );
    const from = f.providerRequests().length;
    const progress: string[] = [];
    const res = await f.provider.update({ type: 'proxmox_lxc', id: 'pve/100', prior, planned: p.planned, progress: (m) => progress.push(m) });
    expect(migratePosts(f, from)).toEqual([
      {
        path: '/nodes/pve/lxc/100/migrate',
        body: expect.objectContaining({ target: 'pumped-piglet', restart: '1', 'target-storage': 'local-lvm:local-zfs' }),
      },
    ]);
    expect(res.id).toBe('pumped-piglet/100');
    expect(mismatch(p.planned, res.state)).toBeUndefined();
    expect(res.state.node).toBe('pumped-piglet');
    expect(res.state.vmid).toBe(100);
    expect(res.state.status).toBe('running');
    expect(((res.state.networks as Attributes).net0 as Attributes).mac).toBe('BC:24:11:D0:C1:00');
    expect(((res.state.rootfs as Attributes).volume as string).startsWith('local-zfs:')).toBe(true);
    expect(progress.some((l) => l.startsWith('migrating pve/100 to pumped-piglet: '))).toBe(true);
    expect(f.emu.world.guests['100']!.node).toBe('pumped-piglet');
    // The next plan is empty.
    const again = await refresh(f, 'proxmox_lxc', res.id!, res.state);
    const next = plan(f, 'proxmox_lxc', again.state, config);
    expect(next.migration).toBeUndefined();
    expect(next.planned).toEqual(again.state);
  });

  it('migrates a running VM online with its disk copied to local-zfs, then applies its other changes there', async () => {
    const { id, state } = await createResource(f, 'proxmox_vm', VM);
    const config: Attributes = { ...VM, node: 'pumped-piglet', tags: ['moved'], disks: { scsi0: { storage: 'local-zfs', size: '6G' } } };
    const p = plan(f, 'proxmox_vm', state, config);
    expect(p.migration?.how).toBe('online migration, local disks copied to local-zfs');
    const from = f.providerRequests().length;
    const res = await f.provider.update({ type: 'proxmox_vm', id, prior: state, planned: p.planned });
    expect(migratePosts(f, from)).toEqual([
      {
        path: `/nodes/pve/qemu/${state.vmid}/migrate`,
        body: expect.objectContaining({ target: 'pumped-piglet', online: '1', 'with-local-disks': '1', targetstorage: 'local-lvm:local-zfs' }),
      },
    ]);
    // The rest of the update went to the new node, after the move.
    const after = f.providerRequests().slice(from).map((r) => `${r.method} ${r.path}`);
    const move = after.indexOf(`POST /nodes/pve/qemu/${state.vmid}/migrate`);
    const resize = after.indexOf(`PUT /nodes/pumped-piglet/qemu/${state.vmid}/resize`);
    expect(resize).toBeGreaterThan(move);
    expect(res.id).toBe(`pumped-piglet/${state.vmid}`);
    expect(mismatch(p.planned, res.state)).toBeUndefined();
    expect(res.state.tags).toEqual(['moved']);
    expect(res.state.status).toBe('running');
    expect((res.state.disks as Attributes).scsi0).toMatchObject({ storage: 'local-zfs', size: '6G' });
    const next = plan(f, 'proxmox_vm', (await refresh(f, 'proxmox_vm', res.id!, res.state)).state, config);
    expect(next.planned).toEqual(res.state);
  });

  it('a stopped VM migrates offline, without online or with-local-disks', async () => {
    const { id, state } = await createResource(f, 'proxmox_vm', { ...VM, started: false });
    const p = plan(f, 'proxmox_vm', state, { ...VM, started: false, node: 'chief-horse' });
    expect(p.migration?.how).toBe('offline migration, local disks copied to local-lvm');
    const from = f.providerRequests().length;
    const res = await f.provider.update({ type: 'proxmox_vm', id, prior: state, planned: p.planned });
    const [post] = migratePosts(f, from);
    expect(post?.body).toEqual({ target: 'chief-horse' });
    expect(res.state).toMatchObject({ node: 'chief-horse', status: 'stopped' });
    expect(mismatch(p.planned, res.state)).toBeUndefined();
  });

  it('an update re-run after the move does not migrate again', async () => {
    const { state: prior } = await refresh(f, 'proxmox_lxc', 'pve/111', { vmid: 111 });
    const p = plan(f, 'proxmox_lxc', prior, { node: 'chief-horse' });
    const from = f.providerRequests().length;
    await f.provider.update({ type: 'proxmox_lxc', id: 'pve/111', prior, planned: p.planned });
    // As the executor would after a crash: the same update again, from the journal.
    const res = await f.provider.update({ type: 'proxmox_lxc', id: 'pve/111', prior, planned: p.planned });
    expect(migratePosts(f, from)).toHaveLength(1);
    expect(res.id).toBe('chief-horse/111');
  });

  it('a lost answer to the migrate request is followed through its task, not sent again', async () => {
    const { state: prior } = await refresh(f, 'proxmox_lxc', 'pve/111', { vmid: 111 });
    const p = plan(f, 'proxmox_lxc', prior, { node: 'chief-horse' });
    f.emu.setFaults({ dropResponses: 1, methods: ['POST'], pathPattern: '/migrate$' });
    const from = f.providerRequests().length;
    const progress: string[] = [];
    const res = await f.provider.update({ type: 'proxmox_lxc', id: 'pve/111', prior, planned: p.planned, progress: (m) => progress.push(m) });
    expect(migratePosts(f, from)).toHaveLength(1);
    expect(progress.some((l) => /the answer to the migration request of CT 111 was lost; following its task UPID:pve:/.test(l))).toBe(true);
    expect(res.id).toBe('chief-horse/111');
    expect(f.emu.world.guests['111']!.node).toBe('chief-horse');
  });

  it('a migration under way (started elsewhere, e.g. by a killed hl) is waited for, not sent again; a read answers the new id', async () => {
    const { state: prior } = await refresh(f, 'proxmox_lxc', 'pve/111', { vmid: 111 });
    const p = plan(f, 'proxmox_lxc', prior, { node: 'chief-horse' });
    f.emu.setFaults({ taskDurationByType: { vzmigrate: 600 } });
    await f.behindTheBack((api) => api.nodes.$('pve').lxc.$(111).migrate.$post({ target: 'chief-horse', restart: 1 }));
    f.provider.inventory?.invalidate();
    const from = f.providerRequests().length;
    const read = await f.provider.read({ type: 'proxmox_lxc', id: 'pve/111', prior });
    expect(read.id).toBe('chief-horse/111');
    expect(read.state?.node).toBe('chief-horse');
    const res = await f.provider.update({ type: 'proxmox_lxc', id: 'pve/111', prior, planned: p.planned });
    expect(migratePosts(f, from)).toHaveLength(0);
    expect(res.id).toBe('chief-horse/111');
  });

  it('an update that finds the lock waits for it before deciding', async () => {
    const { state: prior } = await refresh(f, 'proxmox_lxc', 'pve/111', { vmid: 111 });
    const p = plan(f, 'proxmox_lxc', prior, { node: 'chief-horse' });
    f.emu.setFaults({ taskDurationByType: { vzmigrate: 600 } });
    await f.behindTheBack((api) => api.nodes.$('pve').lxc.$(111).migrate.$post({ target: 'chief-horse', restart: 1 }));
    f.provider.inventory?.invalidate();
    const from = f.providerRequests().length;
    const progress: string[] = [];
    const res = await f.provider.update({ type: 'proxmox_lxc', id: 'pve/111', prior, planned: p.planned, progress: (m) => progress.push(m) });
    expect(migratePosts(f, from)).toHaveLength(0);
    expect(progress.some((l) => l.startsWith('CT 111 is being migrated (lock: migrate'))).toBe(true);
    expect(res.id).toBe('chief-horse/111');
  });

  it('a refused migration fails with PVE\'s reason and moves nothing', async () => {
    const { state: prior } = await refresh(f, 'proxmox_lxc', 'pve/100', { vmid: 100 });
    // local-lvm does not exist on pumped-piglet: PVE's vzmigrate refuses (checkPlan would have said so).
    const p = plan(f, 'proxmox_lxc', prior, { node: 'pumped-piglet' });
    const err = await f.provider.update({ type: 'proxmox_lxc', id: 'pve/100', prior, planned: p.planned }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    // The reason from the task's log (its exit status is only "migration aborted").
    expect((err as Error).message).toBe("CT 100 cannot be migrated from pve to pumped-piglet: storage 'local-lvm' is not available on node 'pumped-piglet'");
    expect(f.emu.world.guests['100']!.node).toBe('pve');
  });

  it('a VM whose disk storage is missing on the target: the API refuses before any task, and the error says why', async () => {
    const { id, state } = await createResource(f, 'proxmox_vm', VM);
    const p = plan(f, 'proxmox_vm', state, { ...VM, node: 'pumped-piglet' });
    const from = f.providerRequests().length;
    const err = await f.provider.update({ type: 'proxmox_vm', id, prior: state, planned: p.planned }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      `VM ${state.vmid} cannot be migrated from pve to pumped-piglet: storage 'local-lvm' is not available on node 'pumped-piglet'`,
    );
    expect(migratePosts(f, from)).toHaveLength(1);
  });

  it('a running VM with a USB device by port: the task refuses, and the error says why', async () => {
    const { id, state } = await createResource(f, 'proxmox_vm', VM);
    const g = f.emu.world.guests[String(state.vmid)]!;
    const cfg = parseConfigText(g.config, 'qemu');
    cfg.main.usb0 = 'host=1-1';
    g.config = formatConfigText(cfg, 'qemu');
    const { state: prior } = await refresh(f, 'proxmox_vm', id, state);
    const p = plan(f, 'proxmox_vm', prior, { ...VM, node: 'chief-horse', usb: { usb0: { host: '1-1' } } });
    const err = await f.provider.update({ type: 'proxmox_vm', id, prior, planned: p.planned }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`VM ${state.vmid} cannot be migrated from pve to chief-horse: can't migrate VM which uses local devices: usb0`);
    expect(f.emu.world.guests[String(state.vmid)]!.node).toBe('pve');
  });
});
