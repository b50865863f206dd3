/**
 * TLS trust of the proxmox provider against the emulator serving HTTPS with the self-signed
 * fixture certificate (test/fixtures/tls): a CA file is accepted, a matching SHA-256 pin is
 * accepted, a wrong pin and an unverifiable certificate are refused (before any credentials
 * are sent), insecure works only when asked for — and nothing is changed process-wide.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { DEFAULT_TOKEN_ID, DEFAULT_TOKEN_SECRET, startProxmoxEmulator, type ProxmoxEmulator } from '../../providers/pve/emulator/start-emulator.js';
import { ProxmoxProvider } from '../../providers/proxmox/proxmox-provider.js';
import { allRequests } from './support/provider-fixture.js';
import { checkRequestsAfterAll } from './support/schema-check.js';

const TLS_DIR = fileURLToPath(new URL('../fixtures/tls/', import.meta.url));
const CERT = `${TLS_DIR}pve-emulator.crt`;
const FINGERPRINT = 'BB:AE:A9:A7:A7:E3:23:74:EC:2F:0B:23:63:34:19:AD:3C:DC:7D:5F:6F:EF:F2:05:0D:27:FC:B1:D1:F9:A2:7B';
const WRONG = 'AA:AE:A9:A7:A7:E3:23:74:EC:2F:0B:23:63:34:19:AD:3C:DC:7D:5F:6F:EF:F2:05:0D:27:FC:B1:D1:F9:A2:7B';

checkRequestsAfterAll();

describe('proxmox provider TLS', () => {
  let emu: ProxmoxEmulator;
  beforeAll(async () => {
    emu = await startProxmoxEmulator({ tls: { cert: readFileSync(CERT, 'utf8'), key: readFileSync(`${TLS_DIR}pve-emulator.key`, 'utf8') } });
  });
  afterAll(async () => {
    allRequests.push(...emu.requestLog);
    await emu.close();
  });

  async function importWith(extra: Attributes): Promise<string | null> {
    const provider = new ProxmoxProvider();
    await provider.configure({
      config: { endpoint: `https://127.0.0.1:${emu.port}`, token_id: DEFAULT_TOKEN_ID, token_secret: DEFAULT_TOKEN_SECRET, ...extra },
      configDir: TLS_DIR,
      workDir: TLS_DIR,
    });
    try {
      return (await provider.importResource({ type: 'proxmox_vm', id: 'pve/101' })).resource?.id ?? null;
    } finally {
      await provider.close();
    }
  }

  it('accepts the server with a CA file (relative to the config directory)', async () => {
    expect(await importWith({ ca_file: 'pve-emulator.crt' })).toBe('pve/101');
  });

  it('accepts the server with a matching SHA-256 fingerprint pin (any case, with or without colons)', async () => {
    expect(await importWith({ tls_fingerprint: FINGERPRINT })).toBe('pve/101');
    expect(await importWith({ tls_fingerprint: FINGERPRINT.replace(/:/g, '').toLowerCase() })).toBe('pve/101');
  });

  it('refuses a wrong pin before sending anything', async () => {
    const before = emu.requestLog.length;
    await expect(importWith({ tls_fingerprint: WRONG })).rejects.toThrow(/TLS verification failed: the TLS certificate of 127\.0\.0\.1 has SHA-256 fingerprint BB:AE:A9.*not the pinned AA:AE:A9/);
    expect(emu.requestLog.length).toBe(before);
  });

  it('refuses the self-signed certificate without a CA file or pin', async () => {
    const before = emu.requestLog.length;
    await expect(importWith({})).rejects.toThrow(/TLS verification failed: .*(self.signed|unable to verify)/i);
    expect(emu.requestLog.length).toBe(before);
  });

  it('connects without verification only with insecure: true, and never process-wide', async () => {
    expect(await importWith({ insecure: true })).toBe('pve/101');
    expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBeUndefined();
    await expect(importWith({})).rejects.toThrow(/TLS verification failed/);
  });

  it('refuses plain http to a host that is not loopback, and a CA file that cannot be read', async () => {
    const provider = new ProxmoxProvider();
    await expect(
      provider.configure({ config: { endpoint: 'http://pve.maas:8006', token_id: DEFAULT_TOKEN_ID, token_secret: DEFAULT_TOKEN_SECRET }, configDir: TLS_DIR, workDir: TLS_DIR }),
    ).rejects.toThrow(/endpoint uses plain http to pve\.maas: the API credentials would cross the network unencrypted\. Use https, or set allow_http: true/);
    await expect(
      provider.configure({
        config: { endpoint: 'https://pve.maas:8006', token_id: DEFAULT_TOKEN_ID, token_secret: DEFAULT_TOKEN_SECRET, ca_file: 'missing.pem' },
        configDir: TLS_DIR,
        workDir: TLS_DIR,
      }),
    ).rejects.toThrow(/ca_file .*missing\.pem cannot be read/);
  });
});
