/**
 * The world file (atomic JSON, reloaded by a new emulator on the same file, noticed by a second
 * emulator sharing it, tasks of a vanished process ending as "unexpected status") and HTTPS
 * with the fixture certificate (CA file and SHA-256 fingerprint pinning through a custom fetch).
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import proxmoxApi from 'proxmox-api';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_TOKEN_ID,
  DEFAULT_TOKEN_SECRET,
  startProxmoxEmulator,
  type ProxmoxEmulator,
} from '../../providers/pve/emulator/start-emulator.js';
import { clientFor, failure, waitTask, type Api } from './support/emulator-fixture.js';
import { checkRequests, loadPveSchema } from '../support/pve-schema.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/tls/', import.meta.url));
const CERT = readFileSync(join(FIXTURES, 'pve-emulator.crt'), 'utf8');
const KEY = readFileSync(join(FIXTURES, 'pve-emulator.key'), 'utf8');

describe('Proxmox emulator: persistence', () => {
  const dirs: string[] = [];
  const emus: ProxmoxEmulator[] = [];
  const logs: ProxmoxEmulator['requestLog'][] = [];
  const tempDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'hl-pve-persist-'));
    dirs.push(d);
    return d;
  };
  const start = async (worldFile: string, taskDurationMs = 20, orphanedCreates?: 'roll-back'): Promise<ProxmoxEmulator> => {
    const emu = await startProxmoxEmulator({ port: 0, worldFile, taskDurationMs, ...(orphanedCreates ? { orphanedCreates } : {}) });
    emus.push(emu);
    logs.push(emu.requestLog);
    return emu;
  };
  afterEach(async () => {
    for (const e of emus.splice(0)) await e.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('keeps the world across a restart on the same file', async () => {
    const file = join(tempDir(), 'world.json');
    const a = await start(file);
    const apiA = clientFor(a);
    await waitTask(apiA, await apiA.nodes.$('pumped-piglet').qemu.$post({ vmid: 170, name: 'k3s-vm-piglet', scsi0: 'local-zfs:40', net0: 'virtio,bridge=vmbr0' }));
    await apiA.nodes.$('pumped-piglet').qemu.$(170).config.$put({ cores: 4 });
    const before = await apiA.nodes.$('pumped-piglet').qemu.$(170).config.$get();
    await a.close();
    expect(readdirSync(join(file, '..')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { format: string; guests: Record<string, { config: string }> };
    expect(json.format).toBe('hl-pve-emulator-world');
    expect(json.guests['170']?.config).toMatch(/^cores: 4$/m);

    const b = await start(file);
    const apiB = clientFor(b);
    const after = await apiB.nodes.$('pumped-piglet').qemu.$(170).config.$get();
    expect(after).toEqual(before);
    expect(after.scsi0).toBe('local-zfs:vm-170-disk-0,size=40G');
  });

  it('lets a second emulator on the same file see changes made by the first', async () => {
    const file = join(tempDir(), 'world.json');
    const a = await start(file);
    const b = await start(file);
    await clientFor(a).nodes.$('pve').qemu.$(102).config.$put({ description: 'changed behind hl' });
    expect((await clientFor(b).nodes.$('pve').qemu.$(102).config.$get()).description).toBe('changed behind hl');
  });

  it('ends tasks of a vanished emulator as "unexpected status", leaving the guest lock', async () => {
    const file = join(tempDir(), 'world.json');
    const a = await start(file, 60_000);
    const upid = await clientFor(a).nodes.$('pve').qemu.$(9000).clone.$post({ newid: 171, name: 'interrupted' });
    await a.close();
    const b = await start(file);
    const apiB: Api = clientFor(b);
    expect(await apiB.nodes.$('pve').tasks.$(upid).status.$get()).toMatchObject({ status: 'stopped', exitstatus: 'unexpected status' });
    expect((await apiB.nodes.$('pve').qemu.$(171).config.$get()).lock).toBe('clone');
    expect(await failure(apiB.nodes.$('pve').qemu.$(171).config.$put({ cores: 2 }))).toMatch(/VM is locked \(clone\)/);
  });

  it('rolls back creates and clones of a vanished emulator when asked to (the embedded emulator)', async () => {
    const file = join(tempDir(), 'world.json');
    const a = await start(file, 60_000);
    const apiA = clientFor(a);
    const clone = await apiA.nodes.$('pve').qemu.$(9000).clone.$post({ newid: 172, name: 'interrupted-clone' });
    const create = await apiA.nodes.$('pve').lxc.$post({ vmid: 173, ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', rootfs: 'local-lvm:4' });
    await a.close();
    const b = await start(file, 20, 'roll-back');
    const apiB: Api = clientFor(b);
    for (const upid of [clone, create]) {
      expect(await apiB.nodes.$('pve').tasks.$(upid).status.$get()).toMatchObject({ status: 'stopped', exitstatus: 'unexpected status' });
    }
    const vmids = ((await apiB.cluster.resources.$get({ type: 'vm' })) as { vmid: number }[]).map((g) => g.vmid);
    expect(vmids).not.toContain(172);
    expect(vmids).not.toContain(173);
    // the source template is untouched and the VMIDs are free again
    expect(vmids).toContain(9000);
    await waitTask(apiB, await apiB.nodes.$('pve').qemu.$(9000).clone.$post({ newid: 172, name: 'second-try' }));
    expect((await apiB.nodes.$('pve').qemu.$(172).config.$get()).name).toBe('second-try');
  });

  it('seeds an empty cluster on request', async () => {
    const emu = await startProxmoxEmulator({ port: 0, seed: 'empty' });
    emus.push(emu);
    logs.push(emu.requestLog);
    const api = clientFor(emu);
    expect(await api.cluster.resources.$get({ type: 'vm' })).toEqual([]);
    expect(((await api.nodes.$get()) as unknown[]).length).toBe(6);
  });

  it('sent only requests the real PVE schema knows', (ctx) => {
    const schema = loadPveSchema();
    if (!schema) ctx.skip(`PVE API schema not found (../shared/reference/pve-api/); schema check skipped`);
    expect(checkRequests(schema!, logs.flat())).toEqual([]);
  });
});

describe('Proxmox emulator: HTTPS', () => {
  let emu: ProxmoxEmulator | undefined;
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
  });

  const clientWith = (e: ProxmoxEmulator, dispatcher: Agent): Api =>
    proxmoxApi({
      host: '127.0.0.1',
      port: e.port,
      schema: 'https',
      tokenID: DEFAULT_TOKEN_ID,
      tokenSecret: DEFAULT_TOKEN_SECRET,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      fetch: ((url: any, init: any) => undiciFetch(url, { ...init, dispatcher })) as any,
    });

  const pinned = (fingerprint: string): Agent => {
    const connector = buildConnector({ rejectUnauthorized: false });
    return new Agent({
      connect: (opts, cb) =>
        connector(opts, (err, socket) => {
          if (err || !socket) return cb(err ?? new Error('no socket'), null);
          const fp = (socket as TLSSocket).getPeerCertificate().fingerprint256;
          if (fp !== fingerprint) {
            socket.destroy();
            return cb(new Error(`certificate fingerprint mismatch: ${fp}`), null);
          }
          return cb(null, socket);
        }),
    });
  };

  it('serves HTTPS with the given certificate, verifiable with the CA file', async () => {
    emu = await startProxmoxEmulator({ port: 0, tls: { cert: CERT, key: KEY } });
    expect(emu.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const api = clientWith(emu, new Agent({ connect: { ca: CERT } }));
    expect(await api.version.$get()).toMatchObject({ version: '9.1.3' });
    const untrusted = clientWith(emu, new Agent());
    expect(await failure(untrusted.version.$get())).toMatch(/FaILED to call GET/);
  });

  it('allows pinning the SHA-256 fingerprint instead of a CA', async () => {
    emu = await startProxmoxEmulator({ port: 0, tls: { cert: CERT, key: KEY } });
    const fingerprint = new X509Certificate(CERT).fingerprint256;
    expect(fingerprint).toBe('BB:AE:A9:A7:A7:E3:23:74:EC:2F:0B:23:63:34:19:AD:3C:DC:7D:5F:6F:EF:F2:05:0D:27:FC:B1:D1:F9:A2:7B');
    expect((await clientWith(emu, pinned(fingerprint)).nodes.$get()).length).toBe(6);
    expect(await failure(clientWith(emu, pinned('00:11')).nodes.$get())).toMatch(/FaILED to call GET/);
  });
});
