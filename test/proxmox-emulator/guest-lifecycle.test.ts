/**
 * VM and container life cycles through the real proxmox-api client: create → task → config,
 * digests and their conflict messages, config locks held by tasks, pending changes on running
 * guests, clones (full and linked), resize, destroy, templates, snapshots, unused disks,
 * storage capacity and passthrough permissions.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, raw, startTestEmulator, waitTask, type Api, type TestEmulator } from './support/emulator-fixture.js';
import { checkRequests, loadPveSchema } from '../support/pve-schema.js';

const GiB = 1024 ** 3;

describe('Proxmox emulator: guests', () => {
  let t: TestEmulator;
  let api: Api;
  const qemu = (vmid: number, node = 'pve'): Api => api.nodes.$(node).qemu.$(vmid);
  const lxc = (vmid: number, node = 'pve'): Api => api.nodes.$(node).lxc.$(vmid);

  beforeAll(async () => {
    t = await startTestEmulator();
    api = t.api;
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a VM: UPID, lock while the task runs, then the config with allocated disk and MAC', async () => {
    t.emu.setFaults({ taskDurationByType: { qmcreate: 800 } });
    const upid: string = await api.nodes.$('pve').qemu.$post({
      vmid: 120,
      name: 'k3s-test',
      memory: '2048',
      cores: 2,
      scsihw: 'virtio-scsi-single',
      scsi0: 'local-lvm:16,iothread=on',
      net0: 'virtio,bridge=vmbr0',
      ostype: 'l26',
      onboot: true,
      agent: 'enabled=1',
      tags: 'k3s;test',
    });
    expect(upid).toMatch(/^UPID:pve:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmcreate:120:hl@pve!hl:$/);
    expect(await qemu(120).config.$get()).toMatchObject({ lock: 'create' });
    const res = (await api.cluster.resources.$get({ type: 'vm' })) as { vmid: number; lock?: string }[];
    expect(res.find((r) => r.vmid === 120)?.lock).toBe('create');
    expect(await failure(qemu(120).config.$put({ cores: 4 }))).toMatch(/500 VM is locked \(create\)/);
    const st = await waitTask(api, upid);
    expect(st.exitstatus).toBe('OK');
    const cfg = await qemu(120).config.$get();
    expect(cfg.lock).toBeUndefined();
    expect(cfg).toMatchObject({ name: 'k3s-test', memory: '2048', cores: 2, onboot: 1, scsi0: 'local-lvm:vm-120-disk-0,iothread=1,size=16G', tags: 'k3s;test' });
    expect(cfg.net0).toMatch(/^virtio=BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2},bridge=vmbr0$/);
    expect(cfg.boot).toBe('order=scsi0;net0');
    expect(cfg.smbios1).toMatch(/^uuid=/);
    expect(cfg.digest).toBe(createHash('sha1').update(t.emu.world.guests['120']!.config).digest('hex'));
    const content = (await api.nodes.$('pve').storage.$('local-lvm').content.$get({ vmid: 120 })) as { volid: string; size: number }[];
    expect(content).toEqual([expect.objectContaining({ volid: 'local-lvm:vm-120-disk-0', size: 16 * GiB })]);
    const log = (await api.nodes.$('pve').tasks.$(upid).log.$get()) as { n: number; t: string }[];
    expect(log.at(-1)).toEqual({ n: log.length, t: 'TASK OK' });
    t.emu.setFaults({});
  });

  it('refuses to create over an existing VMID', async () => {
    expect(await failure(api.nodes.$('pve').qemu.$post({ vmid: 101, name: 'dup' }))).toMatch(
      /500 unable to create VM 101 - VM 101 already exists on node 'pve'/,
    );
    expect(await failure(api.nodes.$('pve').qemu.$post({ vmid: 100 }))).toMatch(/CT 100 already exists on node 'pve'/);
  });

  it('checks digests with the exact PVE messages (qemu and lxc)', async () => {
    const cfg = await qemu(120).config.$get();
    expect(await failure(qemu(120).config.$put({ description: 'x', digest: '0'.repeat(40) }))).toMatch(
      /500 checksum mismatch \(file change by other user\?\)/,
    );
    await qemu(120).config.$put({ description: 'managed by hl', digest: cfg.digest });
    const after = await qemu(120).config.$get();
    expect(after.digest).not.toBe(cfg.digest);
    expect(after.description).toBe('managed by hl');
    expect(t.emu.world.guests['120']!.config.startsWith('#managed by hl\n')).toBe(true);
    const ct = await lxc(111).config.$get();
    expect(await failure(lxc(111).config.$put({ description: 'x', digest: 'f'.repeat(40) }))).toMatch(
      /500 detected modified configuration - file changed by other user\? Try again\./,
    );
    await lxc(111).config.$put({ description: 'tunnel', digest: ct.digest });
    expect((await lxc(111).config.$get()).description).toBe('tunnel\n');
  });

  it('keeps restart-only changes of a running VM pending until reboot; hotplugs the rest', async () => {
    const before = await qemu(107).config.$get({ current: 1 });
    await qemu(107).config.$put({ cores: 4, memory: '6144', name: 'k3s-vm-pve2', net0: `virtio=${before.net0.split(',')[0].split('=')[1]},bridge=vmbr0,firewall=1` });
    const current = await qemu(107).config.$get({ current: 1 });
    expect(current).toMatchObject({ cores: 2, memory: '4096', name: 'k3s-vm-pve2' });
    expect(current.net0).toMatch(/firewall=1/);
    const withPending = await qemu(107).config.$get();
    expect(withPending).toMatchObject({ cores: 4, memory: '6144' });
    const pending = (await qemu(107).pending.$get()) as { key: string; value?: unknown; pending?: unknown; delete?: number }[];
    expect(pending.find((p) => p.key === 'cores')).toEqual({ key: 'cores', value: 2, pending: 4 });
    expect(pending.find((p) => p.key === 'name')).toEqual({ key: 'name', value: 'k3s-vm-pve2' });
    await qemu(107).config.$put({ delete: 'agent' });
    expect((await qemu(107).pending.$get()).find((p: { key: string }) => p.key === 'agent')).toMatchObject({ delete: 1 });
    expect(t.emu.world.guests['107']!.config).toMatch(/\n\[PENDING\]\ncores: 4\ndelete: agent\nmemory: 6144\n/);
    const res = (await api.cluster.resources.$get({ type: 'vm' })) as { vmid: number; maxmem: number }[];
    expect(res.find((r) => r.vmid === 107)?.maxmem).toBe(4 * GiB);
    expect((await waitTask(api, await qemu(107).status.reboot.$post())).exitstatus).toBe('OK');
    const rebooted = await qemu(107).config.$get({ current: 1 });
    expect(rebooted).toMatchObject({ cores: 4, memory: '6144' });
    expect(rebooted.agent).toBeUndefined();
    expect(await qemu(107).pending.$get()).not.toContainEqual(expect.objectContaining({ pending: expect.anything() }));
  });

  it('reverts a pending change', async () => {
    await qemu(101).config.$put({ sockets: 2 });
    expect((await qemu(101).pending.$get()).find((p: { key: string }) => p.key === 'sockets')).toEqual({ key: 'sockets', value: 1, pending: 2 });
    await qemu(101).config.$put({ revert: 'sockets' });
    expect((await qemu(101).pending.$get()).find((p: { key: string }) => p.key === 'sockets')).toEqual({ key: 'sockets', value: 1 });
    expect(await failure(qemu(101).config.$put({ revert: 'bogus' }))).toMatch(/400 Parameter verification failed/);
    expect(await failure(qemu(101).config.$put({}))).toMatch(/500 no options specified/);
  });

  it('refuses writes to a container locked by another operation', async () => {
    await lxc(111).config.$put({ lock: 'backup' });
    expect(await failure(lxc(111).config.$put({ description: 'x' }))).toMatch(/500 CT is locked \(backup\)/);
    // Behind hl's back, as `pct unlock` would.
    const g = t.emu.world.guests['111']!;
    g.config = g.config.replace(/^lock: backup\n/m, '');
    await lxc(111).config.$put({ description: 'unlocked' });
  });

  it('applies changes of a stopped VM at once, and POST config runs as a task', async () => {
    const upid = await qemu(120).config.$post({ cores: 3, sockets: 1 });
    expect(upid).toMatch(/:qmconfig:120:/);
    expect((await waitTask(api, upid)).exitstatus).toBe('OK');
    expect(await qemu(120).config.$get({ current: 1 })).toMatchObject({ cores: 3, sockets: 1 });
  });

  it('moves a removed disk to unusedN and frees it when unusedN is deleted', async () => {
    await qemu(120).config.$put({ scsi1: 'local-lvm:4' });
    expect((await qemu(120).config.$get()).scsi1).toBe('local-lvm:vm-120-disk-1,size=4G');
    await qemu(120).config.$put({ delete: 'scsi1' });
    const cfg = await qemu(120).config.$get();
    expect(cfg.scsi1).toBeUndefined();
    expect(cfg.unused0).toBe('local-lvm:vm-120-disk-1');
    await qemu(120).config.$put({ delete: 'unused0' });
    const vols = (await api.nodes.$('pve').storage.$('local-lvm').content.$get({ vmid: 120 })) as { volid: string }[];
    expect(vols.map((v) => v.volid)).toEqual(['local-lvm:vm-120-disk-0']);
  });

  it('grows disks, and refuses to shrink them with PVE messages', async () => {
    expect((await waitTask(api, await qemu(120).resize.$put({ disk: 'scsi0', size: '+4G' }))).exitstatus).toBe('OK');
    expect((await qemu(120).config.$get()).scsi0).toBe('local-lvm:vm-120-disk-0,iothread=1,size=20G');
    expect((await waitTask(api, await qemu(120).resize.$put({ disk: 'scsi0', size: '24576M' }))).exitstatus).toBe('OK');
    expect((await qemu(120).config.$get()).scsi0).toMatch(/size=24G$/);
    const shrink = await waitTask(api, await qemu(120).resize.$put({ disk: 'scsi0', size: '10G' }));
    expect(shrink.exitstatus).toBe('shrinking disks is not supported');
    expect(await failure(lxc(111).resize.$put({ disk: 'rootfs', size: '1G' }))).toMatch(/500 unable to shrink disk size/);
    expect((await waitTask(api, await lxc(111).resize.$put({ disk: 'rootfs', size: '+1G' }))).exitstatus).toBe('OK');
    expect((await lxc(111).config.$get()).rootfs).toBe('local-lvm:vm-111-disk-0,size=5G');
  });

  it('holds `lock: clone` on the target while a clone runs; linked clones need a template', async () => {
    t.emu.setFaults({ taskDurationByType: { qmclone: 800 } });
    const upid = await qemu(9000).clone.$post({ newid: 130, name: 'k3s-linked', full: false });
    expect(upid).toMatch(/:qmclone:9000:/);
    const during = await qemu(130).config.$get();
    expect(during.lock).toBe('clone');
    expect(await failure(qemu(130).config.$put({ cores: 4 }))).toMatch(/500 VM is locked \(clone\)/);
    expect(await failure(qemu(130).resize.$put({ disk: 'scsi0', size: '+1G', digest: '0'.repeat(40) }).then((u: string) => waitTask(api, u)).then(
      (s: { exitstatus: string }) => {
        throw new Error(s.exitstatus);
      },
    ))).toMatch(/checksum mismatch/);
    expect((await waitTask(api, upid)).exitstatus).toBe('OK');
    const cfg = await qemu(130).config.$get();
    const tmpl = await qemu(9000).config.$get();
    expect(cfg).toMatchObject({ name: 'k3s-linked', scsi0: 'local-lvm:vm-130-disk-0,discard=on,size=3584M', ide2: 'local-lvm:vm-130-cloudinit,media=cdrom' });
    expect(cfg.template).toBeUndefined();
    expect(cfg.net0).not.toBe(tmpl.net0);
    expect(cfg.net0).toMatch(/^virtio=BC:24:11:/);
    const vol = ((await api.nodes.$('pve').storage.$('local-lvm').content.$get({ vmid: 130 })) as { volid: string; parent?: string }[]).find(
      (v) => v.volid === 'local-lvm:vm-130-disk-0',
    );
    expect(vol?.parent).toBe('base-9000-disk-0');
    t.emu.setFaults({});

    expect(await failure(qemu(102).clone.$post({ newid: 131, full: false }))).toMatch(
      /500 Linked clone feature is not supported for 'local-lvm:vm-102-disk-0' \(scsi0\)/,
    );
    expect(await failure(qemu(9000).clone.$post({ newid: 101 }))).toMatch(/500 unable to create VM 101: config file already exists/);
    expect(await failure(qemu(9000).clone.$post({ newid: 132, target: 'chief-horse' }))).toMatch(
      /can't clone VM to node 'chief-horse' \(VM uses local storage\)/,
    );
  });

  it('runs parallel linked clones of one template without blocking each other', async () => {
    t.emu.setFaults({ taskDurationByType: { qmclone: 200 }, lockTimeoutMs: 100 });
    // With a 100 ms lock timeout, clones that blocked each other would fail with "got timeout".
    const upids = await Promise.all([133, 134, 135].map((newid) => qemu(9000).clone.$post({ newid, name: `k3s-${newid}` })));
    const done = await Promise.all(upids.map((u: string) => waitTask(api, u)));
    expect(done.map((d) => d.exitstatus)).toEqual(['OK', 'OK', 'OK']);
    const disks = await Promise.all([133, 134, 135].map(async (id) => (await qemu(id).config.$get()).scsi0));
    expect(disks).toEqual([133, 134, 135].map((id) => `local-lvm:vm-${id}-disk-0,discard=on,size=3584M`));
    t.emu.setFaults({});
    for (const id of [133, 134, 135]) await waitTask(api, await qemu(id).$delete({ purge: 1 }));
  });

  it('full-clones a running VM with new volumes and MACs', async () => {
    const upid = await qemu(101).clone.$post({ newid: 131, name: 'opnsense-copy' });
    expect((await waitTask(api, upid)).exitstatus).toBe('OK');
    const cfg = await qemu(131).config.$get();
    expect(cfg.scsi0).toBe('local-lvm:vm-131-disk-0,iothread=1,size=32G');
    const src = await qemu(101).config.$get();
    expect(cfg.net0).not.toBe(src.net0);
    expect(cfg.net1).not.toBe(src.net1);
    expect(cfg.smbios1).not.toBe(src.smbios1);
    const status = await qemu(131).status.current.$get();
    expect(status).toMatchObject({ status: 'stopped', name: 'opnsense-copy' });
  });

  it('refuses to destroy a running or protected VM; destroys a stopped one with its volumes', async () => {
    expect(await failure(qemu(101).$delete({ purge: 1, 'destroy-unreferenced-disks': 1 }))).toMatch(/500 VM 101 is running - destroy failed/);
    await qemu(131).config.$put({ protection: 1 });
    expect(await failure(qemu(131).$delete({ purge: 1 }))).toMatch(/500 can't remove VM 131 - protection mode enabled/);
    await qemu(131).config.$put({ delete: 'protection' });
    const upid = await qemu(131).$delete({ purge: 1, 'destroy-unreferenced-disks': 1 });
    expect((await waitTask(api, upid)).exitstatus).toBe('OK');
    expect(await failure(qemu(131).config.$get())).toMatch(/500 Configuration file 'nodes\/pve\/qemu-server\/131.conf' does not exist/);
    const vols = (await api.nodes.$('pve').storage.$('local-lvm').content.$get({ vmid: 131 })) as unknown[];
    expect(vols).toEqual([]);
    expect(await failure(lxc(100).$delete())).toMatch(/500 unable to destroy CT 100 - container is running/);
  });

  it('starts, shuts down and stops guests as tasks', async () => {
    expect((await waitTask(api, await qemu(120).status.start.$post())).exitstatus).toBe('OK');
    expect(await qemu(120).status.current.$get()).toMatchObject({ status: 'running', qmpstatus: 'running' });
    const again = await waitTask(api, await qemu(120).status.start.$post());
    expect(again.exitstatus).toBe('VM 120 already running');
    expect((await waitTask(api, await qemu(120).status.shutdown.$post({ timeout: 30 }))).exitstatus).toBe('OK');
    expect((await qemu(120).status.current.$get()).status).toBe('stopped');
    expect(await failure(qemu(120).status.reboot.$post())).toMatch(/500 VM 120 not running/);
    expect(await failure(lxc(111).status.start.$post())).toMatch(/500 CT 111 already running/);
  });

  it('fails allocations on a full storage with PVE\'s message', async () => {
    const upid = await api.nodes.$('fun-bedbug').qemu.$post({ vmid: 140, scsi0: 'local-lvm:500' });
    const st = await waitTask(api, upid);
    expect(st.exitstatus).toMatch(/^unable to create VM 140 - not enough free space \(\d+ < 536870912000\)$/);
    expect(await failure(api.nodes.$('fun-bedbug').qemu.$(140).config.$get())).toMatch(/does not exist/);
    expect(
      await failure(api.nodes.$('fun-bedbug').storage.$('local-lvm').content.$post({ vmid: 140, filename: 'vm-140-disk-0', size: '100G' })),
    ).toMatch(/500 not enough free space/);
    const volid = await api.nodes.$('fun-bedbug').storage.$('local-lvm').content.$post({ vmid: 140, filename: 'vm-140-disk-0', size: '1G' });
    expect(volid).toBe('local-lvm:vm-140-disk-0');
    expect(await failure(api.nodes.$('fun-bedbug').storage.$('local-lvm').content.$post({ vmid: 140, filename: 'vm-141-disk-0', size: '1G' }))).toMatch(
      /illegal name 'vm-141-disk-0' - should be 'vm-140-\*'/,
    );
    const del = await api.nodes.$('fun-bedbug').storage.$('local-lvm').content.$(volid).$delete();
    expect((await waitTask(api, del)).exitstatus).toBe('OK');
  });

  it('creates a container from an ostemplate, with generated hwaddr and allocated rootfs', async () => {
    const upid = await api.nodes.$('pve').lxc.$post({
      vmid: 150,
      ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
      hostname: 'uptime-kuma',
      rootfs: 'local-lvm:8',
      mp0: 'local-lvm:2,mp=/data,backup=1',
      net0: 'name=eth0,bridge=vmbr0,ip=dhcp',
      memory: 1024,
      swap: 256,
      cores: 1,
      unprivileged: true,
      features: 'nesting=1',
      password: 'hunter22',
      'ssh-public-keys': 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE test@hl',
      start: true,
    });
    expect(upid).toMatch(/:vzcreate:150:/);
    expect((await waitTask(api, upid)).exitstatus).toBe('OK');
    const cfg = await lxc(150).config.$get();
    expect(cfg).toMatchObject({
      hostname: 'uptime-kuma', memory: 1024, swap: 256, unprivileged: 1, features: 'nesting=1', ostype: 'debian', arch: 'amd64',
      rootfs: 'local-lvm:vm-150-disk-0,size=8G', mp0: 'local-lvm:vm-150-disk-1,mp=/data,backup=1,size=2G',
    });
    expect(cfg.net0).toMatch(/^name=eth0,bridge=vmbr0,hwaddr=BC:24:11:[0-9A-F:]{8},ip=dhcp,type=veth$/);
    expect(cfg.password).toBeUndefined();
    expect((await lxc(150).status.current.$get()).status).toBe('running');
    expect(await failure(api.nodes.$('pve').lxc.$post({ vmid: 151, ostemplate: 'local:vztmpl/nope.tar.zst' }))).toMatch(
      /volume 'local:vztmpl\/nope.tar.zst' does not exist/,
    );
  });

  it('keeps restart-only container changes pending while it runs', async () => {
    await lxc(150).config.$put({ hostname: 'kuma', memory: 2048, nameserver: '192.168.4.1' });
    const current = await lxc(150).config.$get({ current: 1 });
    expect(current).toMatchObject({ hostname: 'kuma', memory: 2048 });
    expect(current.nameserver).toBeUndefined();
    expect(t.emu.world.guests['150']!.config).toContain('\n[pve:pending]\nnameserver: 192.168.4.1\n');
    expect((await lxc(150).pending.$get()).find((p: { key: string }) => p.key === 'nameserver')).toEqual({ key: 'nameserver', pending: '192.168.4.1' });
    expect(await failure(lxc(150).config.$put({ unprivileged: 0 }))).toMatch(/400 Parameter verification failed/);
    expect((await waitTask(api, await lxc(150).status.reboot.$post())).exitstatus).toBe('OK');
    expect((await lxc(150).config.$get({ current: 1 })).nameserver).toBe('192.168.4.1');
  });

  it('keeps raw host devices to root@pam: tokens must use mappings', async () => {
    expect(await failure(qemu(120).config.$put({ usb0: 'host=18d1:9302' }))).toMatch(/500 only root can set 'usb0' config for real devices/);
    await qemu(120).config.$put({ usb0: 'mapping=coral,usb3=1' });
    expect((await qemu(120).config.$get()).usb0).toBe('mapping=coral,usb3=1');
    expect(await failure(qemu(120).config.$put({ hostpci0: '0000:01:00.0,pcie=1' }))).toMatch(/only root can set 'hostpci0' config for non-mapped devices/);
    const dev = await raw(t.emu, 'PUT', '/nodes/pve/lxc/150/config', { form: { dev0: '/dev/apex_0' } });
    expect(dev.status).toBe(403);
    expect(dev.statusText).toBe('Permission check failed (configuring device passthrough is only allowed for root@pam)');
    const priv = await raw(t.emu, 'PUT', '/nodes/pve/lxc/150/config', { form: { features: 'nesting=1,keyctl=1' } });
    expect(priv.statusText).toBe('Permission check failed (changing feature flags (except nesting) is only allowed for root@pam)');
  });

  it('converts a VM to a template and linked-clones from it', async () => {
    expect((await waitTask(api, await qemu(120).status.stop.$post())).exitstatus).toBe('OK');
    await qemu(120).config.$put({ delete: 'usb0' });
    expect((await waitTask(api, await qemu(120).template.$post())).exitstatus).toBe('OK');
    const cfg = await qemu(120).config.$get();
    expect(cfg).toMatchObject({ template: 1, scsi0: 'local-lvm:base-120-disk-0,iothread=1,size=24G' });
    expect((await waitTask(api, await qemu(120).clone.$post({ newid: 121 }))).exitstatus).toBe('OK');
    expect((await qemu(121).config.$get()).scsi0).toBe('local-lvm:vm-121-disk-0,iothread=1,size=24G');
    expect((await waitTask(api, await qemu(120).clone.$post({ newid: 122, full: 1, storage: 'local-lvm' }))).exitstatus).toBe('OK');
    // the template flag of the listing comes from pvestatd's next round
    t.emu.pvestatdRound();
    const res = (await api.cluster.resources.$get({ type: 'vm' })) as { vmid: number; template: number }[];
    expect(res.find((r) => r.vmid === 120)?.template).toBe(1);
  });

  it('takes, lists, rolls back and deletes snapshots', async () => {
    await qemu(121).config.$put({ cores: 1 });
    expect((await waitTask(api, await qemu(121).snapshot.$post({ snapname: 'before', description: 'pre change' }))).exitstatus).toBe('OK');
    await qemu(121).config.$put({ cores: 6 });
    const snaps = (await qemu(121).snapshot.$get()) as { name: string; parent?: string }[];
    expect(snaps.map((s) => s.name).sort()).toEqual(['before', 'current']);
    expect(snaps.find((s) => s.name === 'current')?.parent).toBe('before');
    expect((await waitTask(api, await qemu(121).snapshot.$('before').rollback.$post())).exitstatus).toBe('OK');
    expect((await qemu(121).config.$get()).cores).toBe(1);
    expect(await failure(qemu(121).template.$post())).toMatch(/unable to create template, because VM contains snapshots/);
    expect((await waitTask(api, await qemu(121).snapshot.$('before').$delete())).exitstatus).toBe('OK');
    expect(((await qemu(121).snapshot.$get()) as unknown[]).length).toBe(1);
  });

  it('sent only requests the real PVE schema knows', (ctx) => {
    const schema = loadPveSchema();
    if (!schema) ctx.skip(`PVE API schema not found (../shared/reference/pve-api/); schema check skipped`);
    expect(checkRequests(schema!, t.emu.requestLog)).toEqual([]);
  });
});
