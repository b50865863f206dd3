/**
 * `hl docs` as a user runs it: from state and live reads (fake provider), deterministic
 * (two runs equal), --out, --refresh=false on a homelab state, nothing sensitive printed,
 * and state left untouched.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runHl } from '../support/run-hl.js';
import { homelabState, SECRETS } from './homelab-state.js';

const SECRET = 'tok-DOCS-secret-2024';
const CONFIG = `
variables:
  token: { type: string, sensitive: true }
resources:
  fake_resource.base: { name: base }
  fake_resource.app: { name: app, value: "\${fake_resource.base.id}", secret: "\${var.token}" }
`;

let dir: string;
const hl = (args: string[]) => runHl(args, { cwd: dir, env: { HL_VAR_token: SECRET } });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hl-docs-'));
  writeFileSync(join(dir, 'homelab.yaml'), CONFIG);
});

describe('hl docs', () => {
  it('documents state with live reads; two runs give the same page; nothing sensitive; state untouched', async () => {
    expect((await hl(['apply', '--auto-approve'])).code).toBe(0);
    const stateBefore = readFileSync(join(dir, 'homelab.state.json'), 'utf8');
    const mtime = statSync(join(dir, 'homelab.state.json')).mtimeMs;

    const first = await hl(['docs']);
    expect(first.code, first.stderr).toBe(0);
    const second = await hl(['docs']);
    expect(second.stdout).toBe(first.stdout);

    expect(first.stdout).toMatch(/^# Homelab inventory\n/);
    expect(first.stdout).toContain('from the state and live reads of every resource');
    expect(first.stdout).toContain('0 Proxmox nodes, 0 guests, 0 IP addresses, 0 monitors; 2 resources in all.');
    expect(first.stdout).toContain('## Other resources');
    expect(first.stdout).toContain('| `fake_resource.app` | `fake_resource` | `fake-2` | — | — |');
    expect(first.stdout).toContain('```mermaid\nflowchart LR\n  n0["fake_resource.app"]\n  n1["fake_resource.base"]\n  n0 --> n1\n```');
    expect(first.stdout + first.stderr).not.toContain(SECRET);

    expect(readFileSync(join(dir, 'homelab.state.json'), 'utf8')).toBe(stateBefore);
    expect(statSync(join(dir, 'homelab.state.json')).mtimeMs).toBe(mtime);
  });

  it('shows what the live read finds: an object deleted outside hl is marked', async () => {
    expect((await hl(['apply', '--auto-approve'])).code).toBe(0);
    rmSync(join(dir, '.hl', 'providers', 'fake', 'fake-world.jsonl'));
    const live = await hl(['docs']);
    expect(live.code).toBe(0);
    expect(live.stdout).toContain('| `fake_resource.app` (not found by the live read) | `fake_resource` | `fake-2` | — | — |');
    const fromState = await hl(['docs', '--refresh=false']);
    expect(fromState.stdout).toContain('| `fake_resource.app` | `fake_resource` | `fake-2` | — | — |');
    expect(fromState.stdout).toContain('from the state (without live reads)');
  });

  it('--out writes the page to a file and prints nothing on stdout', async () => {
    expect((await hl(['apply', '--auto-approve'])).code).toBe(0);
    const r = await hl(['docs', '--out', 'INVENTORY.md']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Wrote the inventory to INVENTORY.md.');
    const written = readFileSync(join(dir, 'INVENTORY.md'), 'utf8');
    expect(written).toBe((await hl(['docs'])).stdout);
  });

  it('--refresh=false documents a homelab state without any provider or config', async () => {
    rmSync(join(dir, 'homelab.yaml'));
    writeFileSync(join(dir, 'homelab.state.json'), JSON.stringify(homelabState(), null, 1));
    const r = await hl(['docs', '--refresh=false']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('| `fun-bedbug` | 1: `frigate` | `192.168.4.50` | 1 | 1 |');
    expect(r.stdout).toContain('### `frigate` (VM 105) on `fun-bedbug`');
    expect(r.stdout).toContain('### `k3s` (VM 101) on `pve`');
    expect(r.stdout).toContain('- **DNS names:** `frigate.maas`; `nvr.maas`');
    expect(r.stdout).toContain('```mermaid\nflowchart LR\n  N0{{"node fun-bedbug"}}');
    expect(r.stdout).toContain('```mermaid\nflowchart LR\n  subgraph node0["node fun-bedbug"]');
    for (const s of SECRETS) expect(r.stdout).not.toContain(s);
    expect((await hl(['docs', '--refresh=false'])).stdout).toBe(r.stdout);
  });

  it('an empty state documents as empty; a config error stops the live read with exit 1', async () => {
    const empty = await hl(['docs']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('_The state holds no resources._');
    expect(existsSync(join(dir, 'homelab.state.json'))).toBe(false);

    writeFileSync(join(dir, 'homelab.yaml'), 'resources:\n  fake_resource.x: { name: x }\nresourses: {}\n');
    const broken = await hl(['docs']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('homelab.yaml:3:1');
    expect((await hl(['docs', '--refresh=false'])).code).toBe(0);
    expect((await hl(['docs', 'extra'])).code).toBe(1);
  });

  it('is listed in help', async () => {
    const r = await hl(['docs', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: hl docs [--out FILE] [--refresh=false]');
  });
});
