/**
 * `--json` on the example homelab, in real processes against the embedded emulators (on a
 * copy, with the committed state): plan and apply stream only machine-readable UI lines —
 * the moved k3s VM planned as an update with its previous address, an apply_complete for
 * every apply_start, the apply summary and the outputs — with no emulator secret in them.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { copyExampleModules } from '../support/example-modules.js';
import { uiLines, type UiLine } from '../support/json-ui-lines.js';
import { runHl } from '../support/run-hl.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const ofType = (lines: UiLine[], type: string): UiLine[] => lines.filter((l) => l.type === type);
const hookAddr = (l: UiLine): string => (l['hook'] as { resource: { addr: string } }).resource.addr;

describe('examples/homelab.yaml with --json', () => {
  it('plan and apply stream only UI lines against the emulators', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-homelab-json-'));
    mkdirSync(join(dir, 'examples'));
    writeFileSync(join(dir, 'examples', 'homelab.yaml'), readFileSync(join(ROOT, 'examples', 'homelab.yaml'), 'utf8'));
    copyExampleModules(ROOT, join(dir, 'examples'));
    copyFileSync(join(ROOT, 'homelab.state.json'), join(dir, 'homelab.state.json'));

    const plan = await runHl(['plan', '-c', 'examples/homelab.yaml', '-json'], { cwd: dir });
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    const planned = uiLines(plan.stdout);
    expect(planned[0]!.type).toBe('version');
    const moved = ofType(planned, 'planned_change').find((l) => (l['change'] as { resource: { addr: string } }).resource.addr === 'module.k3s_node["pve"].proxmox_vm.this');
    expect(moved?.['change']).toMatchObject({
      action: 'update',
      resource: { module: 'module.k3s_node["pve"]', resource: 'proxmox_vm.this', implied_provider: 'proxmox', resource_type: 'proxmox_vm', resource_name: 'this', resource_key: null },
      previous_resource: { addr: 'proxmox_vm.k3s["pve"]', resource_key: 'pve' },
    });
    expect(ofType(planned, 'change_summary')).toHaveLength(1);

    const apply = await runHl(['apply', '-c', 'examples/homelab.yaml', '-json', '-auto-approve'], { cwd: dir });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    const lines = uiLines(apply.stdout);
    expect(apply.stderr).toBe('');
    expect(apply.stdout).not.toContain('hl-emulator-1');
    const started = ofType(lines, 'apply_start').map(hookAddr).sort();
    expect(started.length).toBeGreaterThan(5);
    expect(ofType(lines, 'apply_complete').map(hookAddr).sort()).toEqual(started);
    expect(ofType(lines, 'apply_errored')).toEqual([]);
    expect(ofType(lines, 'change_summary').map((l) => (l['changes'] as { operation: string }).operation)).toEqual(['plan', 'apply']);
    const outputs = lines[lines.length - 1]!;
    expect(outputs.type).toBe('outputs');
    expect((outputs['outputs'] as Record<string, unknown>)['k3s_ips']).toEqual({
      sensitive: false,
      type: ['tuple', ['string', 'string', 'string']],
      value: ['192.168.4.52', '192.168.4.51', '192.168.4.50'],
    });
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
