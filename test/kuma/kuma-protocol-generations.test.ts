/**
 * Both protocol generations: Kuma 1.23 (the whole `monitorList` pushed after every change, no
 * `conditions` column, 20 s minimum interval) and 2.x (`updateMonitorIntoList` /
 * `deleteMonitorFromList`, `conditions` required, 1 s minimum from 2.1). The same provider
 * code must detect which one it talks to and keep its monitor cache right under both.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { KumaSession } from '../../providers/kuma/index.js';
import { startKumaEmulator, type KumaEmulator, type KumaEmulatorVersion } from '../../providers/kuma/emulator/index.js';
import { connectRaw, uiMonitor, type RawKumaClient } from './support/raw-kuma-client.js';
import { createResource, readResource, startKumaEnv, updateResource, USER, type KumaTestEnv } from './support/kuma-test-env.js';

const T = 'kuma_monitor';

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.each<[KumaEmulatorVersion, 1 | 2]>([
  ['2.5.3', 2],
  ['1.23.16', 1],
])('Kuma %s (protocol generation %d)', (version, generation) => {
  let env: KumaTestEnv | undefined;
  let emulator: KumaEmulator | undefined;
  let session: KumaSession | undefined;
  let ui: RawKumaClient | undefined;

  afterEach(async () => {
    ui?.close();
    await session?.close();
    await emulator?.close();
    await env?.stop();
    env = emulator = session = ui = undefined;
  });

  it('detects the generation from the version the server reports after login', async () => {
    emulator = await startKumaEmulator({ users: [USER], version });
    session = new KumaSession({ url: emulator.url, ...USER, timeoutMs: 2000 });
    const v = await session.serverVersion();
    expect(v).toMatchObject({ text: version, generation });
    expect(v.limits.minIntervalSecond).toBe(generation === 2 ? 1 : 20);
  });

  it('keeps the monitor cache right when another client adds, edits and deletes monitors', async () => {
    emulator = await startKumaEmulator({ users: [USER], version });
    session = new KumaSession({ url: emulator.url, ...USER, timeoutMs: 2000 });
    await session.ready();
    ui = await connectRaw(emulator.url, { login: USER });
    const { monitorID } = await ui.ask<{ monitorID: number }>('add', uiMonitor({ name: 'from the UI' }, generation));
    await until(() => session!.monitors.get(monitorID)?.name === 'from the UI');
    const { monitor } = await ui.ask<{ monitor: Record<string, unknown> }>('getMonitor', monitorID);
    await ui.ask('editMonitor', { ...monitor, name: 'renamed in the UI' });
    await until(() => session!.monitors.get(monitorID)?.name === 'renamed in the UI');
    await ui.ask('pauseMonitor', monitorID);
    await until(() => session!.monitors.get(monitorID)?.active === false);
    await ui.ask('deleteMonitor', monitorID);
    await until(() => session!.monitors.get(monitorID) === undefined);
    expect(session.monitors.all()).toEqual([]);
  });

  it('creates, updates, pauses, imports and deletes through the provider', async () => {
    env = await startKumaEnv({ emulator: { version } });
    const config = { name: 'k3s api', type: 'http', url: 'https://k3s-vm-pve.maas:6443/readyz', interval: 30 };
    const { id, state } = await createResource(env.provider, T, config);
    expect(state).toMatchObject({ interval: 30, retry_interval: 30, timeout: 24 });
    const updated = await updateResource(env.provider, T, id, state, { ...config, interval: 45, active: false });
    expect(updated).toMatchObject({ interval: 45, active: false, timeout: 24 });
    expect((await env.provider.importResource({ type: T, id: 'name:k3s api' })).resource?.id).toBe(id);
    await env.provider.delete({ type: T, id, prior: updated });
    expect(await readResource(env.provider, T, id, updated)).toBeNull();
    // The provider's own delete is known at once, without waiting for the push.
    await expect(createResource(env.provider, T, config)).resolves.toMatchObject({ state: { name: 'k3s api' } });
  });
});

describe('interval limits at apply', () => {
  let env: KumaTestEnv | undefined;
  afterEach(async () => {
    await env?.stop();
    env = undefined;
  });

  it('re-checks against the real server: a 10 s interval planned for 2.5.3 is refused by a 1.23 server before anything is sent', async () => {
    env = await startKumaEnv({ emulator: { version: '1.23.16' } });
    const config = { name: 'too fast', type: 'http', url: 'https://x.maas/', interval: 10 };
    expect(env.provider.validateResource({ type: T, config, providerConfig: { version: '2.5.3' } })).toEqual([]);
    await expect(createResource(env.provider, T, config, { version: '2.5.3' })).rejects.toThrow(
      `monitor "too fast" cannot be saved on Uptime Kuma at ${env.emulator.url}: interval 10 s is below the minimum of 20 s of Uptime Kuma 1.23.16`,
    );
    expect(env.emulator.stats.calls.add).toBeUndefined();
  });
});
