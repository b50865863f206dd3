/**
 * One transport rule for every provider (issue 15): plain http only to loopback or with
 * `allow_http: true` (warned about), `insecure: true` warned about; a refusal is a configure
 * error located at the provider block. Run through the CLI as a user would; nothing is
 * contacted (the providers connect lazily and there are no resources).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHl } from '../support/run-hl.js';

const TOKEN = 'token_id: "hl@pve!ci", token_secret: "0b7c6a3e-1111-2222-3333-444455556666"';
const KEY = 'aaaaaaaaaaaaaaaaaa:bbbbbbbbbbbbbbbbbb:ccccccccccccccccccccccccccccccccc';

function blocks(pve: string, maas: string, kuma: string, extra: string): string {
  return [
    'providers:',
    `  proxmox: { endpoint: "${pve}", ${TOKEN}${extra} }`,
    `  crucible: { endpoint: "${pve}", ${TOKEN}${extra} }`,
    `  coral: { endpoint: "${pve}", ${TOKEN}${extra} }`,
    `  maas: { url: "${maas}", api_key: "${KEY}"${extra} }`,
    `  kuma: { url: "${kuma}", username: admin, password: "pw-kuma-secret"${extra.replace(', insecure: true', '')} }`,
    'resources: {}',
    '',
  ].join('\n');
}

async function plan(config: string) {
  const dir = mkdtempSync(join(tmpdir(), 'hl-transport-'));
  writeFileSync(join(dir, 'homelab.yaml'), config);
  return runHl(['plan'], { cwd: dir });
}

const LINES: Record<string, number> = { proxmox: 2, crucible: 3, coral: 4, maas: 5, kuma: 6 };

describe('transport policy, the same for every provider', () => {
  it('refuses plain http to a network host, at each provider block, naming allow_http', async () => {
    const r = await plan(blocks('http://pve.lan:8006', 'http://maas.lan:5240/MAAS', 'http://kuma.lan:3001', ''));
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    for (const [provider, line] of Object.entries(LINES)) {
      const re = new RegExp(`Error: Provider "${provider}" could not be configured: [^\\n]*plain http to \\w+\\.lan[^\\n]*allow_http: true[^\\n]*\\n\\n  on homelab\\.yaml:${line}:3`);
      expect(r.stderr).toMatch(re);
    }
    expect(r.stdout + r.stderr).not.toContain('pw-kuma-secret');
  });

  it('accepts plain http with allow_http: true, warning at each provider block', async () => {
    const r = await plan(blocks('http://pve.lan:8006', 'http://maas.lan:5240/MAAS', 'http://kuma.lan:3001', ', allow_http: true'));
    expect(r.code).toBe(0);
    for (const [provider, line] of Object.entries(LINES)) {
      expect(r.stderr).toMatch(new RegExp(`Warning: Provider "${provider}": [^\\n]*plain http to \\w+\\.lan \\(allow_http: true\\)[^\\n]*\\n\\n  on homelab\\.yaml:${line}:3`));
    }
  });

  it('accepts plain http to loopback without a word', async () => {
    const r = await plan(blocks('http://127.0.0.1:8006', 'http://localhost:5240/MAAS', 'http://[::1]:3001', ''));
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('Warning');
  });

  it('warns about insecure: true (no certificate verification) at each provider block that has it', async () => {
    const r = await plan(blocks('https://pve.lan:8006', 'https://maas.lan:5443/MAAS', 'https://kuma.lan:3001', ', insecure: true'));
    expect(r.code).toBe(0);
    for (const provider of ['proxmox', 'crucible', 'coral', 'maas']) {
      expect(r.stderr).toMatch(new RegExp(`Warning: Provider "${provider}": insecure: true: the certificate of \\w+\\.lan is not verified[^\\n]*\\n\\n  on homelab\\.yaml:${LINES[provider]}:3`));
    }
  });
});
