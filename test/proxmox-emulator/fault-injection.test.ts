/**
 * Fault injection: latency, seeded transient 500s, dropped connections (before and after the
 * work is done), config lock contention ("got timeout"), task failures and warnings, and the
 * control API that sets them at run time.
 */
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { failure, raw, startTestEmulator, waitTask, type Api, type TestEmulator } from './support/emulator-fixture.js';
import { checkRequests, loadPveSchema } from '../support/pve-schema.js';

async function control(t: TestEmulator, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.emu.url}/_emulator${path}`, { method, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

describe('Proxmox emulator: fault injection', () => {
  let t: TestEmulator;
  let api: Api;

  beforeAll(async () => {
    t = await startTestEmulator();
    api = t.api;
  });
  afterEach(() => t.emu.setFaults({}));
  afterAll(async () => {
    await t.close();
  });

  it('adds latency to every call', async () => {
    t.emu.setFaults({ latencyMs: 120 });
    const started = Date.now();
    await api.version.$get();
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
  });

  it('injects transient 500s at a seeded rate, reproducibly', async () => {
    t.emu.setFaults({ transient500Rate: 1, pathPattern: '^/version$' });
    const r = await raw(t.emu, 'GET', '/version');
    expect(r.status).toBe(500);
    expect(r.statusText).toBe('got no worker upid - start worker failed');
    expect(r.json()).toEqual({ data: null, message: 'got no worker upid - start worker failed\n' });
    expect((await raw(t.emu, 'GET', '/nodes')).status).toBe(200);

    const run = async (): Promise<number[]> => {
      t.emu.setFaults({ transient500Rate: 0.5, seed: 42, pathPattern: '^/version$' });
      const out: number[] = [];
      for (let i = 0; i < 16; i++) out.push((await raw(t.emu, 'GET', '/version')).status);
      return out;
    };
    const first = await run();
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it('drops connections without answering; the client sees a network error', async () => {
    t.emu.setFaults({ dropConnectionRate: 1, pathPattern: '^/version$' });
    expect(await failure(raw(t.emu, 'GET', '/version'))).toMatch(/socket hang up|ECONNRESET/);
    expect(await failure(api.version.$get())).toMatch(/FaILED to call GET/);
    const dropped = t.emu.requestLog.filter((r) => r.dropped === 'request');
    expect(dropped.length).toBeGreaterThanOrEqual(3);
  });

  it('can lose the answer after doing the work: a retried create then finds the VM', async () => {
    t.emu.setFaults({ dropResponseRate: 1, methods: ['POST'], pathPattern: '^/nodes/pve/qemu$' });
    // proxmox-api retries once after a network error: the second POST meets the first one's VM.
    const msg = await failure(api.nodes.$('pve').qemu.$post({ vmid: 160, name: 'lost-answer' }));
    expect(msg).toMatch(/FaILED to call POST|already exists/);
    t.emu.setFaults({});
    const res = (await api.cluster.resources.$get({ type: 'vm' })) as { vmid: number }[];
    expect(res.some((r) => r.vmid === 160)).toBe(true);
  });

  it('makes config writes wait for a contended lock, failing with "got timeout" past the limit', async () => {
    t.emu.setFaults({ lockContentionRate: 1, lockContentionMs: 400, lockTimeoutMs: 150 });
    const started = Date.now();
    expect(await failure(api.nodes.$('pve').qemu.$(101).config.$put({ description: 'x' }))).toMatch(
      /500 can't lock file '\/var\/lock\/qemu-server\/lock-101.conf' - got timeout/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(await failure(api.nodes.$('pve').lxc.$(111).config.$put({ description: 'x' }))).toMatch(
      /can't lock file '\/run\/lock\/lxc\/pve-config-111.lock' - got timeout/,
    );
    t.emu.setFaults({ lockContentionRate: 1, lockContentionMs: 50, lockTimeoutMs: 1000 });
    await api.nodes.$('pve').qemu.$(101).config.$put({ description: 'contended but ok' });
    expect((await api.nodes.$('pve').qemu.$(101).config.$get()).description).toBe('contended but ok');
  });

  it('times out a config write while a task holds the guest lock', async () => {
    t.emu.setFaults({ taskDurationByType: { resize: 600 }, lockTimeoutMs: 100 });
    const upid = await api.nodes.$('pve').qemu.$(102).resize.$put({ disk: 'scsi0', size: '+1G' });
    expect(await failure(api.nodes.$('pve').qemu.$(102).config.$put({ description: 'busy' }))).toMatch(/lock-102.conf' - got timeout/);
    expect((await waitTask(api, upid)).exitstatus).toBe('OK');
    await api.nodes.$('pve').qemu.$(102).config.$put({ description: 'free again' });
  });

  it('fails tasks on demand, undoing their work', async () => {
    t.emu.setFaults({ failTasks: [{ type: 'qmcreate', message: 'storage migration failed: emulated', count: 1 }] });
    const st = await waitTask(api, await api.nodes.$('pve').qemu.$post({ vmid: 161, scsi0: 'local-lvm:1' }));
    expect(st).toMatchObject({ status: 'stopped', exitstatus: 'storage migration failed: emulated' });
    expect(await failure(api.nodes.$('pve').qemu.$(161).config.$get())).toMatch(/does not exist/);
    expect((await api.nodes.$('pve').storage.$('local-lvm').content.$get({ vmid: 161 })).length).toBe(0);
    const ok = await waitTask(api, await api.nodes.$('pve').qemu.$post({ vmid: 161, scsi0: 'local-lvm:1' }));
    expect(ok.exitstatus).toBe('OK');

    t.emu.setFaults({ taskFailureRate: 1 });
    const random = await waitTask(api, await api.nodes.$('pve').qemu.$(161).status.start.$post());
    expect(random.exitstatus).toBe("command 'emulated failure' failed: exit code 1");
    expect((await api.nodes.$('pve').qemu.$(161).status.current.$get()).status).toBe('stopped');
  });

  it('can answer "no such task" right after dispatch, as a busy PVE node may', async () => {
    t.emu.setFaults({ taskStatusUnknownMs: 500, taskDurationMs: 50 });
    const upid = await api.nodes.$('pve').qemu.$(161).status.start.$post();
    const early = await raw(t.emu, 'GET', `/nodes/pve/tasks/${upid}/status`);
    expect(early.status).toBe(400);
    expect(early.json().errors).toEqual({ upid: 'no such task' });
    await new Promise((r) => setTimeout(r, 550));
    expect((await waitTask(api, upid)).exitstatus).toBe('OK');
  });

  it('reports task warnings as "WARNINGS: N"', async () => {
    const st = await waitTask(api, await api.nodes.$('pve').qemu.$(161).config.$post({ delete: 'balloon' }));
    expect(st.exitstatus).toBe('WARNINGS: 1');
  });

  it('exposes a control API: faults, world, nodes, reset', async () => {
    const set = await control(t, 'POST', '/faults', { latencyMs: 5, transient500Rate: 0 });
    expect(set).toMatchObject({ status: 200, json: { latencyMs: 5 } });
    expect((await control(t, 'GET', '/faults')).json).toMatchObject({ latencyMs: 5 });
    const world = (await control(t, 'GET', '/world')).json as { nodes: { name: string }[]; guests: Record<string, unknown> };
    expect(world.nodes.map((n) => n.name)).toContain('still-fawn');
    expect(world.guests['161']).toBeDefined();
    await control(t, 'POST', '/nodes/still-fawn', { online: true });
    expect((await raw(t.emu, 'GET', '/nodes/still-fawn/qemu')).status).toBe(200);
    t.emu.setNodeOnline('still-fawn', false);
    expect((await raw(t.emu, 'GET', '/nodes/still-fawn/qemu')).status).toBe(595);
    expect((await control(t, 'GET', '/nope')).status).toBe(404);
  });

  it('sent only requests the real PVE schema knows', (ctx) => {
    const schema = loadPveSchema();
    if (!schema) ctx.skip(`PVE API schema not found (../shared/reference/pve-api/); schema check skipped`);
    expect(checkRequests(schema!, t.emu.requestLog)).toEqual([]);
  });

  it('resets the world through the control API', async () => {
    await control(t, 'POST', '/reset', { seed: 'empty' });
    expect((await api.cluster.resources.$get({ type: 'vm' })).length).toBe(0);
    await control(t, 'POST', '/reset', { seed: 'homelab' });
    expect((await api.cluster.resources.$get({ type: 'vm' })).length).toBe(8);
  });
});
