/**
 * Issue 14, item 8: a provider that cannot be reached gives one error per provider instance,
 * located at its provider block, with the cause in words and a hint — not one line per
 * resource. Three proxmox guests are imported through the TLS emulator, then the provider
 * block is pointed at a closed port, spoken to in plain http, and pinned to a wrong
 * fingerprint; `hl plan` is run as a user would.
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
let dir: string;

function config(provider: string): string {
  return `providers:
  proxmox: { ${provider}, token_id: "${DEFAULT_TOKEN_ID}", token_secret: "${DEFAULT_TOKEN_SECRET}" }
resources:
  proxmox_vm.opnsense: { node: pve, vmid: 101, name: OPNsense }
  proxmox_vm.maas: { node: pve, vmid: 102, name: UbuntuMAAS }
  proxmox_vm.k3s: { node: pve, vmid: 107, name: k3s-vm-pve }
`;
}

async function planWith(provider: string): Promise<{ code: number; errors: string[]; stderr: string }> {
  writeFileSync(join(dir, 'homelab.yaml'), config(provider));
  const r = await runHl(['plan', '--no-color'], { cwd: dir, timeoutMs: 60_000 });
  const errors = r.stderr.split('\n').filter((l) => /\berror\b/i.test(l) || l.startsWith('Error'));
  return { code: r.code ?? -1, errors, stderr: r.stderr };
}

beforeAll(async () => {
  emu = await startProxmoxEmulator({ tls: { cert: readFileSync(`${TLS_DIR}pve-emulator.crt`, 'utf8'), key: readFileSync(`${TLS_DIR}pve-emulator.key`, 'utf8') } });
  dir = mkdtempSync(join(tmpdir(), 'hl-unreachable-'));
  writeFileSync(join(dir, 'homelab.yaml'), config(`endpoint: "https://127.0.0.1:${emu.port}", tls_fingerprint: "${FINGERPRINT}"`));
  for (const [addr, id] of [
    ['proxmox_vm.opnsense', 'pve/101'],
    ['proxmox_vm.maas', 'pve/102'],
    ['proxmox_vm.k3s', 'pve/107'],
  ] as const) {
    const r = await runHl(['import', addr, id], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  await emu.close();
});

describe('an unreachable provider', () => {
  it('connection refused: one error, at the provider block, with the cause and a hint', async () => {
    const port = await closedPort();
    const r = await planWith(`endpoint: "https://127.0.0.1:${port}", tls_fingerprint: "${FINGERPRINT}"`);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.includes('cannot be reached'));
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toContain(`Provider "proxmox" cannot be reached at https://127.0.0.1:${port}: connection refused (3 resources in state could not be read)`);
    expect(r.stderr).toContain('homelab.yaml:2:');
    expect(r.stderr).toContain('Is the server running');
    expect(r.stderr).not.toMatch(/proxmox_vm\.\w+.*failed/);
  }, 60_000);

  it('plain http sent to the https port', async () => {
    const r = await planWith(`endpoint: "http://127.0.0.1:${emu.port}"`);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.includes('cannot be reached'));
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toContain('plain http was sent to a port that speaks https');
    expect(r.stderr).toContain('Use https://');
  }, 60_000);

  it('a TLS certificate that does not match the pinned fingerprint', async () => {
    const r = await planWith(`endpoint: "https://127.0.0.1:${emu.port}", tls_fingerprint: "${WRONG}"`);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.includes('cannot be reached'));
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toContain('its TLS certificate does not match the pinned fingerprint');
    expect(r.stderr).toContain('tls_fingerprint');
  }, 60_000);

  it('an unknown certificate authority, without a pin', async () => {
    const r = await planWith(`endpoint: "https://127.0.0.1:${emu.port}"`);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.includes('cannot be reached'));
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toContain('signed by an unknown authority');
    expect(r.stderr).toContain('ca_file');
  }, 60_000);
});
