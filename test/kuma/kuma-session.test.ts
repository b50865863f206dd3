/**
 * The connection and session: one login shared by concurrent operations, the JWT reused
 * after a reconnect, refused logins reported clearly and never retried (Kuma allows 20 a
 * minute), 2FA, a server that stops answering or cannot be reached, and TLS trust scoped to
 * the connection (pinned fingerprint, CA file).
 */
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/provider/contract.js';
import { KumaProvider } from '../../providers/kuma/index.js';
import { startKumaEmulator, totpToken, type KumaEmulator } from '../../providers/kuma/emulator/index.js';
import { connectRaw } from './support/raw-kuma-client.js';
import { createResource, kumaEnvsPerTest, readResource, TEST_TLS, tempDir, USER } from './support/kuma-test-env.js';

const T = 'kuma_monitor';
const { env, cleanups } = kumaEnvsPerTest();
const CERT = TEST_TLS.cert;
const KEY = TEST_TLS.key;
const CERT_FINGERPRINT = TEST_TLS.fingerprint;

async function emulator(opts: Parameters<typeof startKumaEmulator>[0]): Promise<KumaEmulator> {
  const e = await startKumaEmulator(opts);
  cleanups.push(() => e.close());
  return e;
}

async function provider(config: Record<string, unknown>): Promise<KumaProvider> {
  const p = new KumaProvider();
  await p.configure({ config: config as never, configDir: fileURLToPath(new URL('.', import.meta.url)), workDir: tempDir() });
  cleanups.push(() => p.close());
  return p;
}

const readAny = (p: KumaProvider, id = '1'): Promise<unknown> => p.read({ type: T, id, prior: {} });

describe('kuma session: login', () => {
  it('logs in once for many concurrent operations', async () => {
    const e = await env();
    await Promise.all(Array.from({ length: 12 }, (_, i) => readAny(e.provider, String(i + 1))));
    await readAny(e.provider);
    expect(e.emulator.stats.calls.login).toBe(1);
    expect(e.emulator.stats.calls.getMonitor).toBe(13);
  });

  it('reuses the JWT with loginByToken after the connection drops', async () => {
    const e = await env();
    const { id, state } = await createResource(e.provider, T, { name: 'survives', type: 'ping', hostname: 'pve.maas' });
    e.emulator.disconnectAll();
    expect(await readResource(e.provider, T, id, state)).toEqual(state);
    expect(e.emulator.stats.calls.login).toBe(1);
    expect(e.emulator.stats.calls.loginByToken).toBe(1);
  });

  it('reports a wrong password clearly, once, without trying again', async () => {
    const e = await env({ provider: { password: 'not-the-password' } });
    const error = await readAny(e.provider).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toBe(`the login of admin at Uptime Kuma ${e.emulator.url} was refused: incorrect username or password (authIncorrectCreds)`);
    await expect(readAny(e.provider)).rejects.toThrow(/incorrect username or password/);
    await expect(createResource(e.provider, T, { name: 'x', type: 'ping', hostname: 'x' })).rejects.toThrow(/incorrect username or password/);
    expect(e.emulator.stats.passwordChecks).toBe(1);
  });

  it('says when the server has not been set up yet', async () => {
    const emu = await emulator({});
    const p = await provider({ url: emu.url, ...USER, timeout_ms: 2000 });
    await expect(readAny(p)).rejects.toThrow(/this Kuma has no user yet: finish its setup first/);
  });

  it('respects the login rate limit: one refused attempt, reported as retryable, never a loop', async () => {
    const emu = await emulator({ users: [USER] });
    const attacker = await connectRaw(emu.url);
    await Promise.all(Array.from({ length: 20 }, () => attacker.ask('login', { username: 'admin', password: 'guess', token: '' })));
    attacker.close();
    const p = await provider({ url: emu.url, ...USER, timeout_ms: 2000 });
    const error = (await readAny(p).catch((x: unknown) => x)) as ProviderError;
    expect(error.message).toMatch(/refused by Kuma's login rate limit \(Too frequently, try again later\.\); hl does not retry logins/);
    expect(error.options.retryable).toBe(true);
    await expect(readAny(p)).rejects.toBe(error);
    expect(emu.stats.calls.login).toBe(21);
  });

  it('logs in with a 2FA token, and says so when one is needed', async () => {
    const secret = 'hl-test-2fa-secret';
    const emu = await emulator({ users: [{ ...USER, twofaSecret: secret }] });
    const without = await provider({ url: emu.url, ...USER, timeout_ms: 2000 });
    await expect(readAny(without)).rejects.toThrow(`the login of admin at Uptime Kuma ${emu.url} needs a 2FA token: set \`token\` in the provider block`);
    const withToken = await provider({ url: emu.url, ...USER, token: totpToken(secret), timeout_ms: 2000 });
    await expect(readAny(withToken)).resolves.toEqual({ state: null });
  });
});

describe('kuma session: a server that does not answer', () => {
  it('fails a call with a clear timeout instead of hanging', async () => {
    const e = await env({ provider: { timeout_ms: 1000 } });
    await readAny(e.provider);
    e.emulator.setSilent(true);
    const started = Date.now();
    await expect(readAny(e.provider)).rejects.toThrow(`Uptime Kuma at ${e.emulator.url} did not answer \`getMonitor\` within 1 s`);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('times out the login of a silent server too', async () => {
    const e = await env({ provider: { timeout_ms: 1000 }, emulator: { faults: { silent: true } } });
    await expect(readAny(e.provider)).rejects.toThrow(`Uptime Kuma at ${e.emulator.url} did not answer \`login\` within 1 s`);
  });

  it('fails as soon as the connection is refused, not after the timeout', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    // a timeout longer than the test's own: only an immediate failure can pass
    const p = await provider({ url: `http://127.0.0.1:${port}`, ...USER, timeout_ms: 600_000 });
    const error = (await readAny(p).catch((x: unknown) => x)) as ProviderError;
    expect(error.message).toMatch(new RegExp(`^could not connect to Uptime Kuma at http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    expect(error.options.retryable).toBe(true);
    expect(error.options.unreachable?.cause).toBe('refused');
  });

  it('adds latency without failing when the server is slow but within the timeout', async () => {
    const e = await env({ emulator: { faults: { latencyMs: 50 } } });
    await expect(createResource(e.provider, T, { name: 'slow', type: 'ping', hostname: 'x.maas' })).resolves.toMatchObject({ state: { name: 'slow' } });
  });
});

describe('kuma session: TLS trust for this connection only', () => {
  it('accepts the self-signed certificate whose fingerprint is pinned', async () => {
    const emu = await emulator({ users: [USER], tls: { key: KEY, cert: CERT } });
    const p = await provider({ url: emu.url, ...USER, timeout_ms: 2000, tls_fingerprint: CERT_FINGERPRINT.toLowerCase() });
    await expect(readAny(p)).resolves.toEqual({ state: null });
  });

  it('refuses a certificate with another fingerprint before logging in', async () => {
    const emu = await emulator({ users: [USER], tls: { key: KEY, cert: CERT } });
    const wrong = CERT_FINGERPRINT.replace(/^62/, '63');
    const p = await provider({ url: emu.url, ...USER, timeout_ms: 1500, tls_fingerprint: wrong });
    await expect(readAny(p)).rejects.toThrow(/could not connect to Uptime Kuma .*does not match the pinned tls_fingerprint 63:92/);
    expect(emu.stats.calls.login).toBeUndefined();
  });

  it('verifies against ca_file, and refuses the self-signed certificate without it', async () => {
    const emu = await emulator({ users: [USER], tls: { key: KEY, cert: CERT } });
    const trusted = await provider({ url: emu.url, ...USER, timeout_ms: 2000, ca_file: 'fixtures/kuma-test-cert.pem' });
    await expect(readAny(trusted)).resolves.toEqual({ state: null });
    const untrusted = await provider({ url: emu.url, ...USER, timeout_ms: 1000 });
    await expect(readAny(untrusted)).rejects.toThrow(/could not connect to Uptime Kuma/);
    expect(emu.stats.calls.login).toBe(1);
  });
});
