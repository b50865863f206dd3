/**
 * The emulator against the facts observed on a real Uptime Kuma 2.5.3 (and the 1.23
 * differences), over a real socket.io connection, without the provider.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startKumaEmulator, totpToken, type KumaEmulator } from '../../providers/kuma/emulator/index.js';
import { connectRaw, uiMonitor, type RawKumaClient } from './support/raw-kuma-client.js';

const USER = { username: 'admin', password: 'Passw0rd!' };

let emulator: KumaEmulator | undefined;
const clients: RawKumaClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await emulator?.close();
  emulator = undefined;
});

async function start(opts: Parameters<typeof startKumaEmulator>[0] = {}): Promise<KumaEmulator> {
  emulator = await startKumaEmulator(opts);
  return emulator;
}

async function client(url: string, login = true, timeoutMs = 5000): Promise<RawKumaClient> {
  const c = await connectRaw(url, { ...(login ? { login: USER } : {}), timeoutMs });
  clients.push(c);
  return c;
}

describe('kuma emulator: connection, setup and login', () => {
  it('2.5.3 drops a login sent before its first info (handlers come after sendInfo), answers one sent after', async () => {
    const emu = await start({ users: [USER], timing: { queryMs: 400 } });
    const c = await connectRaw(emu.url, { early: true, timeoutMs: 200 });
    clients.push(c);
    await expect(c.ask('login', { ...USER, token: '' })).rejects.toThrow(/no answer to login/);
    expect(emu.stats.calls.login).toBeUndefined();
    await c.next('loginRequired', 2000);
    expect(c.seen('info')).toHaveLength(1);
    await expect(c.ask('login', { ...USER, token: '' })).resolves.toMatchObject({ ok: true });
  });

  it('answers the socket.io polling handshake over plain HTTP, which is how readiness is probed', async () => {
    const emu = await start({ users: [USER] });
    const res = await fetch(`${emu.url}/socket.io/?EIO=4&transport=polling`);
    expect(res.status).toBe(200);
    expect((await res.text()).startsWith('0{')).toBe(true);
  });

  it('sends info without the version, then setup and loginRequired on a fresh server', async () => {
    const emu = await start();
    const c = await client(emu.url, false);
    await c.first('loginRequired');
    const info = c.seen('info')[0] as Record<string, unknown>;
    expect(Object.keys(info).sort()).toEqual(['primaryBaseURL', 'serverTimezone', 'serverTimezoneOffset']);
    expect(c.seen('setup')).toHaveLength(1);
    expect(await c.ask('needSetup')).toBe(true);
  });

  it('refuses a weak password, then sets up once and refuses a second setup', async () => {
    const emu = await start();
    const c = await client(emu.url, false);
    expect(await c.ask('setup', 'admin', 'abc')).toEqual({ ok: false, msg: 'passwordTooWeak', msgi18n: true });
    expect(await c.ask('setup', 'admin', 'Passw0rd!')).toEqual({ ok: true, msg: 'successAdded', msgi18n: true });
    expect(await c.ask('setup', 'admin', 'Passw0rd!')).toEqual({
      ok: false,
      msg: 'Uptime Kuma has been initialized. If you want to run setup again, please delete the database.',
      msgi18n: false,
    });
    expect(await c.ask('needSetup')).toBe(false);
  });

  it('refuses monitor calls before login, and a wrong password with authIncorrectCreds', async () => {
    const emu = await start({ users: [USER] });
    const c = await client(emu.url, false);
    expect(await c.ask('getMonitor', 1)).toEqual({ ok: false, msg: 'You are not logged in.' });
    expect(await c.ask('login', { username: 'admin', password: 'wrong', token: '' })).toEqual({ ok: false, msg: 'authIncorrectCreds', msgi18n: true });
  });

  it('logs in with a JWT, pushes the lists in the observed order, and accepts the JWT on another socket', async () => {
    const emu = await start({ users: [USER] });
    const c = await client(emu.url, false);
    const answer = await c.ask<{ ok: boolean; token: string }>('login', { ...USER, token: '' });
    expect(answer.ok).toBe(true);
    expect(answer.token.split('.')).toHaveLength(3);
    await c.first('initServerTimezone');
    for (const e of ['monitorList', 'monitorTypeList', 'maintenanceList', 'notificationList', 'proxyList', 'dockerHostList', 'apiKeyList', 'remoteBrowserList', 'statusPageList']) {
      expect(c.seen(e), e).toHaveLength(1);
    }
    expect(c.seen('monitorList')[0]).toEqual({});
    expect((c.seen('info')[1] as { version: string }).version).toBe('2.5.3');

    const other = await client(emu.url, false);
    expect(await other.ask('loginByToken', answer.token)).toEqual({ ok: true });
    expect(await other.ask('loginByToken', `${answer.token}x`)).toEqual({ ok: false, msg: 'authInvalidToken', msgi18n: true });
  });

  it('rate-limits logins to 20 a minute, successful or not', async () => {
    const emu = await start({ users: [USER] });
    const c = await client(emu.url, false);
    const answers = await Promise.all(Array.from({ length: 20 }, () => c.ask<{ ok: boolean }>('login', { ...USER, password: 'nope' })));
    expect(answers.every((a) => a.ok === false)).toBe(true);
    expect(await c.ask('login', { ...USER, token: '' })).toEqual({ ok: false, msg: 'Too frequently, try again later.' });
    expect(emu.stats.passwordChecks).toBe(20);
  });

  it('asks for a 2FA token when the user has 2FA, and accepts a valid one once', async () => {
    const secret = 'JBSWY3DPEHPK3PXP';
    const emu = await start({ users: [{ ...USER, twofaSecret: secret }] });
    const c = await client(emu.url, false);
    expect(await c.ask('login', { ...USER, token: '' })).toEqual({ tokenRequired: true });
    const token = totpToken(secret);
    expect((await c.ask<{ ok: boolean }>('login', { ...USER, token })).ok).toBe(true);
    const replay = await client(emu.url, false);
    expect(await replay.ask('login', { ...USER, token })).toEqual({ ok: false, msg: 'authInvalidToken', msgi18n: true });
  });
});

describe('kuma emulator: monitors (2.5.3)', () => {
  it('adds a monitor, pushes updateMonitorIntoList, and answers getMonitor with every key, unset ones null', async () => {
    const emu = await start({ users: [USER] });
    const c = await client(emu.url);
    const pushed = c.next<Record<string, Record<string, unknown>>>('updateMonitorIntoList');
    const added = await c.ask<{ ok: boolean; monitorID: number }>('add', uiMonitor({ name: 'web' }));
    expect(added).toEqual({ ok: true, msg: 'successAdded', msgi18n: true, monitorID: 1 });
    const update = await pushed;
    expect(Object.keys(update)).toEqual(['1']);
    expect(update['1']!.path).toEqual(['web']);

    const got = await c.ask<{ ok: boolean; monitor: Record<string, unknown> }>('getMonitor', 1);
    expect(got.ok).toBe(true);
    const m = got.monitor;
    expect(Object.keys(m).length).toBeGreaterThanOrEqual(105);
    expect(Object.values(m).includes(undefined)).toBe(false);
    expect(m).toMatchObject({ id: 1, name: 'web', path: [null], pathName: '', active: true, forceInactive: false, maintenance: false, weight: 2000, hostname: null, port: null, conditions: [], accepted_statuscodes: ['200-299'] });
  });

  it('answers getMonitor of an unknown id with the TypeError message of the real server', async () => {
    const emu = await start({ users: [USER] });
    const c = await client(emu.url);
    expect(await c.ask('getMonitor', 999)).toEqual({ ok: false, msg: "Cannot read properties of null (reading 'id')" });
  });

  it('refuses non-string status codes and a missing conditions field', async () => {
    const emu = await start({ users: [USER] });
    const c = await client(emu.url);
    expect(await c.ask('add', uiMonitor({ accepted_statuscodes: [200] }))).toEqual({ ok: false, msg: 'Accepted status codes are not all strings' });
    const noConditions = uiMonitor({});
    delete noConditions.conditions;
    expect(await c.ask('add', noConditions)).toEqual({ ok: false, msg: 'SQLITE_CONSTRAINT: NOT NULL constraint failed: monitor.conditions' });
  });

  it('stores retryInterval 0 and timeout 0 for a minimal add, which editMonitor then refuses', async () => {
    const emu = await start({ users: [USER] });
    const c = await client(emu.url);
    const { monitorID } = await c.ask<{ monitorID: number }>('add', { name: 'bare', type: 'http', url: 'https://x.test', interval: 60, accepted_statuscodes: ['200-299'], conditions: [] });
    const { monitor } = await c.ask<{ monitor: Record<string, unknown> }>('getMonitor', monitorID);
    expect(monitor).toMatchObject({ retryInterval: 0, timeout: 0 });
    expect(await c.ask('editMonitor', monitor)).toEqual({ ok: false, msg: 'Retry interval cannot be less than 1 seconds' });
  });

  it('resets port and retryOnlyOnStatusCodeFailure when editMonitor leaves them out, keeps them with the full object', async () => {
    const emu = await start({ users: [USER] });
    const c = await client(emu.url);
    const { monitorID } = await c.ask<{ monitorID: number }>('add', uiMonitor({ type: 'port', name: 'ssh', hostname: 'pve.maas', port: 22, retryOnlyOnStatusCodeFailure: true }));
    const { monitor } = await c.ask<{ monitor: Record<string, unknown> }>('getMonitor', monitorID);
    expect(monitor).toMatchObject({ port: 22, retryOnlyOnStatusCodeFailure: true });

    expect(await c.ask('editMonitor', { ...monitor, interval: 90 })).toEqual({ ok: true, msg: 'Saved.', msgi18n: true, monitorID });
    expect((await c.ask<{ monitor: Record<string, unknown> }>('getMonitor', monitorID)).monitor).toMatchObject({ interval: 90, port: 22, retryOnlyOnStatusCodeFailure: true });

    const partial = { ...monitor };
    delete partial.port;
    delete partial.retryOnlyOnStatusCodeFailure;
    expect((await c.ask<{ ok: boolean }>('editMonitor', partial)).ok).toBe(true);
    expect((await c.ask<{ monitor: Record<string, unknown> }>('getMonitor', monitorID)).monitor).toMatchObject({ port: null, retryOnlyOnStatusCodeFailure: false, hostname: 'pve.maas' });
  });

  it('answers getMonitorList with ok only and pushes the list; deletes answer before the deleteMonitorFromList push', async () => {
    const emu = await start({ users: [USER] });
    const c = await client(emu.url);
    await c.ask('add', uiMonitor({ name: 'a' }));
    const list = c.next<Record<string, unknown>>('monitorList');
    expect(await c.ask('getMonitorList')).toEqual({ ok: true });
    expect(Object.keys(await list)).toEqual(['1']);
    const deleted = c.next('deleteMonitorFromList');
    expect(await c.ask('deleteMonitor', 1)).toEqual({ ok: true, msg: 'successDeleted', msgi18n: true });
    expect(await deleted).toBe(1);
  });

  it('pauses and resumes, and refuses an id it does not know', async () => {
    const emu = await start({ users: [USER] });
    const c = await client(emu.url);
    await c.ask('add', uiMonitor({ name: 'a' }));
    expect(await c.ask('pauseMonitor', 1)).toEqual({ ok: true, msg: 'successPaused', msgi18n: true });
    expect((await c.ask<{ monitor: { active: boolean } }>('getMonitor', 1)).monitor.active).toBe(false);
    expect(await c.ask('resumeMonitor', 1)).toEqual({ ok: true, msg: 'successResumed', msgi18n: true });
    expect(await c.ask('pauseMonitor', 7)).toEqual({ ok: false, msg: 'You do not own this monitor.' });
  });

  it('unlinks the children of a deleted group (pushing each), or deletes them with deleteChildren', async () => {
    const emu = await start({ users: [USER] });
    const c = await client(emu.url);
    await c.ask('add', uiMonitor({ name: 'group', type: 'group' }));
    await c.ask('add', uiMonitor({ name: 'child', parent: 1 }));
    const childUpdate = c.next<Record<string, { parent: unknown }>>('updateMonitorIntoList');
    expect(await c.ask('deleteMonitor', 1)).toEqual({ ok: true, msg: 'successDeleted', msgi18n: true });
    expect((await childUpdate)['2']!.parent).toBeNull();
    await c.ask('add', uiMonitor({ name: 'group 2', type: 'group' }));
    await c.ask('add', uiMonitor({ name: 'child 2', parent: 3 }));
    expect((await c.ask<{ ok: boolean }>('deleteMonitor', 3, true)).ok).toBe(true);
    expect(emu.world.data.monitors.map((m) => m.name)).toEqual(['child']);
  });

  it('shows changes made on one socket to the other sockets of the same user', async () => {
    const emu = await start({ users: [USER] });
    const a = await client(emu.url);
    const b = await client(emu.url);
    const seenByB = b.next<Record<string, unknown>>('updateMonitorIntoList');
    await a.ask('add', uiMonitor({ name: 'shared' }));
    expect(Object.keys(await seenByB)).toEqual(['1']);
  });

  it('keeps tags and notifications, and persists the world to its file after each change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kuma-emu-'));
    const worldFile = join(dir, 'world.json');
    const emu = await start({ users: [USER], worldFile });
    const c = await client(emu.url);
    const { tag } = await c.ask<{ tag: { id: number } }>('addTag', { name: 'prod', color: '#DC2626' });
    const notifications = c.next<{ id: number; name: string; config: string }[]>('notificationList');
    const saved = await c.ask<{ ok: boolean; id: number }>('addNotification', { name: 'ntfy', type: 'ntfy', isDefault: false, ntfytopic: 'lab' }, null);
    expect(saved).toEqual({ ok: true, msg: 'Saved.', msgi18n: true, id: 1 });
    expect((await notifications)[0]).toMatchObject({ id: 1, name: 'ntfy', isDefault: false });
    await c.ask('add', uiMonitor({ name: 'tagged', notificationIDList: { '1': true } }));
    expect(await c.ask('addMonitorTag', tag.id, 1, 'pve')).toEqual({ ok: true, msg: 'successAdded', msgi18n: true });
    const { monitor } = await c.ask<{ monitor: { tags: unknown[]; notificationIDList: unknown } }>('getMonitor', 1);
    expect(monitor.tags).toEqual([{ id: 1, monitor_id: 1, tag_id: 1, value: 'pve', name: 'prod', color: '#DC2626' }]);
    expect(monitor.notificationIDList).toEqual({ '1': true });
    const onDisk = JSON.parse(readFileSync(worldFile, 'utf8')) as { monitors: unknown[]; tags: unknown[]; notifications: unknown[] };
    expect([onDisk.monitors.length, onDisk.tags.length, onDisk.notifications.length]).toEqual([1, 1, 1]);
    expect(await c.ask('deleteNotification', 9)).toEqual({ ok: false, msg: 'notification not found' });
  });

  it('stops answering callbacks when silent, but still handles the calls', async () => {
    const emu = await start({ users: [USER] });
    const c = await client(emu.url, true, 300);
    emu.setSilent(true);
    await expect(c.ask('add', uiMonitor({ name: 'ghost' }))).rejects.toThrow(/no answer/);
    expect(emu.world.data.monitors.map((m) => m.name)).toEqual(['ghost']);
  });
});

describe('kuma emulator: 1.23.16', () => {
  it('answers login before its pushes (notificationList after info), has no loginRequired', async () => {
    const emu = await start({ users: [USER], version: '1.23.16' });
    const c = await client(emu.url, false);
    await c.ask('login', { ...USER, token: '' });
    expect(c.seen('monitorList')).toEqual([]);
    expect(c.seen('notificationList')).toEqual([]);
    await c.first('notificationList');
    expect(c.seen('info').map((i) => (i as { version?: string }).version)).toEqual([undefined, '1.23.16']);
    expect(c.seen('loginRequired')).toEqual([]);
  });

  it('re-sends the whole monitorList after each change and keeps the 20 s minimum interval', async () => {
    const emu = await start({ users: [USER], version: '1.23.16' });
    const c = await client(emu.url);
    await c.first('notificationList');
    expect(c.seen('info').map((i) => (i as { version?: string }).version)).toEqual([undefined, '1.23.16']);
    const list = c.next<Record<string, unknown>>('monitorList');
    expect(await c.ask('add', uiMonitor({ name: 'old' }, 1))).toEqual({ ok: true, msg: 'Added Successfully.', monitorID: 1 });
    expect(Object.keys(await list)).toEqual(['1']);
    expect(c.seen('updateMonitorIntoList')).toEqual([]);
    expect(await c.ask('add', uiMonitor({ name: 'fast', interval: 10 }, 1))).toEqual({ ok: false, msg: 'Interval cannot be less than 20 seconds' });
    expect(await c.ask('add', uiMonitor({ name: 'new', conditions: [] }, 1))).toEqual({ ok: false, msg: 'SQLITE_ERROR: table monitor has no column named conditions' });
    const afterDelete = c.next<Record<string, unknown>>('monitorList');
    await c.ask('deleteMonitor', 1);
    expect(await afterDelete).toEqual({});
  });
});
