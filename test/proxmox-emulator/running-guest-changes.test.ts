/**
 * What a running VM does with each change (providers/proxmox/pve-rules/qemu-hotplug-rules.ts,
 * after qemu-server vmconfig_hotplug_pending / vmconfig_update_disk / vmconfig_update_net), the
 * `WARNINGS: N` of deleting an unset key, and the machine type PVE pins for Windows guests at
 * create, per version profile (qemu-server Machine.pm check_and_pin_machine_string).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, waitTask, type Api, type TestEmulator } from './support/emulator-fixture.js';

describe('Proxmox emulator: changes to a running VM', () => {
  let t: TestEmulator;
  let api: Api;
  const qemu = (vmid: number): Api => api.nodes.$('pve').qemu.$(vmid);
  const pendingKeys = async (vmid: number): Promise<string[]> =>
    ((await qemu(vmid).pending.$get()) as { key: string; pending?: unknown; delete?: number }[])
      .filter((p) => p.pending !== undefined || p.delete !== undefined)
      .map((p) => p.key)
      .sort();
  /** Runs an async config update; answers its exit status and log lines. */
  const update = async (vmid: number, params: Record<string, unknown>): Promise<{ exit: string | undefined; log: string[] }> => {
    const upid: string = await qemu(vmid).config.$post(params);
    const st = await waitTask(api, upid);
    const log = ((await api.nodes.$('pve').tasks.$(upid).log.$get()) as { t: string }[]).map((l) => l.t);
    return { exit: st.exitstatus, log };
  };

  beforeAll(async () => {
    t = await startTestEmulator();
    api = t.api;
    const upid: string = await api.nodes.$('pve').qemu.$post({
      vmid: 150, name: 'hot', ostype: 'l26', start: true, memory: '2048',
      scsi0: 'local-lvm:4,backup=1,cache=none,iothread=0', net0: 'virtio=bc:24:11:aa:bb:cc,bridge=vmbr0,firewall=0',
    });
    expect((await waitTask(api, upid)).exitstatus).toBe('OK');
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps an existing disk option that needs a restart pending; applies backup and throttles at once', async () => {
    const live = (await qemu(150).config.$get({ current: 1 })).scsi0 as string;
    await update(150, { scsi0: live.replace('cache=none', 'cache=writeback') });
    expect(await pendingKeys(150)).toEqual(['scsi0']);
    await qemu(150).config.$put({ revert: 'scsi0' });
    await update(150, { scsi0: live.replace('backup=1', 'backup=0') });
    expect(await pendingKeys(150)).toEqual([]);
    expect((await qemu(150).config.$get({ current: 1 })).scsi0).toMatch(/backup=0/);
    // Dropping `iothread=0` is a change to PVE (the field is compared as text): pending.
    const now = (await qemu(150).config.$get({ current: 1 })).scsi0 as string;
    await update(150, { scsi0: now.replace(',iothread=0', '') });
    expect(await pendingKeys(150)).toEqual(['scsi0']);
    await qemu(150).config.$put({ revert: 'scsi0' });
    await update(150, { scsi0: `${now},mbps_rd=100` });
    expect((await qemu(150).config.$get({ current: 1 })).scsi0).toMatch(/mbps_rd=100/);
    expect(await pendingKeys(150)).toEqual([]);
  });

  it('replugs a NIC whose MAC differs only in case; changes its firewall on the running tap device', async () => {
    const net0 = (await qemu(150).config.$get({ current: 1 })).net0 as string;
    expect(net0).toBe('virtio=bc:24:11:aa:bb:cc,bridge=vmbr0,firewall=0');
    const fw = await update(150, { net0: net0.replace('firewall=0', 'firewall=1') });
    expect(fw.log.join('\n')).not.toMatch(/unplugged/);
    const upper = await update(150, { net0: 'virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,firewall=1' });
    expect(upper.exit).toBe('OK');
    expect(upper.log).toContain('hotplug: net0 unplugged and plugged in again');
    expect((await qemu(150).config.$get({ current: 1 })).net0).toBe('virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,firewall=1');
    expect(await pendingKeys(150)).toEqual([]);
  });

  it('hotplugs USB only for an ostype that supports it on a QEMU 7.1+ machine', async () => {
    await update(150, { usb0: 'spice' });
    expect(await pendingKeys(150)).toEqual([]);
    const other: string = await api.nodes.$('pve').qemu.$post({ vmid: 151, name: 'other', ostype: 'other', start: true });
    await waitTask(api, other);
    await update(151, { usb0: 'spice' });
    expect(await pendingKeys(151)).toEqual(['usb0']);
    const old: string = await api.nodes.$('pve').qemu.$post({ vmid: 152, name: 'old', ostype: 'l26', machine: 'pc-i440fx-7.0', start: true });
    await waitTask(api, old);
    await update(152, { usb0: 'spice' });
    expect(await pendingKeys(152)).toEqual(['usb0']);
  });

  it('ends the task with WARNINGS when deleting a key that is not set', async () => {
    const r = await update(150, { delete: 'vga', description: 'x' });
    expect(r.exit).toBe('WARNINGS: 1');
    expect(r.log).toContain("WARN: cannot delete 'vga' - not set in current configuration!");
    expect(r.log.at(-1)).toBe('TASK WARNINGS: 1');
  });

  it('takes memory only at the next start', async () => {
    await update(150, { memory: '4096' });
    expect(await pendingKeys(150)).toEqual(['memory']);
  });
});

describe.each([
  ['8.4', 'pc-q35-9.2+pve1', 'pc-i440fx-9.2+pve1'],
  ['9.1', 'pc-q35-10.1', 'pc-i440fx-10.1'],
] as const)('Proxmox emulator %s: Windows machine pinning', (pveVersion, q35, i440fx) => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({ pveVersion });
  });
  afterAll(async () => {
    await t.close();
  });

  it('pins the machine of a Windows guest at create to the release QEMU, and leaves others alone', async () => {
    const create = async (vmid: number, params: Record<string, unknown>): Promise<string | undefined> => {
      const upid: string = await t.api.nodes.$('pve').qemu.$post({ vmid, ...params });
      expect((await waitTask(t.api, upid)).exitstatus).toBe('OK');
      return (await t.api.nodes.$('pve').qemu.$(vmid).config.$get()).machine as string | undefined;
    };
    expect(await create(160, { ostype: 'win11', machine: 'q35' })).toBe(q35);
    expect(await create(161, { ostype: 'win10' })).toBe(i440fx);
    expect(await create(162, { ostype: 'win11', machine: 'q35,viommu=intel' })).toBe(`${q35},viommu=intel`);
    expect(await create(163, { ostype: 'win11', machine: 'pc-q35-8.1' })).toBe('pc-q35-8.1');
    expect(await create(164, { ostype: 'l26', machine: 'q35' })).toBe('q35');
    // Switching to a Windows ostype pins the machine as well (update_vm_api).
    await t.api.nodes.$('pve').qemu.$(164).config.$put({ ostype: 'win11' });
    expect((await t.api.nodes.$('pve').qemu.$(164).config.$get()).machine).toBe(q35);
  });
});
