/**
 * The emulator against the real PVE 9.1.3 API schema (read from ../shared/reference/pve-api/,
 * never copied into the project): every emulated endpoint exists with the same parameters,
 * types and required-ness, its property-string keys are real ones, and a tour of the endpoints
 * not covered by the other files only sends requests the schema knows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator } from '../../providers/pve/emulator/auth.js';
import { emulatorRoutes } from '../../providers/pve/emulator/start-emulator.js';
import { failure, raw, startTestEmulator, waitTask, type Api, type TestEmulator } from './support/emulator-fixture.js';
import { checkRequests, loadPveSchema, type SchemaProp } from '../support/pve-schema.js';

const schema = loadPveSchema();
const routes = emulatorRoutes(new Authenticator([], [], () => 'k', () => 'c', () => 0));

describe.skipIf(!schema)('Proxmox emulator: conformance with the real PVE API schema', () => {
  it('emulates only endpoints and methods that exist in PVE', () => {
    const missing = routes
      .filter((r) => {
        const ep = schema!.endpoints.find((e) => e.path === r.path);
        return !ep || !ep.methods[r.method];
      })
      .map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
  });

  it('declares the same parameters as PVE, with the same types and required-ness', () => {
    const problems: string[] = [];
    for (const r of routes) {
      const props = schema!.endpoints.find((e) => e.path === r.path)?.methods[r.method]?.parameters?.properties ?? {};
      for (const [name, def] of Object.entries(r.params)) {
        const real = props[name];
        if (!real) {
          problems.push(`${r.method} ${r.path}: '${name}' is not a PVE parameter`);
          continue;
        }
        if ((real.type ?? 'string') !== def.type) problems.push(`${r.method} ${r.path}: '${name}' is ${def.type}, PVE says ${real.type}`);
        const realOptional = !!real.optional || name.endsWith('[n]');
        if (!!def.optional !== realOptional && def.indexCount === undefined) {
          problems.push(`${r.method} ${r.path}: '${name}' optional=${!!def.optional}, PVE optional=${realOptional}`);
        }
        if (def.enum && real.enum && [...def.enum].sort().join() !== [...real.enum].map(String).sort().join()) {
          problems.push(`${r.method} ${r.path}: '${name}' enum differs`);
        }
        const fmt = def.propertyFormat;
        if (fmt?.keys && typeof real.format === 'object') {
          const realKeys = real.format as Record<string, SchemaProp & { alias?: string }>;
          for (const k of Object.keys(fmt.keys)) {
            if (!realKeys[k]) problems.push(`${r.method} ${r.path}: '${name}' property-string key '${k}' is not a PVE key`);
            else if (!realKeys[k]!.alias && (realKeys[k]!.type ?? 'string') !== (fmt.keys[k]!.type === 'size' ? 'string' : fmt.keys[k]!.type)) {
              problems.push(`${r.method} ${r.path}: '${name}.${k}' is ${fmt.keys[k]!.type}, PVE says ${realKeys[k]!.type}`);
            }
          }
          for (const [k, spec] of Object.entries(realKeys)) {
            const known = fmt.keys[k] || fmt.aliases?.[k] || fmt.keyAlias?.keys.includes(k) || spec.alias;
            if (!known) problems.push(`${r.method} ${r.path}: '${name}' lacks PVE property-string key '${k}'`);
          }
        }
      }
      for (const name of Object.keys(props)) {
        if (!r.params[name]) problems.push(`${r.method} ${r.path}: PVE parameter '${name}' is not accepted`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe.skipIf(!schema)('Proxmox emulator: a tour of the remaining endpoints', () => {
  let t: TestEmulator;
  let api: Api;
  beforeAll(async () => {
    t = await startTestEmulator({ users: [{ userid: 'root@pam', password: 'pw' }] });
    api = t.api;
  });
  afterAll(async () => {
    await t.close();
  });

  it('handles pools, tasks, storage details, indexes and container templates', async () => {
    await api.pools.$post({ poolid: 'k3s', comment: 'kubernetes' });
    expect(await failure(api.pools.$post({ poolid: 'k3s' }))).toMatch(/pool 'k3s' already exists/);
    const clone = await api.nodes.$('pve').qemu.$(9000).clone.$post({ newid: 180, name: 'k3s-a', pool: 'k3s' });
    await waitTask(api, clone);
    await api.pools.$put({ poolid: 'k3s', vms: '107' });
    expect((await api.pools.$('k3s').$get()).members.map((m: { vmid: number }) => m.vmid).sort()).toEqual([107, 180]);
    expect((await api.pools.$get({ poolid: 'k3s' }))[0].members.length).toBe(2);
    expect(((await api.cluster.resources.$get({ type: 'vm' })) as { vmid: number; pool?: string }[]).find((v) => v.vmid === 180)?.pool).toBe('k3s');
    expect(await failure(api.pools.$delete({ poolid: 'k3s' }))).toMatch(/pool 'k3s' is not empty/);
    await api.pools.$('k3s').$put({ vms: '107,180', delete: 1 });
    await api.pools.$('k3s').$delete();
    expect(await api.pools.$get()).toEqual([]);

    const tasks = (await api.nodes.$('pve').tasks.$get({ vmid: 9000 })) as { upid: string; status: string }[];
    expect(tasks[0]).toMatchObject({ upid: clone, status: 'OK' });
    expect((await api.nodes.$('pve').tasks.$(clone).$get()).length).toBe(2);
    const wrongNode = await raw(t.emu, 'GET', `/nodes/chief-horse/tasks/${clone}/status`);
    expect(wrongNode.status).toBe(400);
    expect(wrongNode.json().errors).toEqual({ upid: 'no such task' });

    const status = await api.nodes.$('pve').storage.$('local-lvm').status.$get();
    expect(status).toMatchObject({ type: 'lvmthin', active: 1 });
    expect(await api.nodes.$('pve').storage.$('local-lvm').content.$('vm-101-disk-0').$get()).toMatchObject({ size: 32 * 1024 ** 3, format: 'raw' });
    const tmpl = (await api.nodes.$('pve').storage.$('local').content.$get({ content: 'vztmpl' })) as { volid: string }[];
    expect(tmpl.map((v) => v.volid)).toContain('local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst');
    expect((await api.nodes.$('pve').$get()).length).toBeGreaterThan(10);
    expect(await api.nodes.$('pve').hardware.$get()).toEqual([{ type: 'pci' }, { type: 'usb' }]);
    expect((await api.nodes.$('pve').qemu.$(101).$get()).length).toBeGreaterThan(5);
    expect((await api.nodes.$('pve').qemu.$(101).status.$get()).map((s: { subdir: string }) => s.subdir)).toContain('current');
    expect((await api.cluster.status.$get())[0]).toMatchObject({ type: 'cluster', quorate: 1 });
    expect(((await api.nodes.$('pve').qemu.$get()) as { vmid: number }[]).map((v) => v.vmid).sort()).toEqual([101, 102, 107, 180, 9000]);
    expect(((await api.nodes.$('pve').lxc.$get()) as { vmid: number }[]).map((v) => v.vmid).sort()).toEqual([100, 111]);

    // Container: create, template, linked clone, snapshot.
    await waitTask(api, await api.nodes.$('pve').lxc.$post({ vmid: 181, ostemplate: 'local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz', rootfs: 'local-lvm:1', net0: 'name=eth0,bridge=vmbr0,ip=dhcp' }));
    expect((await api.nodes.$('pve').lxc.$(181).config.$get()).ostype).toBe('alpine');
    expect(await api.nodes.$('pve').lxc.$(181).template.$post()).toBeNull();
    expect((await api.nodes.$('pve').lxc.$(181).config.$get()).rootfs).toBe('local-lvm:base-181-disk-0,size=1G');
    await waitTask(api, await api.nodes.$('pve').lxc.$(181).clone.$post({ newid: 182, hostname: 'alpine-linked' }));
    const linked = await api.nodes.$('pve').lxc.$(182).config.$get();
    expect(linked).toMatchObject({ hostname: 'alpine-linked', rootfs: 'local-lvm:vm-182-disk-0,size=1G' });
    await waitTask(api, await api.nodes.$('pve').lxc.$(182).snapshot.$post({ snapname: 'clean' }));
    expect(await api.nodes.$('pve').lxc.$(182).snapshot.$('clean').config.$get()).toMatchObject({ hostname: 'alpine-linked' });
    expect(await api.nodes.$('pve').lxc.$(182).snapshot.$('clean').$get()).toEqual([{ cmd: 'rollback' }, { cmd: 'config' }]);
    expect((await api.nodes.$('pve').lxc.$(182).config.$get({ snapshot: 'clean' })).hostname).toBe('alpine-linked');
    await waitTask(api, await api.nodes.$('pve').lxc.$(182).status.start.$post());
    await waitTask(api, await api.nodes.$('pve').lxc.$(182).status.shutdown.$post({ timeout: 10 }));
    await waitTask(api, await api.nodes.$('pve').lxc.$(182).$delete({ purge: 1 }));
    expect((await api.nodes.$('pve').lxc.$(181).status.current.$get())).toMatchObject({ status: 'stopped', template: 1 });
  });

  it('sent only requests the real PVE schema knows', () => {
    expect(checkRequests(schema!, t.emu.requestLog)).toEqual([]);
  });
});
