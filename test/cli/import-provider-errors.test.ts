/**
 * `hl import` reports a provider it cannot reach, or one that refuses it, the way plan does:
 * one located error at the provider block with the cause in words — never "internal error".
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN_ID, DEFAULT_TOKEN_SECRET, startProxmoxEmulator, type ProxmoxEmulator } from '../../providers/pve/emulator/start-emulator.js';
import { closedPort } from '../support/closed-port.js';
import { runHl } from '../support/run-hl.js';

const TLS_DIR = fileURLToPath(new URL('../fixtures/tls/', import.meta.url));
const FINGERPRINT = 'BB:AE:A9:A7:A7:E3:23:74:EC:2F:0B:23:63:34:19:AD:3C:DC:7D:5F:6F:EF:F2:05:0D:27:FC:B1:D1:F9:A2:7B';
const WRONG = 'AA:AE:A9:A7:A7:E3:23:74:EC:2F:0B:23:63:34:19:AD:3C:DC:7D:5F:6F:EF:F2:05:0D:27:FC:B1:D1:F9:A2:7B';

let emu: ProxmoxEmulator;

async function importWith(provider: string): Promise<{ code: number; stderr: string; state: string | undefined }> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-import-err-'));
  writeFileSync(join(dir, 'homelab.yaml'), `providers:\n  proxmox: { ${provider} }\nresources:\n  proxmox_vm.opnsense: { node: pve, vmid: 101, name: OPNsense }\n`);
  const r = await runHl(['import', 'proxmox_vm.opnsense', 'pve/101', '--no-color'], { cwd: dir, timeoutMs: 60_000 });
  let state: string | undefined;
  try {
    state = readFileSync(join(dir, 'homelab.state.json'), 'utf8');
  } catch {
    state = undefined;
  }
  return { code: r.code ?? -1, stderr: r.stderr, state };
}

beforeAll(async () => {
  emu = await startProxmoxEmulator({ tls: { cert: readFileSync(`${TLS_DIR}pve-emulator.crt`, 'utf8'), key: readFileSync(`${TLS_DIR}pve-emulator.key`, 'utf8') } });
});
afterAll(async () => {
  await emu?.close();
});

describe('hl import and provider failures', () => {
  it('a closed port: one located error with the cause, nothing recorded', async () => {
    const r = await importWith(`endpoint: "https://127.0.0.1:${await closedPort()}", tls_fingerprint: "${FINGERPRINT}", token_id: "${DEFAULT_TOKEN_ID}", token_secret: "${DEFAULT_TOKEN_SECRET}"`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Provider "proxmox" cannot be reached at https:\/\/127\.0\.0\.1:\d+: connection refused/);
    expect(r.stderr).toContain('homelab.yaml:2:');
    expect(r.stderr).not.toMatch(/internal error|\n\s+at \S+ \(.*:\d+:\d+\)/);
    expect(r.state ?? '').not.toContain('opnsense');
  });

  it('a wrong TLS pin and a refused token: located errors, not bugs', async () => {
    const pin = await importWith(`endpoint: "https://127.0.0.1:${emu.port}", tls_fingerprint: "${WRONG}", token_id: "${DEFAULT_TOKEN_ID}", token_secret: "${DEFAULT_TOKEN_SECRET}"`);
    expect(pin.code).toBe(1);
    expect(pin.stderr).toMatch(/Provider "proxmox" cannot be reached at https:\/\/127\.0\.0\.1:\d+: .*(fingerprint|pin)/i);
    expect(pin.stderr).not.toMatch(/internal error/);
    const auth = await importWith(`endpoint: "https://127.0.0.1:${emu.port}", tls_fingerprint: "${FINGERPRINT}", token_id: "${DEFAULT_TOKEN_ID}", token_secret: "00000000-1111-4222-8333-444444444444"`);
    expect(auth.code).toBe(1);
    expect(auth.stderr).toMatch(/Cannot import proxmox_vm\.opnsense: provider "proxmox" failed: .*401/);
    expect(auth.stderr).toContain('homelab.yaml:2:');
    expect(auth.stderr).not.toMatch(/internal error|00000000-1111/);
  });
});
