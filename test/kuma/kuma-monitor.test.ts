/**
 * kuma_monitor through the provider against the emulator (Kuma 2.5.3) over a real socket.io
 * connection: the shared conformance suite, then create, update, delete, import, drift made
 * behind hl's back, pause/resume, groups, push tokens and recovery of an interrupted create.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { valueEquals } from '../../src/core/value.js';
import { ProviderError } from '../../src/provider/contract.js';
import { describeProviderConformance } from '../support/provider-conformance.js';
import { connectRaw, type RawKumaClient } from './support/raw-kuma-client.js';
import { createResource, plan, readResource, startKumaEnv, updateResource, USER, type KumaTestEnv } from './support/kuma-test-env.js';

const T = 'kuma_monitor';

describeProviderConformance(T, {
  type: T,
  start: async () => {
    const env = await startKumaEnv();
    return { provider: env.provider, stop: env.stop };
  },
  config: { name: 'k3s API', type: 'http', url: 'https://k3s-vm-pve.maas:6443/readyz', interval: 60, accepted_status_codes: ['200-299', '401'] },
  update: { name: 'k3s API', type: 'http', url: 'https://k3s-vm-pve.maas:6443/livez', interval: 120, max_retries: 2 },
});

describe('kuma_monitor lifecycle (Kuma 2.5.3)', () => {
  let env: KumaTestEnv;
  let ui: RawKumaClient;

  beforeAll(async () => {
    env = await startKumaEnv();
    ui = await connectRaw(env.emulator.url, { login: USER });
  });
  afterAll(async () => {
    ui.close();
    await env.stop();
  });

  async function serverMonitor(id: string): Promise<Record<string, unknown>> {
    const answer = await ui.ask<{ ok: boolean; monitor: Record<string, unknown> }>('getMonitor', Number(id));
    expect(answer.ok).toBe(true);
    return answer.monitor;
  }

  it('creates an http monitor with hl defaults, sends conditions, and reads back exactly what it planned', async () => {
    const config = { name: 'opnsense', type: 'http', url: 'https://opnsense.maas/' };
    const planned = plan(env.provider, T, config);
    const { id, state } = await createResource(env.provider, T, config);
    for (const [k, v] of Object.entries(planned)) if (k !== 'id') expect(state[k], k).toEqual(v);
    expect(state).toMatchObject({ interval: 60, retry_interval: 60, timeout: 48, method: 'GET', active: true, hostname: null, port: null, tags: [], notifications: [] });
    const m = await serverMonitor(id);
    expect(m).toMatchObject({ name: 'opnsense', interval: 60, retryInterval: 60, timeout: 48, conditions: [], accepted_statuscodes: ['200-299'], httpBodyEncoding: 'json' });
    expect(await readResource(env.provider, T, id, state)).toEqual(state);
  });

  it('plans no change for a monitor read back from the server: server-side defaults never show as drift', async () => {
    const config = { name: 'maas', type: 'http', url: 'http://maas.maas:5240/MAAS/' };
    const { id, state } = await createResource(env.provider, T, config);
    const refreshed = (await readResource(env.provider, T, id, state))!;
    const replanned = plan(env.provider, T, config, refreshed);
    expect(Object.keys(replanned).filter((k) => !valueEquals(replanned[k], refreshed[k]))).toEqual([]);
    expect(valueEquals(replanned, refreshed)).toBe(true);
  });

  it('updates in place and keeps what hl does not manage (editMonitor would reset it if left out)', async () => {
    const config = { name: 'pve ssh', type: 'port', hostname: 'pve.maas', port: 22 };
    const { id, state } = await createResource(env.provider, T, config);
    // Someone sets fields hl does not manage, in the web UI.
    const m = await serverMonitor(id);
    expect((await ui.ask<{ ok: boolean }>('editMonitor', { ...m, retryOnlyOnStatusCodeFailure: true, headers: '{"X-Probe":"hl"}', packetSize: 64, expiryNotification: true })).ok).toBe(true);

    const updated = await updateResource(env.provider, T, id, state, { ...config, interval: 90 });
    expect(updated).toMatchObject({ interval: 90, hostname: 'pve.maas', port: 22 });
    const after = await serverMonitor(id);
    expect(after).toMatchObject({ interval: 90, port: 22, hostname: 'pve.maas', retryOnlyOnStatusCodeFailure: true, headers: '{"X-Probe":"hl"}', packetSize: 64, expiryNotification: true });
  });

  it('deletes, and deleting again succeeds', async () => {
    const { id, state } = await createResource(env.provider, T, { name: 'to delete', type: 'ping', hostname: 'still-fawn.maas' });
    await env.provider.delete({ type: T, id, prior: state });
    expect(await readResource(env.provider, T, id, state)).toBeNull();
    await expect(env.provider.delete({ type: T, id, prior: state })).resolves.toBeUndefined();
  });

  it('shows drift: an edit made behind hl’s back is read, and a delete in the UI reads as gone', async () => {
    const config = { name: 'frigate', type: 'http', url: 'http://fun-bedbug.maas:5000/', interval: 60 };
    const { id, state } = await createResource(env.provider, T, config);
    const m = await serverMonitor(id);
    await ui.ask('editMonitor', { ...m, interval: 300, url: 'http://fun-bedbug.maas:5001/' });
    const drifted = (await readResource(env.provider, T, id, state))!;
    expect(drifted).toMatchObject({ interval: 300, url: 'http://fun-bedbug.maas:5001/' });
    const replanned = plan(env.provider, T, config, drifted);
    expect(replanned).toMatchObject({ interval: 60, url: 'http://fun-bedbug.maas:5000/' });

    await ui.ask('deleteMonitor', Number(id));
    expect(await readResource(env.provider, T, id, drifted)).toBeNull();
  });

  it('imports by id and by name, and answers null for nothing', async () => {
    const { monitorID } = await ui.ask<{ monitorID: number }>('add', {
      name: 'docker lxc',
      type: 'docker',
      docker_container: 'portainer',
      docker_host: 1,
      interval: 60,
      retryInterval: 60,
      timeout: 48,
      accepted_statuscodes: ['200-299'],
      conditions: [],
    });
    const byId = await env.provider.importResource({ type: T, id: String(monitorID) });
    expect(byId.resource).toMatchObject({ id: String(monitorID), state: { name: 'docker lxc', type: 'docker', docker_container: 'portainer', docker_host: 1, url: null } });
    const byName = await env.provider.importResource({ type: T, id: 'name:docker lxc' });
    expect(byName.resource?.id).toBe(String(monitorID));
    expect((await env.provider.importResource({ type: T, id: 'name:no such monitor' })).resource).toBeNull();
    expect((await env.provider.importResource({ type: T, id: '9999' })).resource).toBeNull();
    await expect(env.provider.importResource({ type: T, id: 'docker lxc' })).rejects.toThrow(/give its id \(12\) or its name as name:<name>/);
  });

  it('refuses an ambiguous import by name', async () => {
    await ui.ask('add', { name: 'twin', type: 'push', interval: 60, retryInterval: 60, accepted_statuscodes: ['200-299'], conditions: [] });
    await ui.ask('add', { name: 'twin', type: 'push', interval: 60, retryInterval: 60, accepted_statuscodes: ['200-299'], conditions: [] });
    await expect(env.provider.importResource({ type: T, id: 'name:twin' })).rejects.toThrow(/2 kuma_monitor objects are named "twin"/);
  });

  it('pauses and resumes through the active attribute, and reads a pause made in the UI as drift', async () => {
    const config = { name: 'cloudflared', type: 'http', url: 'https://lab.example/', active: false };
    const { id, state } = await createResource(env.provider, T, config);
    expect(state.active).toBe(false);
    expect((await serverMonitor(id)).active).toBe(false);
    const resumed = await updateResource(env.provider, T, id, state, { ...config, active: true });
    expect(resumed.active).toBe(true);
    expect((await serverMonitor(id)).active).toBe(true);
    await ui.ask('pauseMonitor', Number(id));
    expect((await readResource(env.provider, T, id, resumed))!.active).toBe(false);
  });

  it('puts monitors in a group by id or by name and reads the parent back the way it was written', async () => {
    const group = await createResource(env.provider, T, { name: 'pve services', type: 'group' });
    expect(group.state).toMatchObject({ type: 'group', url: null, timeout: null });
    const byId = await createResource(env.provider, T, { name: 'pve web', type: 'http', url: 'https://pve.maas:8006/', parent: group.state.id! });
    expect(byId.state.parent).toBe(group.state.id);
    const byName = await createResource(env.provider, T, { name: 'pve ping', type: 'ping', hostname: 'pve.maas', parent: 'pve services' });
    expect(byName.state.parent).toBe('pve services');
    expect((await serverMonitor(byName.id)).parent).toBe(group.state.id);
    await expect(createResource(env.provider, T, { name: 'orphan', type: 'ping', hostname: 'x.maas', parent: 'no such group' })).rejects.toThrow(/no group monitor named "no such group"/);
  });

  it('generates a push token for push monitors and keeps it across updates', async () => {
    const config = { name: 'backup job', type: 'push', interval: 3600 };
    const { id, state } = await createResource(env.provider, T, config);
    expect(state.push_token).toMatch(/^[A-Za-z0-9]{32}$/);
    const updated = await updateResource(env.provider, T, id, state, { ...config, interval: 7200 });
    expect(updated.push_token).toBe(state.push_token);
  });

  it('refuses to create a second monitor with the same name in the same group', async () => {
    await createResource(env.provider, T, { name: 'unique', type: 'ping', hostname: 'a.maas' });
    await expect(createResource(env.provider, T, { name: 'unique', type: 'ping', hostname: 'b.maas' })).rejects.toThrow(/already exists .*import it/);
  });
});

describe('kuma_monitor: an interrupted create', () => {
  it('times out with a clear error when Kuma stops answering, and recover then finds the monitor by name', async () => {
    const env = await startKumaEnv({ provider: { timeout_ms: 1000 } });
    try {
      await env.provider.read({ type: T, id: '1', prior: {} }); // connects and logs in
      env.emulator.setSilent(true);
      const config = { name: 'half made', type: 'http', url: 'https://k3s.maas/' };
      const planned = plan(env.provider, T, config);
      const { identity } = await env.provider.reserve({ type: T, planned });
      const started = Date.now();
      const error = await env.provider.create({ type: T, planned, identity }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as Error).message).toBe(`Uptime Kuma at ${env.emulator.url} did not answer \`add\` within 1 s`);
      expect(Date.now() - started).toBeLessThan(4000);

      env.emulator.setSilent(false);
      const recovered = await env.provider.recover({ type: T, identity, planned });
      expect(recovered?.state).toMatchObject({ name: 'half made', url: 'https://k3s.maas/' });
      expect(await env.provider.recover({ type: T, identity: { name: 'never made', type: 'http' }, planned })).toBeNull();
    } finally {
      await env.stop();
    }
  });
});

describe('kuma_monitor: plan-time limits', () => {
  it('plans against the strictest interval limit unless the provider block states the version', async () => {
    const env = await startKumaEnv();
    try {
      const fast = { name: 'fast', type: 'http', url: 'https://x.maas/', interval: 5, retry_interval: 5, timeout: 4 };
      const strict = env.provider.validateResource({ type: T, config: fast, providerConfig: {} });
      expect(strict.map((p) => p.message)).toEqual([
        expect.stringMatching(/^interval 5 s is below the minimum of 20 s of Uptime Kuma before 2\.1; .*state it as `version`/),
        expect.stringMatching(/^retry_interval 5 s is below the minimum of 20 s/),
      ]);
      expect(env.provider.validateResource({ type: T, config: fast, providerConfig: { version: '2.5.3' } })).toEqual([]);
      const created = await createResource(env.provider, T, fast, { version: '2.5.3' });
      expect(created.state).toMatchObject({ interval: 5, retry_interval: 5, timeout: 4 });
    } finally {
      await env.stop();
    }
  });
});
