/**
 * TLS against the emulator serving https with a self-signed certificate (made here with
 * openssl; the test is skipped where openssl is missing): a SHA-256 pin, a CA file, insecure,
 * and the default refusal — all scoped to the provider's own dispatcher, never process-wide.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { MaasProvider } from '../../providers/maas/maas-provider.js';
import { startMaasEmulator, type MaasEmulator } from '../../providers/maas/emulator/maas-emulator.js';

function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!haveOpenssl())('TLS trust of the maas provider', () => {
  let dir: string;
  let cert: string;
  let emulator: MaasEmulator;
  let fingerprint: string;
  const providers: MaasProvider[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hl-maas-tls-'));
    execFileSync(
      'openssl',
      [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=localhost',
        '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    fingerprint = new X509Certificate(cert).fingerprint256;
    emulator = await startMaasEmulator({ worldFile: join(dir, 'world.json'), tls: { cert, key: readFileSync(join(dir, 'key.pem'), 'utf8') } });
  });
  afterAll(async () => {
    for (const p of providers) await p.close();
    await emulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function providerWith(extra: Record<string, unknown>): Promise<MaasProvider> {
    const p = new MaasProvider({ retryDelayMs: 1 });
    providers.push(p);
    await p.configure({ config: { url: emulator.url, api_key: emulator.apiKey, timeout_seconds: 5, ...extra }, configDir: dir, workDir: dir });
    return p;
  }
  const readPve = (p: MaasProvider) => p.read({ type: 'maas_device', id: 'pqd3ht', prior: {} });

  it('serves https', () => {
    expect(emulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/MAAS$/);
  });

  it('a matching SHA-256 pin is trusted (colons and case do not matter)', async () => {
    const p = await providerWith({ tls_fingerprint: fingerprint.toLowerCase() });
    expect((await readPve(p)).state).toMatchObject({ hostname: 'pve' });
  });

  it('a wrong pin is refused before any request (and so the API key) reaches the server', async () => {
    const wrong = fingerprint.replace(/^../, fingerprint.startsWith('00') ? '11' : '00');
    const p = await providerWith({ tls_fingerprint: wrong });
    const before = emulator.requestLog.length;
    const err = await readPve(p).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/TLS certificate of 127\.0\.0\.1 has SHA-256 fingerprint [0-9a-f]{64}, not the pinned [0-9a-f]{64}; refusing to send the API key/);
    expect(emulator.requestLog.length).toBe(before);
  });

  it('ca_file (relative to the config directory) is trusted', async () => {
    writeFileSync(join(dir, 'maas-ca.pem'), cert);
    const p = await providerWith({ ca_file: 'maas-ca.pem' });
    expect((await readPve(p)).state).toMatchObject({ hostname: 'pve' });
  });

  it('a ca_file that cannot be read fails configure clearly', async () => {
    const p = new MaasProvider();
    await expect(
      p.configure({ config: { url: emulator.url, api_key: emulator.apiKey, ca_file: 'missing.pem' }, configDir: dir, workDir: dir }),
    ).rejects.toThrow(/maas provider: cannot read ca_file .*missing\.pem/);
  });

  it('without trust options the self-signed certificate is refused', async () => {
    const p = await providerWith({});
    await expect(readPve(p)).rejects.toThrow(/self-signed certificate|SELF_SIGNED/i);
  });

  it('insecure: true connects without verification, scoped to this provider only', async () => {
    const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    const p = await providerWith({ insecure: true });
    expect((await readPve(p)).state).toMatchObject({ hostname: 'pve' });
    expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBe(before);
    // The process-wide default dispatcher still refuses the certificate.
    await expect(request(`${emulator.url}/api/2.0/version/`)).rejects.toThrow();
  });
});
