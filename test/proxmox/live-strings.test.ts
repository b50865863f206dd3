/**
 * proxmox_vm updates keep live property strings as written: explicit defaults (`cache=none`,
 * `backup=1`, `iothread=0`, `ssd=0`, `firewall=0`) and a lowercase MAC set behind hl's back are
 * not rewritten when an unrelated setting changes; a field that does change is the only one
 * touched; a live value that does not parse fails the write with its key. With the VM running,
 * plan notes say what PVE does with each change (pve-rules/qemu-hotplug-rules.ts). A Windows VM
 * whose machine PVE pinned (`pc-q35-10.1`) plans no change for `machine = "q35"` in either
 * version profile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { checkRequestsAfterAll } from './support/schema-check.js';
import { createResource, plan, startFixture, updateResource, type Fixture } from './support/provider-fixture.js';

const T = 'proxmox_vm';

const BASE: Attributes = {
  node: 'pve',
  name: 'defaults-1',
  memory: 2048,
  disks: { scsi0: { storage: 'local-lvm', size: '4G' } },
  networks: { net0: { bridge: 'vmbr0' } },
};

checkRequestsAfterAll();

/** The bodies of the config writes the provider sent for `vmid`, without the digest. */
function configWrites(f: Fixture, vmid: number, from: number): Record<string, string[]>[] {
  return f
    .providerRequests()
    .slice(from)
    .filter((r) => r.route === '/nodes/{node}/qemu/{vmid}/config' && r.method !== 'GET' && r.path.includes(`/qemu/${vmid}/`))
    .map((r) => {
      const { digest: _digest, ...rest } = r.body;
      return rest;
    });
}

describe('proxmox_vm: live property strings', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(async () => {
    await f.stop();
  });

  it('updates memory of a VM whose drive and NIC carry explicit defaults and a lowercase MAC: the request carries memory only', async () => {
    const { id, state } = await createResource(f, T, BASE);
    const vmid = state.vmid as number;
    const volume = ((state.disks as Attributes).scsi0 as Attributes).volume as string;
    const scsi0 = `${volume},backup=1,cache=none,iothread=0,size=4G,ssd=0`;
    const net0 = 'virtio=bc:24:11:0a:0b:0c,bridge=vmbr0,firewall=0,link_down=0';
    await f.behindTheBack(async (api) => {
      await api.nodes.$('pve').qemu.$(vmid).config.$put({ scsi0, net0 });
    });
    const read = (await f.provider.read({ type: T, id, prior: state })).state as Attributes;
    const from = f.providerRequests().length;
    const { state: after, plan: p } = await updateResource(f, T, id, read, { ...BASE, memory: 4096 });
    expect(p.notes.join('\n')).toMatch(/^memory 2048 → 4096: the running VM takes this change only at its next start/);
    expect(configWrites(f, vmid, from)).toEqual([{ memory: ['4096'] }]);
    const cfg = (await f.behindTheBack((api) => api.nodes.$('pve').qemu.$(vmid).config.$get())) as Record<string, string>;
    expect(cfg.scsi0).toBe(scsi0);
    expect(cfg.net0).toBe(net0);
    // What hl does change is only that field: the others stay as written.
    const from2 = f.providerRequests().length;
    const withBackupOff = { ...BASE, memory: 4096, disks: { scsi0: { storage: 'local-lvm', size: '4G', backup: false } } };
    await updateResource(f, T, id, after, withBackupOff);
    expect(configWrites(f, vmid, from2)).toEqual([{ scsi0: [`${volume},backup=0,cache=none,iothread=0,size=4G,ssd=0`] }]);
  });

  it('notes what the running VM does: NIC replugged, memory pending until restart, disk backup applied now', async () => {
    const { state } = await createResource(f, T, { ...BASE, name: 'notes-1' });
    const config = {
      ...BASE,
      name: 'notes-1',
      memory: 3072,
      disks: { scsi0: { storage: 'local-lvm', size: '4G', backup: false } },
      networks: { net0: { bridge: 'vmbr0', mac: 'BC:24:11:01:02:03' } },
    };
    const p = plan(f, T, state, config);
    const mac = ((state.networks as Attributes).net0 as Attributes).mac as string;
    expect(p.notes).toEqual([
      'memory 2048 → 3072: the running VM takes this change only at its next start; reboot policy "never": it stays pending until the VM is restarted (set reboot = "if-needed" on the provider to restart it during apply)',
      `networks.net0.mac ${mac} → BC:24:11:01:02:03: the running VM unplugs this device and plugs it in again now (the guest sees the NIC go away and come back)`,
      'disks.scsi0.backup true → false: the running VM applies this change now, without a restart',
    ]);
    // And the emulator, playing PVE, does exactly that.
    const { state: after } = await updateResource(f, T, state.id as string, state, config);
    expect(after.pending_changes).toEqual(['memory']);
  });

  it('refuses to merge into a live value that does not parse, naming the key', async () => {
    const { id, state } = await createResource(f, T, { ...BASE, name: 'broken-1' });
    const vmid = state.vmid as number;
    const g = f.emu.world.guests[String(vmid)]!;
    // As root editing /etc/pve: a duplicate key PVE's parser refuses.
    g.config = g.config.replace(/^net0: (.*)$/m, 'net0: $1,bridge=vmbr1');
    const read = (await f.provider.read({ type: T, id, prior: state })).state as Attributes;
    await expect(updateResource(f, T, id, read, { ...BASE, name: 'broken-1', networks: { net0: { bridge: 'vmbr0', firewall: true } } })).rejects.toThrow(
      /config key net0 holds "virtio=BC:24:11:[0-9A-F:]+,bridge=vmbr0,bridge=vmbr1", which is not a valid value \(duplicate key in comma-separated list property: bridge\); hl does not overwrite a value it cannot read/,
    );
  });
});

describe.each(['8.4', '9.1'] as const)('proxmox_vm on PVE %s: Windows machine pinning', (pveVersion) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture({ pveVersion });
  });
  afterAll(async () => {
    await f.stop();
  });

  it('reads the pinned machine as the q35 the config names and plans no change, ever', async () => {
    const config: Attributes = { ...BASE, name: 'win-1', ostype: 'win11', machine: 'q35', bios: 'ovmf' };
    const { id, state } = await createResource(f, T, config);
    expect(state.machine).toBe('q35');
    const live = (await f.behindTheBack((api) => api.nodes.$('pve').qemu.$(state.vmid).config.$get())) as Record<string, string>;
    expect(live.machine).toBe(pveVersion === '8.4' ? 'pc-q35-9.2+pve1' : 'pc-q35-10.1');
    const again = plan(f, T, state, config);
    expect(again.planned.machine).toBe('q35');
    expect(again.notes).toEqual([]);
    // Imported without state: the pinned type is read as it is, and `q35` is met by it.
    const imported = (await f.provider.read({ type: T, id, prior: { vmid: state.vmid as number } })).state as Attributes;
    expect(imported.machine).toBe(live.machine);
    expect(plan(f, T, imported, config).planned.machine).toBe(live.machine);
    const from = f.providerRequests().length;
    await updateResource(f, T, id, imported, { ...config, memory: 3072 });
    const writes = f.providerRequests().slice(from).filter((r) => r.route === '/nodes/{node}/qemu/{vmid}/config' && r.method !== 'GET');
    expect(writes.map((r) => Object.keys(r.body).filter((k) => k !== 'digest'))).toEqual([['memory']]);
  });
});
