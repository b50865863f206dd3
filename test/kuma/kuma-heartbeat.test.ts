/**
 * The kuma provider's heartbeat hook (hl watch --heartbeat) against the emulator: which
 * monitors can take heartbeats (a push monitor with its token in state), an `up` and a
 * `down` push recorded by Kuma with their message and ping, pushes over TLS with the
 * provider's own trust, and the push token never in an error, refused or unreachable.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { ProviderError } from '../../src/provider/contract.js';
import { KumaProvider } from '../../providers/kuma/index.js';
import { startKumaEmulator } from '../../providers/kuma/emulator/index.js';
import { closedPort } from '../support/closed-port.js';
import { createResource, kumaEnvsPerTest, TEST_TLS, tempDir, USER } from './support/kuma-test-env.js';

const T = 'kuma_monitor';
const TOKEN = 'hlWatchPushToken0123456789abcdef';
const { env, cleanups } = kumaEnvsPerTest();

async function provider(config: Record<string, unknown>): Promise<KumaProvider> {
  const p = new KumaProvider();
  await p.configure({ config: config as never, configDir: fileURLToPath(new URL('.', import.meta.url)), workDir: tempDir() });
  cleanups.push(() => p.close());
  return p;
}

/** The error a promise fails with. */
const failure = async (p: Promise<unknown>): Promise<ProviderError> => (await p.then(() => undefined, (e: unknown) => e)) as ProviderError;

describe('kuma heartbeat: which monitors take heartbeats', () => {
  const hook = new KumaProvider().heartbeat;
  const push: Attributes = { type: 'push', push_token: TOKEN, interval: 600, active: true };

  it.each([
    { reason: 'a push monitor with its token', type: T, state: push, everyMs: 330_000, problems: [] },
    { reason: 'a monitor of another type', type: T, state: { ...push, type: 'http' }, problems: [{ path: ['type'], message: 'a monitor of type http takes no heartbeats: only a monitor of type push does' }] },
    { reason: 'no token in state yet', type: T, state: { ...push, push_token: null }, problems: [{ path: ['push_token'], message: expect.stringMatching(/^no push token in state/) }] },
    { reason: 'another resource type', type: 'kuma_tag', state: {}, problems: [{ path: [], message: 'a kuma_tag takes no heartbeats: only a kuma_monitor of type push does' }] },
    { reason: 'a paused monitor', type: T, state: { ...push, active: false }, problems: [{ path: ['active'], severity: 'warning', message: expect.stringMatching(/paused/) }] },
    {
      reason: 'an interval shorter than the watcher\'s',
      type: T,
      state: { ...push, interval: 300 },
      everyMs: 330_000,
      problems: [{ path: ['interval'], severity: 'warning', message: expect.stringMatching(/^interval 300 s is shorter than the time between two heartbeats \(up to 330 s/) }],
    },
    { reason: 'no interval to compare with (--once)', type: T, state: { ...push, interval: 20 }, problems: [] },
  ])('$reason', ({ type, state, everyMs, problems }) => {
    expect(hook.check({ type, state, ...(everyMs !== undefined ? { everyMs } : {}) })).toEqual(problems);
  });
});

describe('kuma heartbeat: pushes', () => {
  it('pushes up with the ping and down with the reason; Kuma records both', async () => {
    const e = await env();
    const { id, state } = await createResource(e.provider, T, { name: 'hl watch', type: 'push', interval: 600 });
    expect(typeof state.push_token).toBe('string');
    await e.provider.heartbeat.send({ type: T, id, state, status: 'up', message: 'cycle 1: 0 drifted', pingMs: 1234 });
    expect(e.emulator.world.lastHeartbeat(Number(id))).toMatchObject({ status: 1, msg: 'cycle 1: 0 drifted', ping: 1234 });
    await e.provider.heartbeat.send({ type: T, id, state, status: 'down', message: 'cycle 2 failed: 1 operation failed', pingMs: 0.2 });
    // a ping under 1 ms is sent as 1: Kuma would store 0 as "no ping"
    expect(e.emulator.world.lastHeartbeat(Number(id))).toMatchObject({ status: 0, msg: 'cycle 2 failed: 1 operation failed', ping: 1 });
  });

  it('refuses a monitor that is not a push monitor before sending anything', async () => {
    const e = await env();
    const { id, state } = await createResource(e.provider, T, { name: 'web', type: 'http', url: 'https://web.lan/' });
    const err = await failure(e.provider.heartbeat.send({ type: T, id, state, status: 'up', message: 'ok' }));
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toBe(`kuma: kuma_monitor ${id}: a monitor of type http takes no heartbeats: only a monitor of type push does`);
  });

  it('says what Kuma answered to an unknown or paused monitor, without the token', async () => {
    const e = await env();
    const state = { type: 'push', push_token: TOKEN, active: true, interval: 60 };
    const err = await failure(e.provider.heartbeat.send({ type: T, id: '99', state, status: 'up', message: 'ok' }));
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toBe(`kuma: the push to ${e.emulator.url}/api/push/(sensitive value) was refused (HTTP 404: Monitor not found or not active.)`);
    expect(err.message).not.toContain(TOKEN);
  });

  it('says a server it cannot reach is unreachable, without the token', async () => {
    const port = await closedPort();
    const p = await provider({ url: `http://127.0.0.1:${port}`, ...USER, timeout_ms: 1000 });
    const err = await failure(p.heartbeat.send({ type: T, id: '1', state: { type: 'push', push_token: TOKEN }, status: 'up', message: 'ok' }));
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toMatch(/^kuma: the push to http:\/\/127\.0\.0\.1:\d+\/api\/push\/\(sensitive value\) got no answer/);
    expect(err.message).not.toContain(TOKEN);
    expect(err.options.unreachable?.cause).toBe('refused');
  });

  it('pushes over TLS with the pinned fingerprint, and refuses another certificate', async () => {
    const emu = await startKumaEmulator({
      users: [USER],
      tls: { key: TEST_TLS.key, cert: TEST_TLS.cert },
    });
    cleanups.push(() => emu.close());
    const pinned = await provider({ url: emu.url, ...USER, timeout_ms: 2000, tls_fingerprint: TEST_TLS.fingerprint });
    const { id, state } = await createResource(pinned, T, { name: 'hl watch', type: 'push', interval: 600 });
    await pinned.heartbeat.send({ type: T, id, state, status: 'up', message: 'over TLS' });
    expect(emu.world.lastHeartbeat(Number(id))).toMatchObject({ status: 1, msg: 'over TLS' });

    const wrong = await provider({ url: emu.url, ...USER, timeout_ms: 2000, tls_fingerprint: TEST_TLS.fingerprint.replace(/^62/, '63') });
    const err = await failure(wrong.heartbeat.send({ type: T, id, state, status: 'up', message: 'refused' }));
    expect(err.message).toMatch(/got no answer: .*not the pinned/);
    expect(err.message).not.toContain(state.push_token as string);
    expect(emu.world.heartbeatsOf(Number(id))).toHaveLength(1);
  });
});
