/**
 * `emulated: true`: the provider runs the emulator in-process on a loopback port, keeps its
 * world in the instance's work directory (so `kuma.pve` and `kuma.fun-bedbug` have separate
 * worlds), sets it up with the configured user on first start, and stops it on close.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { EMULATED_WORLD_FILE, kumaProviderFactory, type KumaProvider } from '../../providers/kuma/index.js';
import { createResource, readResource, tempDir } from './support/kuma-test-env.js';

const open: KumaProvider[] = [];
afterEach(async () => {
  for (const p of open.splice(0)) await p.close();
});

async function emulated(workDir: string, extra: Attributes = {}): Promise<KumaProvider> {
  const provider = kumaProviderFactory.create() as KumaProvider;
  open.push(provider);
  await provider.configure({ config: { emulated: true, username: 'hl', password: 'homelab-2025', timeout_ms: 3000, ...extra }, configDir: process.cwd(), workDir });
  return provider;
}

describe('kuma provider with emulated: true', () => {
  it('serves from an embedded emulator whose world survives a restart', async () => {
    const workDir = tempDir();
    const first = await emulated(workDir);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { id, state } = await createResource(first, 'kuma_monitor', { name: 'uptime kuma itself', type: 'http', url: 'http://fun-bedbug.maas:3001/' });
    const worldFile = join(workDir, EMULATED_WORLD_FILE);
    expect(existsSync(worldFile)).toBe(true);
    expect((JSON.parse(readFileSync(worldFile, 'utf8')) as { monitors: { name: string }[] }).monitors.map((m) => m.name)).toEqual(['uptime kuma itself']);
    await first.close();

    const second = await emulated(workDir);
    expect(await readResource(second, 'kuma_monitor', id, state)).toEqual(state);
  });

  it('keeps separate worlds for two aliased instances (kuma.pve and kuma.fun-bedbug)', async () => {
    const pve = await emulated(tempDir());
    const funBedbug = await emulated(tempDir());
    expect(pve.url).not.toBe(funBedbug.url);
    const a = await createResource(pve, 'kuma_monitor', { name: 'k3s-vm-pve', type: 'ping', hostname: 'k3s-vm-pve.maas' });
    const b = await createResource(funBedbug, 'kuma_monitor', { name: 'frigate', type: 'ping', hostname: 'frigate.maas' });
    expect(a.id).toBe('1');
    expect(b.id).toBe('1');
    expect((await pve.importResource({ type: 'kuma_monitor', id: 'name:frigate' })).resource).toBeNull();
    expect((await funBedbug.importResource({ type: 'kuma_monitor', id: 'name:frigate' })).resource?.id).toBe('1');
  });

  it('emulates Kuma 1.23 when the block states a 1.x version, and plans with its 20 s minimum', async () => {
    const provider = await emulated(tempDir(), { version: '1.23' });
    const fast = { name: 'fast', type: 'ping', hostname: 'x.maas', interval: 10 };
    expect(provider.validateResource({ type: 'kuma_monitor', config: fast, providerConfig: { version: '1.23' } }).map((p) => p.message)).toEqual([
      'interval 10 s is below the minimum of 20 s of Uptime Kuma 1.23',
    ]);
    await expect(createResource(provider, 'kuma_monitor', { ...fast, interval: 20 }, { version: '1.23' })).resolves.toMatchObject({ state: { interval: 20, retry_interval: 20 } });
  });

  it('declares its schema, with the password and token sensitive', () => {
    const schema = kumaProviderFactory.create().getSchema();
    expect(Object.keys(schema.resources).sort()).toEqual(['kuma_monitor', 'kuma_notification', 'kuma_tag']);
    expect(schema.providerSensitive).toEqual(['password', 'token']);
    expect(schema.resources.kuma_notification!.attributes.config!.sensitive).toBe(true);
    expect(schema.resources.kuma_monitor!.importIdFormat).toMatch(/name:/);
  });
});
