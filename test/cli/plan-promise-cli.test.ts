/**
 * A plan is a promise, as a user meets it in real processes against the embedded PVE
 * emulator: a replacement whose create cannot succeed and a create_before_destroy that could
 * never get its fixed VMID are refused at plan time, located, before anything is destroyed.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runHl } from '../support/run-hl.js';
import { copyExampleModules } from '../support/example-modules.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function guestIds(dir: string): string[] {
  const world = JSON.parse(readFileSync(join(dir, '.hl', 'providers', 'proxmox', 'proxmox-world.json'), 'utf8')) as { guests: Record<string, unknown> };
  return Object.keys(world.guests).sort();
}

describe('plan-time refusals that keep what exists', () => {
  it('--replace of the imported cloudflared container (no ostemplate in config) is refused by plan and apply; CT 111 stays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-promise-'));
    mkdirSync(join(dir, 'examples'));
    copyFileSync(join(ROOT, 'examples', 'homelab.yaml'), join(dir, 'examples', 'homelab.yaml'));
    copyExampleModules(ROOT, join(dir, 'examples'));
    copyFileSync(join(ROOT, 'homelab.state.json'), join(dir, 'homelab.state.json'));
    const stateBefore = readFileSync(join(dir, 'homelab.state.json'), 'utf8');

    const plan = await runHl(['plan', '-c', 'examples/homelab.yaml', '--replace', 'proxmox_lxc.cloudflared'], { cwd: dir });
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('proxmox_lxc.cloudflared: ostemplate is required to create a container');
    expect(plan.stderr).toMatch(/on examples\/homelab\.yaml:\d+:\d+/);
    expect(plan.stderr).not.toMatch(/\n\s+at \S+ \(.*:\d+:\d+\)/); // no stack trace
    expect(guestIds(dir)).toContain('111');

    const apply = await runHl(['apply', '-c', 'examples/homelab.yaml', '--replace', 'proxmox_lxc.cloudflared', '--auto-approve'], { cwd: dir });
    expect(apply.code).toBe(1);
    expect(apply.stdout).not.toContain('Destroying');
    expect(guestIds(dir)).toContain('111');
    expect(readFileSync(join(dir, 'homelab.state.json'), 'utf8')).toBe(stateBefore);
  }, 60_000);

  it('create_before_destroy with a fixed vmid is refused at the vmid line, saying what to do; without the fixed vmid it applies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-promise-'));
    const config = (template: string, lifecycle: string, vmid: string): string => `
providers:
  proxmox: { emulated: true }
resources:
  proxmox_lxc.web:
    node: pve
${vmid}    hostname: web
    ostemplate: "local:vztmpl/${template}"
    memory: 256
    rootfs: { storage: local-lvm, size: 4G }
${lifecycle}`;
    writeFileSync(join(dir, 'homelab.yaml'), config('debian-12-standard_12.7-1_amd64.tar.zst', '', '    vmid: 361\n'));
    const first = await runHl(['apply', '--auto-approve'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(guestIds(dir)).toContain('361');

    writeFileSync(join(dir, 'homelab.yaml'), config('alpine-3.20-default_20240908_amd64.tar.xz', '    lifecycle: { create_before_destroy: true }\n', '    vmid: 361\n'));
    const plan = await runHl(['plan'], { cwd: dir });
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('proxmox_lxc.web: create_before_destroy cannot work with a fixed vmid: the new object would need vmid 361 while the object it replaces still holds it');
    expect(plan.stderr).toContain('homelab.yaml:7:11');
    expect(plan.stderr).toMatch(/drop "vmid" from the config.*or remove create_before_destroy/);
    expect(guestIds(dir)).toContain('361');

    writeFileSync(join(dir, 'homelab.yaml'), config('alpine-3.20-default_20240908_amd64.tar.xz', '    lifecycle: { create_before_destroy: true }\n', ''));
    const apply = await runHl(['apply', '--auto-approve'], { cwd: dir });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout).toContain('1 replaced');
    expect(guestIds(dir)).not.toContain('361');
  }, 90_000);
});
