/**
 * What real Uptime Kuma servers do that a client must cope with (issue 17), each against the
 * emulator with the real behaviour on: 2.x drops what arrives before its first `info`, 1.23
 * answers `login` before pushing the notification list, `applyExisting` is not stored, ping
 * timeouts are rounded and bounded, NULL tag values survive `deleteMonitorTag`, an import
 * holds the parent's id, the JWT is reused across runs, a login whose answer is lost is sent
 * once more, and a refused connection fails at once (kuma-session.test.ts).
 */
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { ProviderError } from '../../src/provider/contract.js';
import { KumaProvider } from '../../providers/kuma/index.js';
import { startKumaEmulator, type KumaEmulator, type KumaEmulatorOptions } from '../../providers/kuma/emulator/index.js';
import { TOKEN_CACHE_FILE } from '../../providers/kuma/connection/token-cache.js';
import { connectRaw, uiMonitor, type RawKumaClient } from './support/raw-kuma-client.js';
import { createResource, plan, readResource, tempDir, updateResource, USER } from './support/kuma-test-env.js';

const M = 'kuma_monitor';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function emulator(opts: KumaEmulatorOptions = {}): Promise<KumaEmulator> {
  const e = await startKumaEmulator({ users: [USER], ...opts });
  cleanups.push(() => e.close());
  return e;
}

async function provider(emu: KumaEmulator, workDir = tempDir(), extra: Attributes = {}): Promise<KumaProvider> {
  const p = new KumaProvider();
  await p.configure({ config: { url: emu.url, ...USER, timeout_ms: 3000, ...extra }, configDir: process.cwd(), workDir });
  cleanups.push(() => p.close());
  return p;
}

async function ui(emu: KumaEmulator): Promise<RawKumaClient> {
  const c = await connectRaw(emu.url, { login: USER });
  cleanups.push(() => c.close());
  await c.first('notificationList');
  return c;
}

/** The plan of `config` against `state` changes nothing. */
function expectNoChange(p: KumaProvider, type: string, config: Attributes, state: Attributes, providerConfig: Attributes = {}): void {
  expect(plan(p, type, config, state, providerConfig)).toEqual(state);
}

describe('kuma against the behaviour of real servers', () => {
  it('1: waits for the first info of a 2.x server before logging in (a login sent earlier is dropped)', async () => {
    const emu = await emulator({ timing: { queryMs: 400 } });
    const p = await provider(emu);
    await expect(p.read({ type: M, id: '1', prior: {} })).resolves.toEqual({ state: null });
    expect(emu.stats.calls.login).toBe(1);
  });

  it('2: apply_existing is a create-time action: no perpetual diff, no re-attaching to monitors detached by hand', async () => {
    const emu = await emulator();
    const p = await provider(emu);
    const c = await ui(emu);
    const { monitorID } = await c.ask<{ monitorID: number }>('add', uiMonitor({ name: 'hand-made' }));
    const config = { name: 'everyone', type: 'ntfy', config: { ntfytopic: 'all' }, apply_existing: true };
    const { id, state } = await createResource(p, 'kuma_notification', config);
    const handMade = async (): Promise<Record<string, unknown>> => (await c.ask<{ monitor: Record<string, unknown> }>('getMonitor', monitorID)).monitor;
    expect((await handMade()).notificationIDList).toEqual({ [id]: true });
    const read = (await readResource(p, 'kuma_notification', id, state))!;
    expectNoChange(p, 'kuma_notification', config, read);
    // detached by hand, then the notification is changed: it stays detached
    await c.ask('editMonitor', { ...(await handMade()), notificationIDList: { [id]: false } });
    const changed = { ...config, config: { ntfytopic: 'everyone' } };
    const after = await updateResource(p, 'kuma_notification', id, read, changed);
    expect(after.apply_existing).toBe(true);
    expect((await handMade()).notificationIDList).toEqual({});
  });

  it('3: a ping monitor defaults its timeout to 10 s, and a timeout Kuma 2.x would round or refuse is a plan-time problem', async () => {
    const emu = await emulator();
    const p = await provider(emu);
    const ping = { name: 'slow ping', type: 'ping', hostname: 'pve.maas', interval: 600 };
    const { state } = await createResource(p, M, ping);
    expect(state.timeout).toBe(10);
    expectNoChange(p, M, ping, state);
    const problems = (timeout: number): unknown[] => p.validateResource({ type: M, config: { ...ping, timeout }, providerConfig: {} }).map((x) => [x.path, x.message]);
    expect(problems(2.5)).toEqual([[['timeout'], expect.stringMatching(/^timeout 2\.5 s of a ping monitor must be whole seconds from 2 .* to 300/)]]);
    expect(problems(301)).toHaveLength(1);
    expect(problems(1)).toHaveLength(1);
    expect(problems(300)).toEqual([]);
  });

  it('4: on 1.23 waits for the notification list pushed after the login answer (no false "deleted", no duplicate)', async () => {
    const emu = await emulator({ version: '1.23.16' });
    const c = await ui(emu);
    const { id } = await c.ask<{ id: number }>('addNotification', { name: 'ntfy', type: 'ntfy', ntfytopic: 'lab', isDefault: false }, null);
    const p = await provider(emu);
    const state = await readResource(p, 'kuma_notification', String(id), { id, apply_existing: false });
    expect(state).toMatchObject({ id, name: 'ntfy', type: 'ntfy' });
  });

  it('5: removes a tag whose value is NULL, which deleteMonitorTag alone leaves in place', async () => {
    const emu = await emulator();
    const p = await provider(emu);
    const c = await ui(emu);
    const tag = await createResource(p, 'kuma_tag', { name: 'node' });
    const config = { name: 'tagged', type: 'ping', hostname: 'pve.maas', tags: [{ name: 'node', value: 'pve' }] };
    const { id, state } = await createResource(p, M, config);
    await c.ask('addMonitorTag', Number(tag.id), Number(id), null);
    const drifted = (await readResource(p, M, id, state))!;
    expect(drifted.tags).toEqual([
      { name: 'node', value: null },
      { name: 'node', value: 'pve' },
    ]);
    const updated = await updateResource(p, M, id, drifted, config);
    expect(updated.tags).toEqual([{ name: 'node', value: 'pve' }]);
    expectNoChange(p, M, config, (await readResource(p, M, id, updated))!);
  });

  it('6: an imported monitor whose config names its parent plans no change', async () => {
    const emu = await emulator();
    const p = await provider(emu);
    await createResource(p, M, { name: 'lab', type: 'group' });
    const config = { name: 'k3s', type: 'ping', hostname: 'k3s.maas', parent: 'lab' };
    const { id } = await createResource(p, M, config);
    const imported = (await p.importResource({ type: M, id }))!.resource!;
    expect(imported.state.parent_name).toBe('lab');
    expectNoChange(p, M, config, imported.state);
    expectNoChange(p, M, config, (await readResource(p, M, id, imported.state))!);
  });

  it('7: 50 consecutive runs against one Kuma log in with the password at most once (the JWT is kept 0600 beside the state)', async () => {
    const emu = await emulator();
    const workDir = tempDir();
    for (let run = 0; run < 50; run += 1) {
      const p = new KumaProvider();
      await p.configure({ config: { url: emu.url, ...USER, timeout_ms: 3000 }, configDir: process.cwd(), workDir });
      await expect(p.read({ type: M, id: '1', prior: {} })).resolves.toEqual({ state: null });
      await p.close();
    }
    expect(emu.stats.passwordChecks).toBeLessThanOrEqual(1);
    const file = join(workDir, TOKEN_CACHE_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toContain(USER.password);
  });

  it('7: a cached JWT Kuma refuses is forgotten and replaced after one password login', async () => {
    const emu = await emulator();
    const workDir = tempDir();
    const file = join(workDir, TOKEN_CACHE_FILE);
    const first = await provider(emu, workDir);
    await first.read({ type: M, id: '1', prior: {} });
    await first.close();
    const cached = JSON.parse(readFileSync(file, 'utf8')) as { token: string };
    emu.world.data.jwtSecret = 'another secret';
    const second = await provider(emu, workDir);
    await expect(second.read({ type: M, id: '1', prior: {} })).resolves.toEqual({ state: null });
    expect(emu.stats.passwordChecks).toBe(2);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { token: string }).token).not.toBe(cached.token);
  });

  // Kuma's login handler (server/server.js) answers only through the socket.io callback: when
  // that answer is lost the client cannot tell a done login from one never received.
  it('8: a login whose answer is lost is sent once more, and the first read of the run succeeds', async () => {
    const emu = await emulator({ faults: { dropLoginAnswers: 1 } });
    const p = await provider(emu, tempDir(), { timeout_ms: 500 });
    await expect(p.read({ type: M, id: '1', prior: {} })).resolves.toEqual({ state: null });
    expect(emu.stats.calls.login).toBe(2);
    expect(emu.stats.passwordChecks).toBe(2);
    await expect(p.read({ type: M, id: '2', prior: {} })).resolves.toEqual({ state: null });
    expect(emu.stats.calls.login).toBe(2);
  });

  it('8: when no login answer arrives the run fails with the Kuma URL and the timeout, not a hang', async () => {
    const emu = await emulator({ faults: { dropLoginAnswers: Infinity } });
    const p = await provider(emu, tempDir(), { timeout_ms: 500 });
    const error = await p.read({ type: M, id: '1', prior: {} }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    // one send and one re-send, each waiting the per-call timeout
    expect(error).toBeInstanceOf(ProviderError);
    expect(error?.message).toBe(`Uptime Kuma at ${emu.url} did not answer \`login\` within 0.5 s`);
    expect(error?.message).not.toContain(USER.password);
    expect(error?.message).not.toMatch(/\n\s+at /);
    expect(emu.stats.calls.login).toBe(2);
    // later reads of the run never take the password logins past the run's limit of 3
    for (const id of ['2', '3']) await p.read({ type: M, id, prior: {} }).catch(() => undefined);
    expect(emu.stats.calls.login).toBe(3);
  });
});
