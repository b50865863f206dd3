/**
 * The seed's lifecycle with rollback, the hl way: each create cleans up after its own partial
 * failure, so a disk (or a holder cloned from a snapshot) either completes or leaves nothing
 * behind; and the journal, with the identity `reserve` chose, lets an interrupted create be
 * recovered — adopted when it had finished, its leftovers removed when it had not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { reconcileJournal } from '../../src/apply/reconcile-journal.js';
import { newLineage } from '../../src/state/new-lineage.js';
import { StateStore } from '../../src/state/state-store.js';
import { ProxmoxProvider } from '../../providers/proxmox/proxmox-provider.js';
import { createHolderVm } from '../../providers/crucible/resources/holder-guest.js';
import { joinMarker } from '../../providers/crucible/model/holder-marker.js';
import { DEFAULT_TOKEN_ID, DEFAULT_TOKEN_SECRET } from '../../providers/pve/emulator/start-emulator.js';
import { clientFor, waitTask } from '../proxmox-emulator/support/emulator-fixture.js';
import { checkRequestsAfterAll, startCrucibleFixture, type CrucibleFixture } from './support/crucible-fixture.js';
import { engineRun } from './support/engine-run.js';

const PVE_LVM = { node: 'pve', storage: 'local-lvm' };

function crucibleGuests(f: CrucibleFixture): number[] {
  return Object.values(f.emu.world.guests).filter((g) => /^tags: crucible$/m.test(g.config)).map((g) => g.vmid).sort();
}

function holderVolumes(f: CrucibleFixture): string[] {
  return f.emu.world.nodes.flatMap((n) => n.storages.flatMap((s) => s.volumes)).filter((v) => (v.vmid ?? 0) >= 100000).map((v) => v.volid);
}

describe('crucible: a create completes or leaves nothing behind; an interrupted one is recovered', () => {
  let f: CrucibleFixture;
  let source: { id: string; state: Attributes };
  let snap: { id: string; state: Attributes };
  checkRequestsAfterAll();
  beforeAll(async () => {
    f = await startCrucibleFixture();
    source = await f.create('crucible_disk', { name: 'seed-data', size: '2G', placement: PVE_LVM });
    snap = await f.create('crucible_snapshot', { name: 'seed-good', disk_id: source.id });
  });
  afterAll(async () => {
    await f?.stop();
  });

  it('a blank disk whose drive cannot be set is rolled back: no holder, no volume', async () => {
    const before = { guests: crucibleGuests(f), volumes: holderVolumes(f) };
    const planned = f.plan('crucible_disk', null, { name: 'doomed', size: '1G', placement: PVE_LVM }).planned;
    const { identity } = await f.provider.reserve({ type: 'crucible_disk', planned });
    f.emu.setFaults({ failTasks: [{ type: 'qmconfig', vmid: identity.vmid as number, message: "command 'lvchange -ay' failed: exit code 5" }] });
    await expect(f.provider.create({ type: 'crucible_disk', planned, identity })).rejects.toThrow(
      new RegExp(`creating crucible disk doomed failed: config of holder VM ${identity.vmid} failed: command 'lvchange -ay' failed: exit code 5 .*; the partial holder VM ${identity.vmid} was removed again`),
    );
    f.emu.setFaults({});
    expect({ guests: crucibleGuests(f), volumes: holderVolumes(f) }).toEqual(before);
  });

  it('a disk cloned from a snapshot whose clone fails leaves nothing (PVE removes the clone target)', async () => {
    const before = { guests: crucibleGuests(f), volumes: holderVolumes(f) };
    f.emu.setFaults({ failTasks: [{ type: 'qmclone', vmid: source.state.holder_vmid as number, message: 'clone failed: copy failed: No space left on device' }] });
    await expect(
      f.create('crucible_disk', { name: 'restored', source: { type: 'snapshot', snapshot_id: snap.id }, placement: PVE_LVM }),
    ).rejects.toThrow(/creating crucible disk restored failed: .*No space left on device.*; nothing was left behind/);
    f.emu.setFaults({});
    expect({ guests: crucibleGuests(f), volumes: holderVolumes(f) }).toEqual(before);
  });

  it('a disk cloned from a snapshot whose growth fails after the clone is removed again', async () => {
    const before = { guests: crucibleGuests(f), volumes: holderVolumes(f) };
    f.emu.setFaults({ failTasks: [{ type: 'resize', message: 'not enough free space' }] });
    await expect(
      f.create('crucible_disk', { name: 'restored', size: '50G', source: { type: 'snapshot', snapshot_id: snap.id }, placement: PVE_LVM }),
    ).rejects.toThrow(/the partial holder VM \d+ was removed again/);
    f.emu.setFaults({});
    expect({ guests: crucibleGuests(f), volumes: holderVolumes(f) }).toEqual(before);
  });

  it('recover adopts a create that had finished before the crash', async () => {
    const planned = f.plan('crucible_disk', null, { name: 'finished', size: '1G', placement: PVE_LVM }).planned;
    const { identity } = await f.provider.reserve({ type: 'crucible_disk', planned });
    const made = await f.provider.create({ type: 'crucible_disk', planned, identity });
    const found = await f.provider.recover({ type: 'crucible_disk', identity, planned });
    expect(found).toEqual(made);
    await f.remove('crucible_disk', made.id, made.state);
  });

  it('recover removes what a create interrupted halfway had made (a holder without its volume) and answers none', async () => {
    const before = crucibleGuests(f);
    const planned = f.plan('crucible_disk', null, { name: 'halfway', size: '1G', placement: PVE_LVM }).planned;
    const { identity } = await f.provider.reserve({ type: 'crucible_disk', planned });
    // The process died right after the holder was created, before its volume was allocated.
    const description = joinMarker('', { kind: 'disk', fields: { serial: identity.serial as string, name: 'halfway' } });
    await createHolderVm(f.provider.pve!, { node: 'pve', vmid: identity.vmid as number, name: 'crucible-halfway', description, kind: 'disk', serial: identity.serial as string }, {});
    expect(crucibleGuests(f)).toContain(identity.vmid);
    expect(await f.provider.recover({ type: 'crucible_disk', identity, planned })).toBeNull();
    expect(crucibleGuests(f)).toEqual(before);
  });

  it('recover waits for a clone still running after the crash, then judges it', async () => {
    const before = crucibleGuests(f);
    const planned = f.plan('crucible_disk', null, { name: 'cloning', source: { type: 'snapshot', snapshot_id: snap.id }, placement: PVE_LVM }).planned;
    const { identity } = await f.provider.reserve({ type: 'crucible_disk', planned });
    f.emu.setFaults({ taskDurationByType: { qmclone: 400 } });
    // The clone was sent, then the process died.
    const api = clientFor(f.emu);
    const description = joinMarker('', { kind: 'disk', fields: { serial: identity.serial as string, name: 'cloning' } });
    const upid = await api.nodes.$('pve').qemu.$(source.state.holder_vmid).clone.$post({ newid: identity.vmid, snapname: snap.state.snapname, full: 1, name: 'crucible-cloning', description });
    expect(await f.provider.recover({ type: 'crucible_disk', identity, planned })).toBeNull();
    expect((await waitTask(api, upid)).exitstatus).toBe('OK');
    f.emu.setFaults({});
    expect(crucibleGuests(f)).toEqual(before);
  });

  it('the journal: a create interrupted after the provider call is adopted into state by the next run', async () => {
    const statePath = `${f.dir}/journal.state.json`;
    const planned = f.plan('crucible_disk', null, { name: 'journaled', size: '1G', placement: PVE_LVM }).planned;
    const { identity } = await f.provider.reserve({ type: 'crucible_disk', planned });
    const store = await StateStore.open(statePath, { hlVersion: 'test', newLineage });
    await store.beginIntent({ address: 'crucible_disk.journaled', operation: 'create', type: 'crucible_disk', provider: 'crucible', planned, identity });
    const made = await f.provider.create({ type: 'crucible_disk', planned, identity });
    await store.close(); // killed before the outcome was recorded
    const next = await StateStore.open(statePath, { hlVersion: 'test', newLineage });
    const { recoveries } = await reconcileJournal(next, new Map([['crucible', f.provider]]));
    expect(recoveries).toEqual([{ address: 'crucible_disk.journaled', operation: 'create', result: 'adopted', id: made.id }]);
    expect(next.getResource('crucible_disk.journaled')?.attributes).toEqual(made.state);
    await next.close();
    await f.remove('crucible_disk', made.id, made.state);
  });

  it('a VM created together with its disk: the failed disk leaves nothing, the journal records it, the next apply completes', async () => {
    const proxmox = new ProxmoxProvider();
    const proxmoxConfig = { endpoint: f.emu.url, token_id: DEFAULT_TOKEN_ID, token_secret: DEFAULT_TOKEN_SECRET };
    await proxmox.configure({ config: proxmoxConfig, configDir: f.dir, workDir: f.dir });
    try {
      const run = engineRun({ crucible: { provider: f.provider, config: f.providerConfig }, proxmox: { provider: proxmox, config: proxmoxConfig } });
      const yaml = [
        'resources:',
        '  proxmox_vm.k3s:',
        '    node: pve',
        '    name: k3s-worker',
        '    cores: 2',
        '    memory: 2048',
        '    disks: { scsi0: { storage: local-lvm, size: 8G } }',
        '  crucible_disk.data:',
        '    name: k3s-worker-data',
        `    source: { type: snapshot, snapshot_id: "${snap.id}" }`,
        '    placement: { node: pve, storage: local-lvm }',
        '  crucible_attachment.k3s:',
        '    vm: "${proxmox_vm.k3s.id}"',
        '    disks: [{ slot: 1, disk_id: "${crucible_disk.data.id}" }]',
        '',
      ].join('\n');
      const guestsBefore = crucibleGuests(f);
      f.emu.setFaults({ failTasks: [{ type: 'qmclone', vmid: source.state.holder_vmid as number, message: 'clone failed: emulated storage error' }] });
      const first = await run.apply(yaml);
      f.emu.setFaults({});
      expect(Object.fromEntries(first.outcomes)).toEqual({ 'proxmox_vm.k3s': 'applied', 'crucible_disk.data': 'failed', 'crucible_attachment.k3s': 'skipped' });
      expect(crucibleGuests(f)).toEqual(guestsBefore);
      const store = await run.openStore();
      expect(store.listResources().map((r) => r.address)).toEqual(['proxmox_vm.k3s']);
      expect(store.pendingIntents()).toEqual([]);
      await store.close();

      const second = await run.apply(yaml);
      expect(second.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(Object.fromEntries(second.outcomes)).toMatchObject({ 'crucible_disk.data': 'applied', 'crucible_attachment.k3s': 'applied' });
      const again = await run.plan(yaml);
      expect(again.diagnostics).toEqual([]);
      expect(again.plan?.changes.filter((c) => c.action !== 'no-op')).toEqual([]);
      // The attachment wrote scsi1 into the VM after proxmox_vm.k3s was recorded; its volume
      // belongs to the disk's holder, so proxmox_vm neither reports it nor removes it.
      expect(again.plan?.drift).toEqual([]);

      const destroyed = await run.apply(yaml, { mode: 'destroy' });
      expect(destroyed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(crucibleGuests(f)).toEqual(guestsBefore);
    } finally {
      await proxmox.close();
    }
  });
});
