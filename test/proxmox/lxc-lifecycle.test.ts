/**
 * proxmox_lxc against the emulator over HTTP: create from a template, update in place
 * (hot-plugged memory, hostname), a feature change that waits for a restart, rootfs growth,
 * shrink → replacement, mount points, import of the seeded docker container, delete.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { isUnknown } from '../../src/core/value.js';
import { checkRequestsAfterAll } from './support/schema-check.js';
import { createResource, guestConfigText, plan, startFixture, updateResource, type Fixture } from './support/provider-fixture.js';

const T = 'proxmox_lxc';
const TEMPLATE = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';

const BASE: Attributes = {
  node: 'pve',
  hostname: 'pihole',
  ostemplate: TEMPLATE,
  unprivileged: true,
  cores: 1,
  memory: 512,
  swap: 256,
  password: 'correct-horse',
  ssh_public_keys: ['ssh-ed25519 AAAAC3Nza admin@hl'],
  rootfs: { storage: 'local-lvm', size: '4G' },
  features: { nesting: true },
  networks: { net0: { bridge: 'vmbr0', ip: '192.168.4.53/24', gw: '192.168.4.1', firewall: true } },
  tags: ['dns'],
};

checkRequestsAfterAll();

describe('proxmox_lxc lifecycle', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(async () => {
    await f.stop();
  });

  it('creates a container from a template and plans no change afterwards', async () => {
    const p = plan(f, T, null, BASE);
    expect(p.problems).toEqual([]);
    const { id, state } = await createResource(f, T, BASE);
    expect(state).toMatchObject({
      hostname: 'pihole',
      unprivileged: true,
      memory: 512,
      swap: 256,
      status: 'running',
      ostemplate: TEMPLATE,
      rootfs: { storage: 'local-lvm', size: '4G', volume: `local-lvm:vm-${state.vmid}-disk-0` },
      features: { nesting: true, keyctl: false, fuse: false, mknod: false, mount: [] },
      networks: { net0: { name: 'eth0', bridge: 'vmbr0', ip: '192.168.4.53/24', gw: '192.168.4.1', firewall: true } },
    });
    expect(((state.networks as Attributes).net0 as Attributes).mac).toMatch(/^BC:24:11/);
    const create = f.providerRequests().findLast((r) => r.method === 'POST' && r.path === '/nodes/pve/lxc');
    expect(create?.body).toMatchObject({ ostemplate: [TEMPLATE], password: ['correct-horse'], unprivileged: ['1'], rootfs: ['local-lvm:4'] });
    expect(create?.body['ssh-public-keys']).toEqual(['ssh-ed25519 AAAAC3Nza admin@hl']);
    expect(plan(f, T, state, BASE).planned).toEqual(state);
    // The password is used at creation only: a change is noted, not applied.
    const changed = plan(f, T, state, { ...BASE, password: 'another-one' });
    expect(changed.planned.password).toBe('correct-horse');
    expect(changed.notes).toContain('password is only used when the guest is created; the change is not applied');
    await f.provider.delete({ type: T, id, prior: state });
  });

  it('updates a running container in place (memory, hostname, tags) and leaves a DNS change pending', async () => {
    const { id, state } = await createResource(f, T, BASE);
    const { state: a, plan: p1 } = await updateResource(f, T, id, state, { ...BASE, memory: 1024, hostname: 'pihole-2', tags: ['dns', 'lan'] });
    expect(p1.notes).toEqual([]);
    expect(a).toMatchObject({ memory: 1024, hostname: 'pihole-2', tags: ['dns', 'lan'], pending_changes: [] });
    const config = { ...BASE, memory: 1024, hostname: 'pihole-2', tags: ['dns', 'lan'], nameserver: '192.168.4.1' };
    const p2 = plan(f, T, a, config);
    expect(p2.notes.join('\n')).toMatch(/^nameserver unset → 192.168.4.1: the running container takes this change only at its next start; reboot policy "never"/);
    expect(isUnknown(p2.planned.pending_changes)).toBe(true);
    const { state: b } = await updateResource(f, T, id, a, config);
    expect(b.pending_changes).toEqual(['nameserver']);
    expect(b.nameserver).toBe('192.168.4.1');
    await f.provider.delete({ type: T, id, prior: b });
  });

  it('reports feature changes only root@pam may make as plan errors when using a token', async () => {
    const { id, state } = await createResource(f, T, { ...BASE, started: false });
    const p = plan(f, T, state, { ...BASE, started: false, features: { nesting: true, keyctl: true } });
    expect(p.problems.map((x) => x.message)).toEqual([
      'features keyctl: changing feature flags other than nesting is only allowed for root@pam logged in with a password (this provider uses an API token)',
    ]);
    // nesting alone is allowed.
    expect(plan(f, T, state, { ...BASE, started: false, features: { nesting: false } }).problems).toEqual([]);
    await f.provider.delete({ type: T, id, prior: state });
  });

  it('lets root@pam (password, ticket auth) change features of a running container, pending until restart', async () => {
    const g = await startFixture({ asRoot: true });
    try {
      const { id, state } = await createResource(g, T, BASE);
      const config = { ...BASE, features: { nesting: true, keyctl: true } };
      const p = plan(g, T, state, config);
      expect(p.problems).toEqual([]);
      expect(p.notes.join('\n')).toMatch(/^features: the running container takes this change only at its next start/);
      const { state: b } = await updateResource(g, T, id, state, config);
      expect(b.pending_changes).toEqual(['features']);
      expect((b.features as Attributes).keyctl).toBe(true);
      expect(g.providerRequests().some((r) => r.path === '/access/ticket')).toBe(true);
      await g.provider.delete({ type: T, id, prior: b });
    } finally {
      await g.stop();
    }
  });

  it('grows the rootfs, plans a shrink as a replacement, and adds and removes a mount point', async () => {
    const { id, state } = await createResource(f, T, { ...BASE, started: false });
    const grown = { ...BASE, started: false, rootfs: { storage: 'local-lvm', size: '6G' } };
    const { state: a } = await updateResource(f, T, id, state, grown);
    expect((a.rootfs as Attributes).size).toBe('6G');
    expect(f.providerRequests().findLast((r) => r.method === 'PUT' && r.path.endsWith(`/lxc/${state.vmid}/resize`))?.body).toMatchObject({
      disk: ['rootfs'],
      size: ['6G'],
    });
    const shrink = plan(f, T, a, { ...BASE, started: false, rootfs: { storage: 'local-lvm', size: '2G' } });
    expect(shrink.requiresReplace).toEqual([{ path: ['rootfs', 'size'], reason: 'rootfs.size cannot shrink from 6G to 2G: Proxmox only grows disks' }]);
    const template = plan(f, T, a, { ...grown, ostemplate: 'local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz' });
    expect(template.requiresReplace.map((r) => r.path)).toEqual([['ostemplate']]);

    const withMp = { ...grown, mount_points: { mp0: { storage: 'local-lvm', size: '2G', path: '/srv/data', backup: true } } };
    const { state: b } = await updateResource(f, T, id, a, withMp);
    expect((b.mount_points as Attributes).mp0).toMatchObject({ storage: 'local-lvm', size: '2G', path: '/srv/data', backup: true });
    expect(plan(f, T, b, withMp).planned).toEqual(b);
    const { state: c } = await updateResource(f, T, id, b, { ...grown, mount_points: {} });
    expect(c.mount_points).toEqual({});
    expect(guestConfigText(f, state.vmid as number)).not.toMatch(/^(mp0|unused\d+):/m);
    const mpVolume = ((b.mount_points as Attributes).mp0 as Attributes).volume as string;
    expect(f.emu.world.nodes.flatMap((n) => n.storages).flatMap((s) => s.volumes).some((v) => v.volid === mpVolume)).toBe(false);
    await f.provider.delete({ type: T, id, prior: c });
  });

  it('imports the seeded docker container by node/vmid', async () => {
    const imported = await f.provider.importResource({ type: T, id: 'pve/100' });
    expect(imported.resource?.id).toBe('pve/100');
    expect(imported.resource?.state).toMatchObject({
      hostname: 'docker',
      memory: 4096,
      swap: 512,
      unprivileged: true,
      features: { nesting: true, keyctl: true },
      rootfs: { storage: 'local-lvm', size: '32G' },
      networks: { net0: { name: 'eth0', mac: 'BC:24:11:D0:C1:00', ip: 'dhcp', firewall: true } },
      ostemplate: null,
    });
    expect((await f.provider.importResource({ type: T, id: '101' })).resource).toBeNull();
    // Recording the template of an imported container does not replace it.
    const p = plan(f, T, imported.resource!.state, { node: 'pve', hostname: 'docker', ostemplate: TEMPLATE });
    expect(p.requiresReplace).toEqual([]);
    expect(p.notes).toContain('ostemplate is only used when a container is created; for this existing container it is recorded');
  });

  it('deletes a running container: shutdown, then purge', async () => {
    const { id, state } = await createResource(f, T, BASE);
    const mark = f.providerRequests().length;
    await f.provider.delete({ type: T, id, prior: state });
    const seq = f.providerRequests().slice(mark).map((r) => `${r.method} ${r.path}`);
    expect(seq.indexOf(`POST /nodes/pve/lxc/${state.vmid}/status/shutdown`)).toBeGreaterThan(-1);
    expect(seq).not.toContain(`POST /nodes/pve/lxc/${state.vmid}/status/stop`);
    expect(seq.findIndex((s) => s.startsWith(`DELETE /nodes/pve/lxc/${state.vmid}`))).toBeGreaterThan(seq.indexOf(`POST /nodes/pve/lxc/${state.vmid}/status/shutdown`));
    expect(f.emu.world.guests[String(state.vmid)]).toBeUndefined();
    expect((await f.provider.read({ type: T, id, prior: state })).state).toBeNull();
  });
});
