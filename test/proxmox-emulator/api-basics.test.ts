/**
 * The emulator answers like PVE 9 at the HTTP level: content type and envelope, auth failures
 * (tokens and tickets with CSRF), 501 for unknown methods, 400 parameter verification with
 * PVE's messages, offline nodes failing like unreachable ones (595), the seeded homelab in
 * /nodes and /cluster/resources, and nextid.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import proxmoxApi from 'proxmox-api';
import { clientFor, failure, raw, startTestEmulator, type Api, type TestEmulator } from './support/emulator-fixture.js';
import { checkRequests, loadPveSchema } from '../support/pve-schema.js';

describe('Proxmox emulator: HTTP behaviour', () => {
  let t: TestEmulator;
  let api: Api;

  beforeAll(async () => {
    t = await startTestEmulator({ users: [{ userid: 'root@pam', password: 'secret' }] });
    api = t.api;
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers with the exact PVE content type and a data envelope', async () => {
    const r = await raw(t.emu, 'GET', '/version');
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/json;charset=UTF-8');
    expect(r.json()).toEqual({ data: expect.objectContaining({ version: '9.1.3', release: '9.1' }) });
    expect(await api.version.$get()).toMatchObject({ version: '9.1.3' });
  });

  it('refuses missing and wrong credentials with 401', async () => {
    expect((await raw(t.emu, 'GET', '/nodes', { noAuth: true })).status).toBe(401);
    const noTicket = await raw(t.emu, 'GET', '/nodes', { noAuth: true });
    expect(noTicket.statusText).toBe('No ticket');
    const bad = await raw(t.emu, 'GET', '/nodes', {
      headers: { authorization: 'PVEAPIToken=hl@pve!hl=00000000-0000-0000-0000-000000000000' },
    });
    expect(bad.status).toBe(401);
    expect(bad.statusText).toBe('invalid token value!');
    const wrong = clientFor(t.emu, { tokenID: 'hl@pve!other', tokenSecret: '00000000-0000-0000-0000-000000000000' });
    expect(await failure(wrong.nodes.$get())).toMatch(/401 no such token 'other' for user 'hl@pve'/);
  });

  it('logs in with a password, returns a ticket, and requires the CSRF token for writes', async () => {
    const login = await raw(t.emu, 'POST', '/access/ticket', { noAuth: true, form: { username: 'root@pam', password: 'secret' } });
    expect(login.status).toBe(200);
    const { ticket, CSRFPreventionToken, username } = login.json().data as Record<string, string>;
    expect(username).toBe('root@pam');
    expect(ticket).toMatch(/^PVE:root@pam:[0-9A-F]{8}::/);
    const cookie = `PVEAuthCookie=${encodeURIComponent(ticket as string)}`;
    expect((await raw(t.emu, 'GET', '/nodes', { noAuth: true, headers: { cookie } })).status).toBe(200);
    const noCsrf = await raw(t.emu, 'POST', '/pools', { noAuth: true, headers: { cookie }, form: { poolid: 'p1' } });
    expect(noCsrf.status).toBe(401);
    expect(noCsrf.statusText).toBe('Permission denied - invalid csrf token');
    const ok = await raw(t.emu, 'POST', '/pools', {
      noAuth: true,
      headers: { cookie, CSRFPreventionToken: CSRFPreventionToken as string },
      form: { poolid: 'p1' },
    });
    expect(ok.status).toBe(200);
    const badLogin = await raw(t.emu, 'POST', '/access/ticket', { noAuth: true, form: { username: 'root@pam', password: 'nope' } });
    expect(badLogin.status).toBe(401);
    expect(badLogin.statusText).toBe('authentication failure');

    // The real client logs in the same way.
    const pw = proxmoxApi({ host: t.emu.host, port: t.emu.port, schema: 'http', username: 'root@pam', password: 'secret' }) as Api;
    expect((await pw.nodes.$get()).length).toBe(6);
    await pw.pools.$post({ poolid: 'p2', comment: 'via ticket' });
  });

  it('answers 501 for unknown paths and methods', async () => {
    const r = await raw(t.emu, 'GET', '/foo');
    expect(r.status).toBe(501);
    expect(r.statusText).toBe("Method 'GET /foo' not implemented");
    expect(r.contentType).toBe('application/json;charset=UTF-8');
    expect(r.json()).toEqual({ data: null, message: "Method 'GET /foo' not implemented" });
    expect((await raw(t.emu, 'DELETE', '/version')).status).toBe(501);
  });

  it('verifies parameters as PVE does (400 with an errors map)', async () => {
    const unknown = await raw(t.emu, 'GET', '/cluster/resources?type=vm&bogus=1');
    expect(unknown.status).toBe(400);
    expect(unknown.statusText).toBe('Parameter verification failed.');
    expect(unknown.json()).toEqual({
      data: null,
      message: 'Parameter verification failed.\n',
      errors: { bogus: 'property is not defined in schema and the schema does not allow additional properties' },
    });
    const badEnum = await raw(t.emu, 'GET', '/cluster/resources?type=vms');
    expect(badEnum.json().errors).toEqual({ type: "value 'vms' does not have a value in the enumeration 'vm, storage, node, sdn'" });
    const badInt = await raw(t.emu, 'GET', '/nodes/pve/qemu/abc/config');
    expect(badInt.status).toBe(400);
    expect(badInt.json().errors).toEqual({ vmid: "type check ('integer') failed - got 'abc'" });
    const tooSmall = await raw(t.emu, 'GET', '/cluster/nextid?vmid=99');
    expect(tooSmall.json().errors).toEqual({ vmid: 'value must have a minimum value of 100' });
    const badBool = await raw(t.emu, 'PUT', '/nodes/pve/qemu/101/config', { form: { onboot: 'maybe' } });
    expect(badBool.json().errors).toEqual({ onboot: "type check ('boolean') failed - got 'maybe'" });
    const badNet = await raw(t.emu, 'PUT', '/nodes/pve/qemu/101/config', { form: { net5: 'virtio,bridge=vmbr0,speed=9' } });
    expect(badNet.status).toBe(400);
    expect(badNet.json().errors?.net5).toMatch(/^invalid format - format error\nnet5.speed: property is not defined in schema/);
    const missing = await raw(t.emu, 'POST', '/nodes/pve/qemu/101/clone', { form: {} });
    expect(missing.json().errors).toEqual({ newid: 'property is missing and it is not optional' });
    // PVE's boolean words are accepted.
    const words = await raw(t.emu, 'GET', '/nodes/pve/qemu/101/config?current=yes');
    expect(words.status).toBe(200);
  });

  it('lists the six seeded nodes, two of them offline', async () => {
    const nodes = (await api.nodes.$get()) as { node: string; status: string; maxcpu?: number; maxmem?: number }[];
    const byName = Object.fromEntries(nodes.map((n) => [n.node, n]));
    expect(Object.keys(byName).sort()).toEqual(['chief-horse', 'fun-bedbug', 'pumped-piglet', 'pve', 'rapid-civet', 'still-fawn']);
    expect(byName.pve).toMatchObject({ status: 'online', maxcpu: 4 });
    expect(byName['pumped-piglet']).toMatchObject({ status: 'online', maxcpu: 12 });
    expect(Math.round(((byName['pumped-piglet']?.maxmem ?? 0) / 1024 ** 3) * 100) / 100).toBe(62.39);
    expect(byName['still-fawn']?.status).toBe('offline');
    expect(byName['rapid-civet']?.status).toBe('offline');
    const st = await api.nodes.$('chief-horse').status.$get();
    expect(st.cpuinfo.cpus).toBe(4);
  });

  it('fails requests to an offline node like an unreachable node (595)', async () => {
    const r = await raw(t.emu, 'GET', '/nodes/still-fawn/qemu');
    expect(r.status).toBe(595);
    expect(r.statusText).toBe('No route to host');
    expect(await failure(api.nodes.$('rapid-civet').status.$get())).toMatch(/595 No route to host/);
    const unknown = await raw(t.emu, 'GET', '/nodes/nowhere/qemu');
    expect(unknown.status).toBe(500);
    expect(unknown.statusText).toMatch(/^hostname lookup 'nowhere' failed/);
  });

  it('lists every guest in /cluster/resources with node, type, status and sizes', async () => {
    const vms = (await api.cluster.resources.$get({ type: 'vm' })) as Record<string, unknown>[];
    const byId = Object.fromEntries(vms.map((v) => [v.vmid as number, v]));
    expect(byId[101]).toMatchObject({ type: 'qemu', node: 'pve', name: 'OPNsense', status: 'running', maxmem: 4 * 1024 ** 3, maxdisk: 32 * 1024 ** 3, template: 0 });
    expect(byId[102]).toMatchObject({ name: 'UbuntuMAAS', maxmem: 5 * 1024 ** 3, maxdisk: 100 * 1024 ** 3 });
    expect(byId[107]).toMatchObject({ name: 'k3s-vm-pve', maxmem: 4 * 1024 ** 3, maxdisk: 200 * 1024 ** 3, tags: 'k3s' });
    expect(byId[100]).toMatchObject({ type: 'lxc', name: 'docker', status: 'running' });
    expect(byId[111]).toMatchObject({ type: 'lxc', name: 'cloudflared', status: 'running' });
    expect(byId[9000]).toMatchObject({ type: 'qemu', template: 1, status: 'stopped' });
    const storages = (await api.cluster.resources.$get({ type: 'storage' })) as Record<string, unknown>[];
    expect(storages.find((s) => s.id === 'storage/pve/local-lvm')).toMatchObject({ plugintype: 'lvmthin', content: 'images,rootdir' });
    const nodes = (await api.cluster.resources.$get({ type: 'node' })) as Record<string, unknown>[];
    expect(nodes.find((n) => n.node === 'still-fawn')).toMatchObject({ status: 'offline' });
  });

  it('hands out the next free VMID and refuses a taken one', async () => {
    expect(String(await api.cluster.nextid.$get())).toBe('103');
    expect(String(await api.cluster.nextid.$get({ vmid: 200 }))).toBe('200');
    const r = await raw(t.emu, 'GET', '/cluster/nextid?vmid=101');
    expect(r.status).toBe(400);
    expect(r.json().errors).toEqual({ vmid: 'VM 101 already exists' });
    expect(await failure(api.cluster.nextid.$get({ vmid: 100 }))).toMatch(/400 Parameter verification failed/);
  });

  it('lists storages with capacity, and host USB/PCI devices per node', async () => {
    const st = (await api.nodes.$('pve').storage.$get({ content: 'images' })) as Record<string, number | string>[];
    expect(st.map((s) => s.storage)).toEqual(['local-lvm']);
    const lvm = st[0] as Record<string, number>;
    expect(lvm.total).toBe((lvm.used as number) + (lvm.avail as number));
    const usb = (await api.nodes.$('fun-bedbug').hardware.usb.$get()) as Record<string, unknown>[];
    expect(usb).toContainEqual(expect.objectContaining({ vendid: '18d1', prodid: '9302', product: 'Coral USB Accelerator' }));
    const pci = (await api.nodes.$('pumped-piglet').hardware.pci.$get()) as Record<string, unknown>[];
    expect(pci.some((d) => String(d.device_name).includes('RTX 3070'))).toBe(true);
  });

  it('sent only requests the real PVE schema knows', (ctx) => {
    const schema = loadPveSchema();
    if (!schema) ctx.skip(`PVE API schema not found (../shared/reference/pve-api/); schema check skipped`);
    expect(checkRequests(schema!, t.emu.requestLog)).toEqual([]);
  });
});
