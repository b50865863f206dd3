/**
 * Honest redundancy: what a disk reports is what PVE has — asynchronous ZFS replication jobs
 * with their schedule and targets, a Ceph pool's size/min_size, or none — and a redundancy the
 * storage cannot give is refused before anything is created.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRequestsAfterAll, startCrucibleFixture, type CrucibleFixture } from './support/crucible-fixture.js';

const GiB = 1024 ** 3;

describe('crucible: redundancy as it really is', () => {
  let f: CrucibleFixture;
  checkRequestsAfterAll();
  beforeAll(async () => {
    f = await startCrucibleFixture();
  });
  afterAll(async () => {
    await f?.stop();
  });

  it('replicates a disk on ZFS asynchronously: one PVE replication job per target, on the holder', async () => {
    const placement = { node: 'pumped-piglet', storage: 'local-zfs' };
    const d = await f.create('crucible_disk', { name: 'replicated', size: '1G', placement, redundancy: { mode: 'async-zfs', targets: ['pve', 'chief-horse'] } });
    const holder = d.state.holder_vmid as number;
    expect(d.state.redundancy).toEqual({ mode: 'async-zfs', schedule: '*/15', targets: ['chief-horse', 'pve'] });
    expect(f.emu.world.replication).toEqual({
      [`${holder}-0`]: expect.objectContaining({ guest: holder, target: 'chief-horse', schedule: '*/15' }),
      [`${holder}-1`]: expect.objectContaining({ guest: holder, target: 'pve', schedule: '*/15' }),
    });
    // Dropping a target marks its job for removal; the disk stops reporting it at once.
    const { state } = await f.update('crucible_disk', d.id, d.state, { name: 'replicated', size: '1G', placement, redundancy: { mode: 'async-zfs', targets: ['pve'], schedule: '*/1' } });
    expect(state.redundancy).toEqual({ mode: 'async-zfs', schedule: '*/1', targets: ['pve'] });
    // The runner removes a marked job a moment (the task duration) later: on a slow machine it
    // may be gone already. Either way hl dropped it: an unmarked job would still be listed.
    const dropped = f.emu.world.replication?.[`${holder}-0`];
    expect(dropped === undefined ? 'removed by the runner' : dropped.remove_job).toMatch(/^(full|removed by the runner)$/);
    const none = await f.update('crucible_disk', d.id, state, { name: 'replicated', size: '1G', placement, redundancy: { mode: 'none' } });
    expect(none.state.redundancy).toEqual({ mode: 'none' });
    await f.remove('crucible_disk', d.id, none.state);
  });

  it('refuses async-zfs on storage that cannot replicate, before creating anything', async () => {
    const before = Object.keys(f.emu.world.guests).length;
    await expect(
      f.create('crucible_disk', { name: 'thin', size: '1G', placement: { node: 'pve', storage: 'local-lvm' }, redundancy: { mode: 'async-zfs', targets: ['pumped-piglet'] } }),
    ).rejects.toThrow(/redundancy async-zfs needs a ZFS storage: pve:local-lvm is lvmthin, and PVE replicates only volumes with the replicate feature/);
    await expect(
      f.create('crucible_disk', { name: 'thin', size: '1G', placement: { node: 'pve', storage: 'local-lvm' }, redundancy: { mode: 'ceph' } }),
    ).rejects.toThrow(/redundancy ceph needs a Ceph RBD storage: pve:local-lvm is lvmthin/);
    expect(Object.keys(f.emu.world.guests).length).toBe(before);
  });

  it('reports a Ceph pool\'s size and min_size for a disk on RBD, as read from the pool', async () => {
    const w = f.emu.world;
    w.ceph = { pools: { vm: { name: 'vm', size: 3, min_size: 2, pg_num: 128, crush_rule: 'replicated_rule' } } };
    w.nodes[0]!.storages.push({ id: 'ceph-vm', type: 'rbd', content: ['images'], shared: true, totalBytes: 1000 * GiB, baseUsedBytes: 0, volumes: [], pool: 'vm' });
    f.emu.save();
    const plan = f.plan('crucible_disk', null, { name: 'on-ceph', size: '2G', placement: { node: 'pve', storage: 'ceph-vm' }, redundancy: { mode: 'ceph' } });
    expect(plan.planned.redundancy).toMatchObject({ mode: 'ceph' });
    const d = await f.create('crucible_disk', { name: 'on-ceph', size: '2G', placement: { node: 'pve', storage: 'ceph-vm' }, redundancy: { mode: 'ceph' } });
    expect(d.state.redundancy).toEqual({ mode: 'ceph', size: 3, min_size: 2 });
    // Another pool layout is what the disk reports next: hl reads it, never sets it.
    w.ceph.pools.vm!.size = 2;
    w.ceph.pools.vm!.min_size = 1;
    f.emu.save();
    expect((await f.read('crucible_disk', d.id, d.state))?.redundancy).toEqual({ mode: 'ceph', size: 2, min_size: 1 });
    await f.remove('crucible_disk', d.id, d.state);
  });

  it('never reads as synchronous replication', async () => {
    const schema = f.provider.getSchema().resources.crucible_disk!.jsonSchema as { properties: { redundancy: { oneOf: { properties: { mode: { const: string } } }[] } } };
    expect(schema.properties.redundancy.oneOf.map((o) => o.properties.mode.const)).toEqual(['none', 'async-zfs', 'ceph']);
  });
});
