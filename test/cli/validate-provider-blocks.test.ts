/**
 * `hl validate` checks provider blocks exactly as `hl plan` does (issue 14, item 7): a bad
 * value or an undeclared variable in a provider block is a located error and exit 1, not
 * "Success!"; a variable with no value at validate is unknown, not an error.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runHl } from '../support/run-hl.js';

let dir: string;
const hl = (args: string[]) => runHl(args, { cwd: dir });

const config = (providerExtra: string, secret = '${var.pve_token_secret}') => `variables:
  pve_token_secret: { type: string, sensitive: true }
providers:
  proxmox:
    endpoint: "https://pve.maas:8006"
    token_id: "hl@pve!ci"
    token_secret: "${secret}"
${providerExtra}resources:
  proxmox_vm.a: { node: pve, name: a }
`;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hl-validate-'));
});

describe('hl validate on provider blocks', () => {
  it('refuses a bad enum value in the proxmox block, located, with a did-you-mean', async () => {
    writeFileSync(join(dir, 'homelab.yaml'), config('    reboot: nevr\n'));
    const r = await hl(['validate']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('Success!');
    expect(r.stderr).toContain('Attribute "reboot" must be one of "never", "if-needed", got string "nevr"');
    expect(r.stderr).toContain('on homelab.yaml:8:13');
    expect(r.stderr).toContain('Did you mean "never"?');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses an undeclared variable in token_secret, in --json too', async () => {
    writeFileSync(join(dir, 'homelab.yaml'), config('', '${var.x}'));
    const r = await hl(['validate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Reference to undeclared variable "x"');
    expect(r.stderr).toContain('on homelab.yaml:7:22');
    const json = await hl(['validate', '--json']);
    expect(json.code).toBe(1);
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; diagnostic?: { summary: string; range?: { start: { line: number } } } });
    const diagnostics = lines.flatMap((l) => (l.type === 'diagnostic' && l.diagnostic ? [l.diagnostic] : []));
    expect(diagnostics.some((d) => d.summary.includes('undeclared variable "x"') && d.range?.start.line === 7)).toBe(true);
  });

  it('accepts a valid block whose variables have no value at validate (unknown, not an error)', async () => {
    writeFileSync(join(dir, 'homelab.yaml'), config('    reboot: if-needed\n'));
    const r = await hl(['validate']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Success! The configuration is valid.');
    expect(r.code).toBe(0);
  });
});
