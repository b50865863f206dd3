/**
 * proxmox_vm against the emulator over HTTP: create, clone (full and linked), update in place,
 * update needing a reboot (both reboot policies), resize, shrink → replacement, replacement,
 * delete of a running VM, import of the seeded OPNsense, drift made behind hl's back, and
 * the protection refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { isUnknown } from '../../src/core/value.js';
import { checkRequestsAfterAll } from './support/schema-check.js';
import { createResource, guestConfigText, plan, startFixture, updateResource, type Fixture } from './support/provider-fixture.js';

const T = 'proxmox_vm';

const BASE: Attributes = {
  node: 'pve',
  name: 'web-1',
  cores: 2,
  memory: 2048,
  tags: ['web', 'hl-test'],
  description: 'a test VM',
  disks: { scsi0: { storage: 'local-lvm', size: '8G', iothread: true, discard: true } },
  networks: { net0: { bridge: 'vmbr0', firewall: true } },
  scsi_hardware: 'virtio-scsi-single',
};

checkRequestsAfterAll();

describe('proxmox_vm lifecycle', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(async () => {
    await f.stop();
  });

  it('creates a VM with its disks and NICs, reads back what it planned, and plans no change', async () => {
    const p = plan(f, T, null, BASE);
    expect(p.problems).toEqual([]);
    expect(isUnknown(p.planned.vmid)).toBe(true);
    expect(isUnknown((p.planned.networks as Attributes).net0 && ((p.planned.networks as Attributes).net0 as Attributes).mac)).toBe(true);
    const { id, state } = await createResource(f, T, BASE);
    expect(id).toBe(`pve/${state.vmid}`);
    expect(state).toMatchObject({
      name: 'web-1',
      cores: 2,
      memory: 2048,
      tags: ['hl-test', 'web'],
      description: 'a test VM',
      started: true,
      status: 'running',
      pending_changes: [],
      disks: { scsi0: { storage: 'local-lvm', size: '8G', iothread: true, discard: true, volume: `local-lvm:vm-${state.vmid}-disk-0` } },
    });
    const mac = ((state.networks as Attributes).net0 as Attributes).mac as string;
    expect(mac).toMatch(/^BC:24:11(:[0-9A-F]{2}){3}$/);
    // The marker is on the server, not in the attribute.
    expect(guestConfigText(f, state.vmid as number)).toMatch(/#Managed by hl \(create [0-9a-f]+\)\./);
    // Same config written differently (units, key order, tag order): no diff.
    const same = { ...BASE, tags: ['web', 'hl-test'], disks: { scsi0: { discard: true, iothread: true, size: '8192M', storage: 'local-lvm' } } };
    const again = plan(f, T, state, same);
    expect(again.requiresReplace).toEqual([]);
    expect(again.planned).toEqual(state);
    await f.provider.delete({ type: T, id, prior: state });
  });

  it('clones the seeded template fully by name, grows its disk and sets cloud-init', async () => {
    const config: Attributes = {
      node: 'pve',
      name: 'k3s-worker-1',
      clone: { source: 'ubuntu-24.04-cloudinit' },
      memory: 4096,
      disks: { scsi0: { storage: 'local-lvm', size: '20G' } },
      networks: { net0: { bridge: 'vmbr0' } },
      cloud_init: { user: 'k3s', ssh_keys: ['ssh-ed25519 AAAAC3Nza k3s@hl'], ipconfig: { ipconfig0: { ip: '192.168.4.50/24', gw: '192.168.4.1' } } },
    };
    const p = plan(f, T, null, config);
    // Values the template decides are unknown until the clone exists.
    expect(isUnknown(p.planned.cores)).toBe(true);
    const { id, state } = await createResource(f, T, config);
    expect(state).toMatchObject({
      name: 'k3s-worker-1',
      memory: 4096,
      cpu: 'x86-64-v2-AES',
      agent: true,
      clone: { source: 'ubuntu-24.04-cloudinit', full: true, snapshot: null },
      disks: { scsi0: { storage: 'local-lvm', size: '20G', discard: true } },
      cloud_init: {
        user: 'k3s',
        ssh_keys: ['ssh-ed25519 AAAAC3Nza k3s@hl'],
        ipconfig: { ipconfig0: { ip: '192.168.4.50/24', gw: '192.168.4.1', ip6: null, gw6: null } },
        storage: 'local-lvm',
      },
    });
    const disk = (state.disks as Attributes).scsi0 as Attributes;
    expect(disk.volume).toBe(`local-lvm:vm-${state.vmid}-disk-0`);
    // A clone gets a new MAC, not the template's.
    expect(((state.networks as Attributes).net0 as Attributes).mac).not.toBe('BC:24:11:90:00:01');
    const clones = f.providerRequests().filter((r) => r.method === 'POST' && /\/qemu\/9000\/clone$/.test(r.path));
    expect(clones).toHaveLength(1);
    expect(f.providerRequests().some((r) => r.method === 'PUT' && r.path.endsWith(`/qemu/${state.vmid}/resize`))).toBe(true);
    expect(plan(f, T, state, config).planned).toEqual(state);
    await f.provider.delete({ type: T, id, prior: state });
  });

  it('makes a linked clone from the template by VMID', async () => {
    const config: Attributes = { node: 'pve', name: 'linked-1', clone: { source: 9000, full: false }, started: false };
    const { id, state } = await createResource(f, T, config);
    const disk = (state.disks as Attributes).scsi0 as Attributes;
    expect(disk.storage).toBe('local-lvm');
    expect(disk.size).toBe('3584M');
    expect(state.status).toBe('stopped');
    const clone = f.providerRequests().findLast((r) => r.method === 'POST' && r.path.endsWith('/qemu/9000/clone') && r.body.newid?.[0] === String(state.vmid));
    expect(clone?.body.full).toEqual(['0']);
    expect(f.emu.world.nodes.find((n) => n.name === 'pve')!.storages.flatMap((s) => s.volumes).find((v) => v.volid === disk.volume)?.parent).toBe(
      'local-lvm:base-9000-disk-0',
    );
    await f.provider.delete({ type: T, id, prior: state });
  });

  it('updates in place: name, tags, description, onboot, a new NIC; nothing pending', async () => {
    const { id, state } = await createResource(f, T, BASE);
    const config = {
      ...BASE,
      name: 'web-2',
      tags: ['web'],
      description: 'renamed',
      onboot: true,
      networks: { net0: { bridge: 'vmbr0', firewall: true }, net1: { bridge: 'vmbr1', tag: 40 } },
    };
    const { state: after, plan: p } = await updateResource(f, T, id, state, config);
    // Settings taken at once need no note; a device change says what the running VM does with it.
    expect(p.notes).toEqual(['networks.net1 added: the running VM applies this change now, without a restart']);
    expect(after).toMatchObject({ name: 'web-2', tags: ['web'], description: 'renamed', onboot: true, pending_changes: [] });
    const nets = after.networks as Record<string, Attributes>;
    expect(nets.net0!.mac).toBe((state.networks as Record<string, Attributes>).net0!.mac);
    expect(nets.net1).toMatchObject({ bridge: 'vmbr1', tag: 40, model: 'virtio' });
    // The description keeps hl's marker.
    expect(guestConfigText(f, state.vmid as number)).toMatch(/#renamed\n#\n#Managed by hl/);
    // Every config write carried the digest.
    const writes = f.providerRequests().filter((r) => r.method === 'POST' && r.path.endsWith(`/qemu/${state.vmid}/config`));
    expect(writes.length).toBeGreaterThan(0);
    for (const w of writes) expect(w.body.digest?.[0]).toMatch(/^[0-9a-f]{40}$/);
    expect(plan(f, T, after, config).planned).toEqual(after);
    await f.provider.delete({ type: T, id, prior: after });
  });

  it('reports a memory change of a running VM as needing a reboot and leaves it pending (reboot: never)', async () => {
    const { id, state } = await createResource(f, T, BASE);
    const mark = f.providerRequests().length;
    const config = { ...BASE, memory: 4096 };
    const p = plan(f, T, state, config);
    expect(p.notes.join('\n')).toMatch(/memory 2048 → 4096: the running VM takes this change only at its next start; reboot policy "never"/);
    const { state: after } = await updateResource(f, T, id, state, config);
    expect(after.memory).toBe(4096);
    expect(after.pending_changes).toEqual(['memory']);
    expect(after.status).toBe('running');
    // (VMIDs are reused in this file: an earlier guest with the same VMID may have been shut down)
    expect(f.providerRequests().slice(mark).some((r) => r.path.endsWith(`/qemu/${state.vmid}/status/shutdown`))).toBe(false);
    // The next plan says it is still pending.
    expect(plan(f, T, after, config).notes.join('\n')).toMatch(/pending on the running VM \(memory\) wait for its next restart/);

    // A provider with reboot: if-needed applies it by restarting.
    const g = await startFixture({ settings: { reboot: 'if-needed' } });
    try {
      const created = await createResource(g, T, BASE);
      const p2 = plan(g, T, created.state, config);
      expect(p2.notes.join('\n')).toMatch(/reboot policy "if-needed": hl shuts it down and starts it again during apply/);
      expect(p2.planned.pending_changes).toEqual([]);
      const { state: restarted } = await updateResource(g, T, created.id, created.state, config);
      expect(restarted).toMatchObject({ memory: 4096, pending_changes: [], status: 'running' });
      const paths = g.providerRequests().map((r) => `${r.method} ${r.path}`);
      const shutdown = paths.indexOf(`POST /nodes/pve/qemu/${created.state.vmid}/status/shutdown`);
      expect(shutdown).toBeGreaterThan(-1);
      expect(paths.indexOf(`POST /nodes/pve/qemu/${created.state.vmid}/status/start`, shutdown)).toBeGreaterThan(shutdown);
      // A change left pending by a reboot: never run is applied by the if-needed provider too.
      const p3 = plan(g, T, after, config);
      expect(p3.planned.pending_changes).toEqual([]);
    } finally {
      await g.stop();
    }
    await f.provider.delete({ type: T, id, prior: after });
  });

  it('grows a disk in place with PUT resize', async () => {
    const { id, state } = await createResource(f, T, BASE);
    const config = { ...BASE, disks: { scsi0: { storage: 'local-lvm', size: '12G', iothread: true, discard: true } } };
    const { state: after, plan: p } = await updateResource(f, T, id, state, config);
    expect(p.requiresReplace).toEqual([]);
    expect(((after.disks as Attributes).scsi0 as Attributes).size).toBe('12G');
    const resize = f.providerRequests().findLast((r) => r.method === 'PUT' && r.path.endsWith(`/qemu/${state.vmid}/resize`));
    expect(resize?.body).toMatchObject({ disk: ['scsi0'], size: ['12G'] });
    await f.provider.delete({ type: T, id, prior: after });
  });

  it('plans a disk shrink as a replacement with the reason', async () => {
    const prior: Attributes = { ...(plan(f, T, null, BASE).planned as Attributes) };
    const { state } = await createResource(f, T, { ...BASE, disks: { scsi0: { storage: 'local-lvm', size: '200G' } } });
    void prior;
    const p = plan(f, T, state, { ...BASE, disks: { scsi0: { storage: 'local-lvm', size: '100G' } } });
    expect(p.requiresReplace).toEqual([
      { path: ['disks', 'scsi0', 'size'], reason: 'disks.scsi0.size cannot shrink from 200G to 100G: Proxmox only grows disks' },
    ]);
    // The replacement is planned as a new VM.
    expect(isUnknown(p.planned.id)).toBe(true);
    await f.provider.delete({ type: T, id: String(state.id), prior: state });
  });

  it('plans a VM moved to another node as an online migration, not a replacement', async () => {
    const { id, state } = await createResource(f, T, { ...BASE, vmid: 4321 });
    const p = plan(f, T, state, { ...BASE, node: 'chief-horse' });
    expect(p.requiresReplace).toEqual([]);
    expect(p.migration).toEqual({ path: ['node'], from: 'pve', to: 'chief-horse', how: 'online migration, local disks copied to local-lvm' });
    expect(p.planned.id).toBe('chief-horse/4321');
    await f.provider.delete({ type: T, id, prior: state });
  });

  it('deletes a running VM: shuts it down, then destroys it with purge, and a second delete succeeds', async () => {
    const { id, state } = await createResource(f, T, BASE);
    expect(state.status).toBe('running');
    const before = f.providerRequests().length;
    await f.provider.delete({ type: T, id, prior: state });
    const seq = f.providerRequests().slice(before).map((r) => `${r.method} ${r.path}`);
    const stop = seq.indexOf(`POST /nodes/pve/qemu/${state.vmid}/status/shutdown`);
    const destroy = seq.findIndex((s) => s.startsWith(`DELETE /nodes/pve/qemu/${state.vmid}`));
    expect(stop).toBeGreaterThan(-1);
    expect(destroy).toBeGreaterThan(stop);
    const del = f.providerRequests().slice(before).find((r) => r.method === 'DELETE');
    expect(del?.query).toMatchObject({ purge: ['1'], 'destroy-unreferenced-disks': ['1'] });
    expect(f.emu.world.guests[String(state.vmid)]).toBeUndefined();
    expect((await f.provider.read({ type: T, id, prior: state })).state).toBeNull();
    await expect(f.provider.delete({ type: T, id, prior: state })).resolves.toBeUndefined();
  });

  it('refuses to delete a protected VM', async () => {
    const { id, state } = await createResource(f, T, { ...BASE, protection: true, started: false });
    await expect(f.provider.delete({ type: T, id, prior: state })).rejects.toThrow(/has protection enabled, so hl does not destroy it; set protection = false/);
    const { state: unprotected } = await updateResource(f, T, id, state, { ...BASE, protection: false, started: false });
    await f.provider.delete({ type: T, id, prior: unprotected });
  });

  it('imports the seeded OPNsense VM by node/vmid and by vmid, and plans no change for a matching config', async () => {
    const imported = await f.provider.importResource({ type: T, id: 'pve/101' });
    expect(imported.resource?.id).toBe('pve/101');
    const s = imported.resource!.state;
    expect(s).toMatchObject({
      name: 'OPNsense',
      memory: 4096,
      cores: 2,
      cpu: 'host',
      onboot: true,
      tags: ['firewall'],
      status: 'running',
      disks: { scsi0: { storage: 'local-lvm', size: '32G', iothread: true, volume: 'local-lvm:vm-101-disk-0' } },
      networks: { net0: { mac: 'BC:24:11:5A:1E:01', bridge: 'vmbr0' }, net1: { mac: 'BC:24:11:5A:1E:02', bridge: 'vmbr1' } },
    });
    expect((await f.provider.importResource({ type: T, id: '101' })).resource?.id).toBe('pve/101');
    // The seed's container 100 is not a VM; a VMID nobody has is nothing.
    expect((await f.provider.importResource({ type: T, id: 'pve/100' })).resource).toBeNull();
    expect((await f.provider.importResource({ type: T, id: '99999' })).resource).toBeNull();
    await expect(f.provider.importResource({ type: T, id: 'chief-horse/101' })).rejects.toThrow(/is on node pve, not chief-horse/);
    const config: Attributes = {
      node: 'pve',
      vmid: 101,
      name: 'OPNsense',
      memory: 4096,
      cores: 2,
      disks: { scsi0: { storage: 'local-lvm', size: '32G', iothread: true } },
      networks: { net0: { bridge: 'vmbr0' }, net1: { bridge: 'vmbr1' } },
    };
    const p = plan(f, T, s, config);
    expect(p.requiresReplace).toEqual([]);
    expect(p.planned).toEqual(s);
  });

  it('sees drift made behind its back: a memory change and a new tag show in read', async () => {
    const { id, state } = await createResource(f, T, { ...BASE, started: false });
    await f.behindTheBack((api) => api.nodes.$('pve').qemu.$(state.vmid).config.$put({ memory: '3072', tags: 'web;hl-test;manual' }));
    const { state: now } = await f.provider.read({ type: T, id, prior: state });
    expect(now).toMatchObject({ memory: 3072, tags: ['hl-test', 'manual', 'web'] });
    // The plan brings it back to the config.
    const p = plan(f, T, now, { ...BASE, started: false });
    expect(p.planned).toMatchObject({ memory: 2048, tags: ['hl-test', 'web'] });
    const { state: fixed } = await updateResource(f, T, id, now!, { ...BASE, started: false });
    expect(fixed).toMatchObject({ memory: 2048, tags: ['hl-test', 'web'] });
    await f.provider.delete({ type: T, id, prior: fixed });
  });

  it('removes a disk dropped from config and destroys its volume', async () => {
    const config = { ...BASE, started: false, disks: { ...(BASE.disks as Attributes), scsi1: { storage: 'local-lvm', size: '2G' } } };
    const { id, state } = await createResource(f, T, config);
    const vol = ((state.disks as Attributes).scsi1 as Attributes).volume as string;
    const p = plan(f, T, state, { ...BASE, started: false });
    expect(p.notes.join('\n')).toMatch(new RegExp(`disks.scsi1 is removed from the VM and its volume ${vol} is destroyed`));
    const { state: after } = await updateResource(f, T, id, state, { ...BASE, started: false });
    expect(Object.keys(after.disks as Attributes)).toEqual(['scsi0']);
    expect(guestConfigText(f, state.vmid as number)).not.toMatch(/unused\d+:/);
    await f.provider.delete({ type: T, id, prior: after });
  });

  it('passes the Coral USB TPU through on fun-bedbug with a USB resource mapping (allowed with a token)', async () => {
    await f.behindTheBack((api) => api.cluster.mapping.usb.$post({ id: 'coral', map: ['node=fun-bedbug,id=18d1:9302'], description: 'Google Coral' }));
    const config: Attributes = {
      node: 'fun-bedbug',
      name: 'frigate',
      memory: 1024,
      disks: { scsi0: { storage: 'local-lvm', size: '4G' } },
      usb: { usb0: { mapping: 'coral', usb3: true } },
    };
    expect(f.provider.validateResource({ type: T, config, providerConfig: f.providerConfig })).toEqual([]);
    const { id, state } = await createResource(f, T, config);
    expect(state).toMatchObject({ node: 'fun-bedbug', status: 'running', usb: { usb0: { mapping: 'coral', usb3: true, host: null } } });
    expect(guestConfigText(f, state.vmid as number)).toMatch(/^usb0: mapping=coral,usb3=1$/m);
    await f.provider.delete({ type: T, id, prior: state });
  });
});
