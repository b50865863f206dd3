/**
 * The emulator's push endpoint and push monitor checks against the facts of Uptime Kuma's
 * server/routers/api-router.js and server/model/monitor.js (2.5.3, and 1.23.16 where it
 * differs): a push is a heartbeat the owner's clients see, the answers and their status
 * codes, an unknown token or a paused monitor is a 404, and a monitor whose pushes stop goes
 * DOWN after its interval (PENDING first while it has retries). Time runs fast
 * (`timing.secondMs`), never skipped.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startKumaEmulator, type KumaEmulator, type KumaEmulatorOptions } from '../../providers/kuma/emulator/index.js';
import { KumaWorld } from '../../providers/kuma/emulator/kuma-world.js';
import { connectRaw, uiMonitor, type RawKumaClient } from './support/raw-kuma-client.js';

const USER = { username: 'admin', password: 'Passw0rd!' };
const TOKEN = 'Hb7xQ2pLm9TzR4vW8kNc3JdF6sYgA1eU';
const DOWN = 0;
const UP = 1;
const PENDING = 2;

let emulator: KumaEmulator | undefined;
const clients: RawKumaClient[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await emulator?.close();
  emulator = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** An emulator with one push monitor added through the socket API, and a client logged in as its owner. */
async function withPushMonitor(
  fields: Record<string, unknown> = {},
  opts: KumaEmulatorOptions = {},
): Promise<{ emu: KumaEmulator; ui: RawKumaClient; id: number }> {
  emulator = await startKumaEmulator({ users: [USER], ...opts });
  const ui = await connectRaw(emulator.url, { login: USER });
  clients.push(ui);
  const gen = emulator.version === '2.5.3' ? 2 : 1;
  const added = await ui.ask<{ ok: boolean; monitorID: number }>(
    'add',
    uiMonitor({ type: 'push', name: 'hl watch', url: null, pushToken: TOKEN, interval: 20, retryInterval: 20, ...fields }, gen),
  );
  expect(added.ok).toBe(true);
  return { emu: emulator, ui, id: added.monitorID };
}

/** The next heartbeat a check recorded (not a push, nor the one `add` sends as the monitor starts). */
async function nextCheck(ui: RawKumaClient): Promise<Record<string, unknown>> {
  for (;;) {
    const beat = await ui.next<Record<string, unknown>>('heartbeat', 5000);
    if (beat.msg === 'No heartbeat in the time window') return beat;
  }
}

const push = (emu: KumaEmulator, query = '', init?: RequestInit): Promise<Response> => fetch(`${emu.url}/api/push/${TOKEN}${query}`, init);

describe('kuma emulator: /api/push/:pushToken', () => {
  it('records a push as a heartbeat, answers {ok:true}, and sends the heartbeat to the owner', async () => {
    const { emu, ui, id } = await withPushMonitor();
    const beat = ui.next<Record<string, unknown>>('heartbeat');
    const res = await push(emu, '?status=up&msg=cycle%201%20ok&ping=1234.5');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ ok: true });
    expect(await beat).toMatchObject({ monitorID: id, status: UP, msg: 'cycle 1 ok', ping: 1234.5, important: true, duration: 0, retries: 0 });
    expect(emu.world.heartbeatsOf(id)).toEqual([expect.objectContaining({ status: UP, msg: 'cycle 1 ok', ping: 1234.5, important: true })]);

    // defaults: status up, msg OK, no ping (and parseFloat(...) || null makes 0 null); another UP is not important
    expect((await push(emu, '?ping=0')).status).toBe(200);
    expect(emu.world.lastHeartbeat(id)).toMatchObject({ status: UP, msg: 'OK', ping: null, important: false });
    // any status but "up" is DOWN
    expect((await push(emu, '?status=UP&msg=failed')).status).toBe(200);
    expect(emu.world.lastHeartbeat(id)).toMatchObject({ status: DOWN, msg: 'failed', important: true });
  });

  it('answers 404 {ok:false} for an unknown token, a paused monitor, and (2.5.3) a ping out of range', async () => {
    const { emu, ui, id } = await withPushMonitor();
    const unknown = await fetch(`${emu.url}/api/push/not-a-token?status=up`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, msg: 'Monitor not found or not active.' });

    const negative = await push(emu, '?ping=-5');
    expect(negative.status).toBe(404);
    expect(await negative.json()).toEqual({ ok: false, msg: 'Invalid ping value. Must be between 0 and 100000000000 ms.' });

    expect((await ui.ask<{ ok: boolean }>('pauseMonitor', id)).ok).toBe(true);
    const paused = await push(emu);
    expect(paused.status).toBe(404);
    expect(await paused.json()).toEqual({ ok: false, msg: 'Monitor not found or not active.' });
    expect(emu.world.heartbeatsOf(id)).toEqual([]);

    expect((await ui.ask<{ ok: boolean }>('resumeMonitor', id)).ok).toBe(true);
    expect((await push(emu)).status).toBe(200);
  });

  it('2.5.3 answers every method and gives a DOWN push the monitor\'s retries (PENDING first)', async () => {
    const { emu, id } = await withPushMonitor({ maxretries: 1 });
    expect((await push(emu, '?status=up', { method: 'POST' })).status).toBe(200);
    await push(emu, '?status=down&msg=a');
    expect(emu.world.lastHeartbeat(id)).toMatchObject({ status: PENDING, retries: 1, important: false });
    await push(emu, '?status=down&msg=b');
    expect(emu.world.lastHeartbeat(id)).toMatchObject({ status: DOWN, retries: 2, important: true });
  });

  it('1.23.16 answers GET only (another method gets Express\'s 404 page) and records a DOWN push as DOWN', async () => {
    const { emu, id } = await withPushMonitor({ maxretries: 1 }, { version: '1.23.16' });
    const post = await push(emu, '', { method: 'POST' });
    expect(post.status).toBe(404);
    expect(await post.text()).toContain('Cannot POST /api/push/');
    expect((await push(emu, '?status=down')).status).toBe(200);
    expect(emu.world.lastHeartbeat(id)).toMatchObject({ status: DOWN, important: true });
  });

  it('keeps the heartbeats in the world file, and a monitor deleted takes its heartbeats with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-kuma-push-'));
    dirs.push(dir);
    const worldFile = join(dir, 'world.json');
    const { emu, ui, id } = await withPushMonitor({}, { worldFile });
    await push(emu, '?msg=persisted');
    expect(KumaWorld.open(worldFile).lastHeartbeat(id)).toMatchObject({ status: UP, msg: 'persisted' });
    expect((await ui.ask<{ ok: boolean }>('deleteMonitor', id)).ok).toBe(true);
    expect(KumaWorld.open(worldFile).heartbeatsOf(id)).toEqual([]);
  });
});

describe('kuma emulator: a push monitor without pushes', () => {
  // one of Kuma's seconds lasts 20 ms: an interval of 20 s is 400 ms
  const fast = { timing: { secondMs: 20 } };

  it('goes DOWN one interval after its start when nothing was pushed, and again each interval', async () => {
    const { emu, ui, id } = await withPushMonitor({}, fast);
    const started = Date.now();
    const beat = await nextCheck(ui);
    expect(Date.now() - started).toBeGreaterThanOrEqual(20 * 20 - 50);
    expect(beat).toMatchObject({ monitorID: id, status: DOWN, msg: 'No heartbeat in the time window', ping: null, important: true, duration: 20 });
    await nextCheck(ui);
    expect(emu.world.heartbeatsOf(id).map((h) => [h.status, h.important])).toEqual([
      [DOWN, true],
      [DOWN, false],
    ]);
  });

  it('stays UP while pushes come within the interval, goes DOWN (PENDING while retries remain) when they stop', async () => {
    const { emu, ui, id } = await withPushMonitor({ maxretries: 1, retryInterval: 10 }, fast);
    // pushes every 2.5 "seconds" (50 ms, an eighth of the interval, so a loaded machine's late
    // timers stay well inside it) for 2 intervals: no heartbeat but the pushes
    for (let i = 0; i < 16; i++) {
      expect((await push(emu, `?msg=beat${i}`)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(emu.world.heartbeatsOf(id).every((h) => h.status === UP)).toBe(true);
    const stoppedAt = Date.now();
    const pending = await nextCheck(ui);
    expect(pending).toMatchObject({ status: PENDING, msg: 'No heartbeat in the time window', retries: 1 });
    // not before the interval and its 1 s buffer have passed since the last push
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(20 * 20 - 200);
    const down = await nextCheck(ui);
    expect(down).toMatchObject({ status: DOWN, msg: 'No heartbeat in the time window', important: true });
    // a push brings it back UP
    await push(emu, '?msg=back');
    expect(emu.world.lastHeartbeat(id)).toMatchObject({ status: UP, msg: 'back', important: true });
  });

  it('1.23.16 keeps the retries in the running monitor: PENDING, then DOWN, without pushes', async () => {
    const { emu, ui, id } = await withPushMonitor({ maxretries: 1 }, { ...fast, version: '1.23.16' });
    const pending = await nextCheck(ui);
    expect(pending).toMatchObject({ status: PENDING, important: true, duration: 0 });
    expect(pending).not.toHaveProperty('retries');
    expect(await nextCheck(ui)).toMatchObject({ status: DOWN, important: true });
    expect(emu.world.heartbeatsOf(id).map((h) => h.status)).toEqual([PENDING, DOWN]);
  });

  it('opens a world written before heartbeats were kept, and keeps them from then on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-kuma-push-'));
    dirs.push(dir);
    const worldFile = join(dir, 'world.json');
    const { emu, id } = await withPushMonitor({}, { worldFile });
    await emu.close();
    emulator = undefined;
    const old = JSON.parse(readFileSync(worldFile, 'utf8')) as { heartbeats?: unknown; nextIds: Record<string, number> };
    delete old.heartbeats;
    delete old.nextIds.heartbeat;
    writeFileSync(worldFile, JSON.stringify(old));
    emulator = await startKumaEmulator({ users: [USER], worldFile });
    expect(emulator.world.heartbeatsOf(id)).toEqual([]);
    expect((await push(emulator, '?msg=first')).status).toBe(200);
    expect(KumaWorld.open(worldFile).lastHeartbeat(id)).toMatchObject({ id: 1, msg: 'first' });
  });

  it('is not checked while paused, and a restarted emulator checks the active push monitors of its world', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-kuma-push-'));
    dirs.push(dir);
    const worldFile = join(dir, 'world.json');
    const { emu, ui, id } = await withPushMonitor({}, { ...fast, worldFile });
    expect((await ui.ask<{ ok: boolean }>('pauseMonitor', id)).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 600));
    expect(emu.world.heartbeatsOf(id)).toEqual([]);
    expect((await ui.ask<{ ok: boolean }>('resumeMonitor', id)).ok).toBe(true);
    ui.close();
    await emu.close();

    emulator = await startKumaEmulator({ users: [USER], worldFile, ...fast });
    const again = emulator;
    const deadline = Date.now() + 5000;
    while (again.world.heartbeatsOf(id).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(again.world.lastHeartbeat(id)).toMatchObject({ status: DOWN, msg: 'No heartbeat in the time window' });
  });
});
