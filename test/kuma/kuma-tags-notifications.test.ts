/**
 * kuma_tag and kuma_notification through the provider, and monitors referring to them by
 * name: the conformance suite for both, tags with and without values added and removed on
 * update, notifications linked and unlinked, drift made in the UI, and clear errors for
 * names that do not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProviderConformance } from '../support/provider-conformance.js';
import { connectRaw, uiMonitor, type RawKumaClient } from './support/raw-kuma-client.js';
import { createResource, plan, readResource, startKumaEnv, updateResource, USER, type KumaTestEnv } from './support/kuma-test-env.js';

const start = async (): Promise<{ provider: KumaTestEnv['provider']; stop: () => Promise<void> }> => {
  const env = await startKumaEnv();
  return { provider: env.provider, stop: env.stop };
};

describeProviderConformance('kuma_tag', {
  type: 'kuma_tag',
  start,
  config: { name: 'pve', color: '#2563EB' },
  update: { name: 'pve-node', color: '#059669' },
});

describeProviderConformance('kuma_notification', {
  type: 'kuma_notification',
  start,
  config: { name: 'ntfy lab', type: 'ntfy', config: { ntfyserverurl: 'https://ntfy.sh', ntfytopic: 'homelab', ntfyPriority: 5 } },
  update: { name: 'ntfy lab', type: 'ntfy', config: { ntfyserverurl: 'https://ntfy.sh', ntfytopic: 'homelab-alerts', ntfyPriority: 4 }, is_default: true },
});

describe('monitors with tags and notifications', () => {
  let env: KumaTestEnv;
  let ui: RawKumaClient;

  beforeAll(async () => {
    env = await startKumaEnv();
    ui = await connectRaw(env.emulator.url, { login: USER });
    await createResource(env.provider, 'kuma_tag', { name: 'node' });
    await createResource(env.provider, 'kuma_tag', { name: 'critical', color: '#DC2626' });
    await createResource(env.provider, 'kuma_notification', { name: 'ntfy', type: 'ntfy', config: { ntfyserverurl: 'https://ntfy.sh', ntfytopic: 'lab' } });
    await createResource(env.provider, 'kuma_notification', { name: 'discord', type: 'discord', config: { discordWebhookUrl: 'https://discord.test/hook' } });
  });
  afterAll(async () => {
    ui.close();
    await env.stop();
  });

  async function serverMonitor(id: string): Promise<Record<string, unknown>> {
    return (await ui.ask<{ monitor: Record<string, unknown> }>('getMonitor', Number(id))).monitor;
  }

  it('creates a monitor with tags (with and without a value) and notifications by name', async () => {
    const config = { name: 'k3s api', type: 'http', url: 'https://k3s.maas:6443/readyz', tags: [{ name: 'node', value: 'pve' }, 'critical'], notifications: ['ntfy'] };
    const { id, state } = await createResource(env.provider, 'kuma_monitor', config);
    expect(state.tags).toEqual([
      { name: 'critical', value: null },
      { name: 'node', value: 'pve' },
    ]);
    expect(state.notifications).toEqual(['ntfy']);
    const m = await serverMonitor(id);
    expect((m.tags as { name: string; value: string }[]).map((t) => [t.name, t.value])).toEqual([
      ['critical', ''],
      ['node', 'pve'],
    ]);
    expect(m.notificationIDList).toEqual({ '1': true });
    expect(plan(env.provider, 'kuma_monitor', config, state)).toEqual(state);
  });

  it('changes tags and notifications on update: removes, re-values and adds', async () => {
    const base = { name: 'pumped-piglet ping', type: 'ping', hostname: 'pumped-piglet.maas' };
    const { id, state } = await createResource(env.provider, 'kuma_monitor', { ...base, tags: [{ name: 'node', value: 'piglet' }, 'critical'], notifications: ['ntfy'] });
    const updated = await updateResource(env.provider, 'kuma_monitor', id, state, { ...base, tags: [{ name: 'node', value: 'pumped-piglet' }], notifications: ['discord', 'ntfy'] });
    expect(updated.tags).toEqual([{ name: 'node', value: 'pumped-piglet' }]);
    expect(updated.notifications).toEqual(['discord', 'ntfy']);
    const m = await serverMonitor(id);
    expect((m.tags as unknown[]).length).toBe(1);
    expect(m.notificationIDList).toEqual({ '1': true, '2': true });
    const cleared = await updateResource(env.provider, 'kuma_monitor', id, updated, { ...base, tags: [], notifications: [] });
    expect(cleared).toMatchObject({ tags: [], notifications: [] });
    expect(await serverMonitor(id)).toMatchObject({ tags: [], notificationIDList: {} });
  });

  it('leaves tags and notifications alone when the config does not mention them', async () => {
    const base = { name: 'chief-horse ping', type: 'ping', hostname: 'chief-horse.maas' };
    const { id, state } = await createResource(env.provider, 'kuma_monitor', base);
    await ui.ask('addMonitorTag', 1, Number(id), 'set in the UI');
    const refreshed = (await readResource(env.provider, 'kuma_monitor', id, state))!;
    expect(refreshed.tags).toEqual([{ name: 'node', value: 'set in the UI' }]);
    expect(plan(env.provider, 'kuma_monitor', base, refreshed).tags).toEqual(refreshed.tags);
  });

  it('names the missing tag or notification and says how to declare it', async () => {
    await expect(createResource(env.provider, 'kuma_monitor', { name: 'x', type: 'ping', hostname: 'x.maas', tags: ['nope'] })).rejects.toThrow(
      /no tag named "nope" on Uptime Kuma at .* \(known: node, critical\); declare it as a kuma_tag/,
    );
    await expect(createResource(env.provider, 'kuma_monitor', { name: 'y', type: 'ping', hostname: 'y.maas', notifications: ['pager'] })).rejects.toThrow(
      /no notification named "pager" .* \(known: ntfy, discord\); declare it as a kuma_notification/,
    );
  });

  it('reads a tag renamed or deleted in the UI as drift', async () => {
    const { id, state } = await createResource(env.provider, 'kuma_tag', { name: 'temporary' });
    await ui.ask('editTag', { id: Number(id), name: 'renamed', color: '#4B5563' });
    expect(await readResource(env.provider, 'kuma_tag', id, state)).toEqual({ id: Number(id), name: 'renamed', color: '#4B5563' });
    await ui.ask('deleteTag', Number(id));
    expect(await readResource(env.provider, 'kuma_tag', id, state)).toBeNull();
  });

  it('reads a notification changed or deleted in the UI as drift, from the pushed list', async () => {
    const { id, state } = await createResource(env.provider, 'kuma_notification', { name: 'webhook', type: 'webhook', config: { webhookURL: 'https://hooks.test/a', webhookContentType: 'json' } });
    await ui.ask('addNotification', { name: 'webhook', type: 'webhook', isDefault: false, webhookURL: 'https://hooks.test/b', webhookContentType: 'json' }, Number(id));
    const changed = async (): Promise<unknown> => ((await readResource(env.provider, 'kuma_notification', id, state)) as { config: { webhookURL: string } } | null)?.config.webhookURL;
    await expect.poll(changed).toBe('https://hooks.test/b');
    await ui.ask('deleteNotification', Number(id));
    await expect.poll(() => readResource(env.provider, 'kuma_notification', id, state)).toBeNull();
    await expect(env.provider.delete({ type: 'kuma_notification', id, prior: state })).resolves.toBeUndefined();
  });

  it('applies a notification to every existing monitor with apply_existing, and imports by name', async () => {
    const { monitorID } = await ui.ask<{ monitorID: number }>('add', uiMonitor({ name: 'made in the UI' }));
    const { id } = await createResource(env.provider, 'kuma_notification', { name: 'everyone', type: 'ntfy', config: { ntfytopic: 'all' }, apply_existing: true, is_default: true });
    expect((await serverMonitor(String(monitorID))).notificationIDList).toMatchObject({ [id]: true });
    const imported = await env.provider.importResource({ type: 'kuma_notification', id: 'name:everyone' });
    // applyExisting is an action Kuma does not store: an import reads it as false
    expect(imported.resource).toMatchObject({ id, state: { name: 'everyone', type: 'ntfy', config: { ntfytopic: 'all' }, is_default: true, apply_existing: false } });
    const tag = await env.provider.importResource({ type: 'kuma_tag', id: 'name:critical' });
    expect(tag.resource?.state).toEqual({ id: 2, name: 'critical', color: '#DC2626' });
  });

  it('refuses to create a tag or notification whose name is taken', async () => {
    await expect(createResource(env.provider, 'kuma_tag', { name: 'node' })).rejects.toThrow(/a tag named "node" already exists .* \(id 1\)/);
    await expect(createResource(env.provider, 'kuma_notification', { name: 'ntfy', type: 'ntfy' })).rejects.toThrow(/a notification named "ntfy" already exists/);
  });
});
