/**
 * Every request the provider sends conforms to the real PVE 9.1.3 API schema: path template,
 * method, parameter names (zero unknown), types, enums, patterns, and the keys of property
 * strings from their `format` sub-schemas. Each provider test file checks its own requests
 * after its tests (support/schema-check.ts, with the checker of test/support/pve-schema.ts); this file checks the checker and runs one
 * session touching every endpoint the provider uses. Skipped when the schema is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { describeViolations, loadPveSchema, PVE_SCHEMA_FILE } from '../support/pve-schema.js';
import { createResource, plan, startFixture, updateResource, type Fixture } from './support/provider-fixture.js';

const schema = loadPveSchema();
if (!schema) console.warn(`skipping the PVE schema conformance tests: ${PVE_SCHEMA_FILE} is not there`);

describe.skipIf(!schema)('PVE API schema conformance', () => {
  it('the checker finds unknown paths, methods, parameters, bad values and unknown property-string keys', () => {
    const s = schema!;
    const check = (method: string, path: string, body: Record<string, string> = {}, query: Record<string, string> = {}) =>
      s.check({
        method,
        path,
        body: Object.fromEntries(Object.entries(body).map(([k, v]) => [k, [v]])),
        query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
      }).map((v) => `${v.kind}: ${v.message}`);
    expect(check('POST', '/nodes/pve/qemu', { vmid: '120', scsi0: 'local-lvm:32,iothread=1', net0: 'virtio,bridge=vmbr0', memory: '2048' })).toEqual([]);
    expect(check('GET', '/nodes/pve/nothing')).toEqual(['unknown-path: no path template matches /nodes/pve/nothing']);
    expect(check('PATCH', '/nodes/pve/qemu')).toEqual(['unknown-method: /nodes/{node}/qemu has no PATCH']);
    expect(check('POST', '/nodes/pve/qemu', { vmid: '120', disks: 'x' })).toEqual(['unknown-parameter: /nodes/{node}/qemu POST: unknown parameter "disks"']);
    expect(check('POST', '/nodes/pve/qemu', { vmid: '120', bios: 'uefi' })[0]).toMatch(/^bad-value: bios = "uefi": not one of seabios, ovmf/);
    expect(check('POST', '/nodes/pve/qemu', { vmid: '120', net0: 'virtio,bridge=vmbr0,speed=10' })).toEqual([
      'unknown-property-key: net0: unknown key "speed" in "virtio,bridge=vmbr0,speed=10"',
    ]);
    expect(check('POST', '/nodes/pve/qemu', { vmid: '120', net0: 'virtio=BC:24:11:00:00:01,bridge=vmbr0' })).toEqual([]);
    expect(check('GET', '/cluster/resources', {}, { type: 'guests' })[0]).toMatch(/^bad-value: type = "guests"/);
    expect(check('PUT', '/nodes/pve/qemu/120/resize', { disk: 'scsi0', size: '12G' })).toEqual([]);
  });

  describe('one session through every endpoint the provider uses', () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await startFixture({ settings: { reboot: 'if-needed' } });
    });
    afterAll(async () => {
      await f.stop();
    });

    it('sends only requests the schema accepts, with zero unknown parameters', async () => {
      await f.behindTheBack((api) => api.pools.$post({ poolid: 'k3s' }));
      const vm: Attributes = {
        node: 'pve',
        name: 'schema-vm',
        cores: 2,
        sockets: 1,
        cpu: 'host',
        memory: 1024,
        balloon: 512,
        machine: 'q35',
        bios: 'seabios',
        ostype: 'l26',
        agent: true,
        onboot: true,
        scsi_hardware: 'virtio-scsi-single',
        tags: ['a', 'b'],
        description: 'schema check',
        pool: 'k3s',
        disks: { scsi0: { storage: 'local-lvm', size: '2G', iothread: true, discard: true, ssd: true, cache: 'writeback', backup: false }, virtio1: { storage: 'local-lvm', size: '1G' } },
        networks: { net0: { bridge: 'vmbr0', firewall: true, tag: 10, rate: 12.5, mtu: 1, link_down: false }, net1: { model: 'e1000', bridge: 'vmbr1', mac: 'BC:24:11:AB:CD:EF' } },
        cloud_init: { user: 'admin', password: 'pw-123', ssh_keys: ['ssh-ed25519 AAAA a@b', 'ssh-rsa BBBB c@d'], ipconfig: { ipconfig0: { ip: '10.0.0.5/24', gw: '10.0.0.1' } }, nameserver: '10.0.0.1', searchdomain: 'maas' },
        usb: { usb0: { mapping: 'coral', usb3: true } },
        hostpci: { hostpci0: { mapping: 'gpu', pcie: true, rombar: false } },
        // The mappings do not exist on this cluster: PVE would refuse to start it.
        started: false,
      };
      const a = await createResource(f, 'proxmox_vm', vm);
      const changed = {
        ...vm,
        memory: 2048,
        disks: { scsi0: { storage: 'local-lvm', size: '3G', iothread: true, discard: true, ssd: true, cache: 'writeback', backup: false } },
        networks: { net0: { bridge: 'vmbr0' } },
        usb: {},
        hostpci: {},
        pool: '',
        started: true,
      };
      const b = await updateResource(f, 'proxmox_vm', a.id, a.state, changed);
      // Running, with reboot: if-needed: a memory change restarts it (shutdown, start).
      const c2 = await updateResource(f, 'proxmox_vm', a.id, b.state, { ...changed, memory: 3072 });
      expect(c2.state).toMatchObject({ memory: 3072, pending_changes: [], status: 'running' });
      await f.provider.delete({ type: 'proxmox_vm', id: a.id, prior: c2.state });
      const clone = await createResource(f, 'proxmox_vm', { node: 'pve', name: 'schema-clone', clone: { source: 'ubuntu-24.04-cloudinit', full: false } });
      // A shutdown that fails: the delete stops the VM instead.
      f.emu.setFaults({ failTasks: [{ type: 'qmshutdown', message: 'VM quit/powerdown failed - got timeout' }] });
      await f.provider.delete({ type: 'proxmox_vm', id: clone.id, prior: clone.state });
      f.emu.setFaults({});
      const ct: Attributes = {
        node: 'pve',
        hostname: 'schema-ct',
        ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
        password: 'pw-12345',
        ssh_public_keys: ['ssh-ed25519 AAAA a@b'],
        unprivileged: true,
        cores: 1,
        memory: 256,
        swap: 0,
        ostype: 'debian',
        onboot: true,
        nameserver: '10.0.0.1',
        searchdomain: 'maas',
        tags: ['ct'],
        rootfs: { storage: 'local-lvm', size: '1G' },
        mount_points: { mp0: { storage: 'local-lvm', size: '1G', path: '/data', backup: true, read_only: false } },
        features: { nesting: true },
        networks: { net0: { bridge: 'vmbr0', ip: '10.0.0.6/24', gw: '10.0.0.1', ip6: 'auto', firewall: true, tag: 20, rate: 5, mtu: 1500 } },
      };
      const c = await createResource(f, 'proxmox_lxc', ct);
      const d = await updateResource(f, 'proxmox_lxc', c.id, c.state, { ...ct, memory: 512, rootfs: { storage: 'local-lvm', size: '2G' }, mount_points: {}, searchdomain: 'lan' });
      await f.provider.delete({ type: 'proxmox_lxc', id: c.id, prior: d.state });
      await f.provider.importResource({ type: 'proxmox_vm', id: '107' });
      const planned = plan(f, 'proxmox_lxc', null, ct).planned;
      await f.provider.checkPlan({ changes: [{ address: 'proxmox_lxc.ct', type: 'proxmox_lxc', action: 'create', prior: null, planned }] });

      const requests = f.providerRequests();
      const violations = requests.flatMap((r) => schema!.check(r));
      expect(violations, describeViolations(violations)).toEqual([]);
      const used = new Set(requests.map((r) => `${r.method} ${r.route ?? r.path}`));
      for (const endpoint of [
        'GET /cluster/resources',
        'GET /cluster/nextid',
        'POST /nodes/{node}/qemu',
        'POST /nodes/{node}/qemu/{vmid}/clone',
        'GET /nodes/{node}/qemu/{vmid}/config',
        'POST /nodes/{node}/qemu/{vmid}/config',
        'GET /nodes/{node}/qemu/{vmid}/pending',
        'PUT /nodes/{node}/qemu/{vmid}/resize',
        'POST /nodes/{node}/qemu/{vmid}/status/start',
        'POST /nodes/{node}/qemu/{vmid}/status/shutdown',
        'POST /nodes/{node}/qemu/{vmid}/status/stop',
        'DELETE /nodes/{node}/qemu/{vmid}',
        'POST /nodes/{node}/lxc',
        'PUT /nodes/{node}/lxc/{vmid}/config',
        'PUT /nodes/{node}/lxc/{vmid}/resize',
        'DELETE /nodes/{node}/lxc/{vmid}',
        'GET /nodes/{node}/tasks/{upid}/status',
        'PUT /pools',
        'GET /nodes/{node}/storage',
        'GET /nodes/{node}/network',
        'GET /nodes/{node}/storage/{storage}/content',
      ]) {
        expect(used, endpoint).toContain(endpoint);
      }
    });
  });
});
