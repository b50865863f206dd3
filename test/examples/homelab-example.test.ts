/**
 * The newcomer's path, in real processes against the embedded emulators: the committed
 * example and its state plan the seed's orchestrator steps, apply them, and then show no
 * changes. Runs on copies: the committed files are never touched.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runHl } from '../support/run-hl.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('examples/homelab.yaml with the committed homelab.state.json', () => {
  it('plans the orchestrator steps, applies them, then shows no changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-homelab-'));
    mkdirSync(join(dir, 'examples'));
    copyFileSync(join(ROOT, 'examples', 'homelab.yaml'), join(dir, 'examples', 'homelab.yaml'));
    copyFileSync(join(ROOT, 'homelab.state.json'), join(dir, 'homelab.state.json'));
    const committed = readFileSync(join(ROOT, 'homelab.state.json'), 'utf8');
    const state = JSON.parse(committed) as { resources: { address: string; id: string }[] };
    expect(state.resources.map((r) => `${r.address}=${r.id}`).sort()).toEqual([
      'proxmox_lxc.cloudflared=pve/111',
      'proxmox_lxc.docker=pve/100',
      'proxmox_vm.k3s["pve"]=pve/107',
      'proxmox_vm.maas=pve/102',
      'proxmox_vm.opnsense=pve/101',
    ]);

    const plan = await runHl(['plan', '-c', 'examples/homelab.yaml'], { cwd: dir });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('proxmox_vm.k3s["pumped-piglet"] will be created');
    expect(plan.stdout).toContain('maas_device.k3s["pve"] will be created');
    expect(plan.stdout).toContain('kuma_monitor.k3s_api_fun_bedbug["chief-horse"] will be created');
    expect(plan.stdout).toContain('coral_passthrough.frigate will be created');
    expect(plan.stdout).toContain('crucible_attachment.k3s_pve will be created');
    expect(plan.stdout).toMatch(/VM pve\/107 must be stopped/);
    expect(plan.stdout).toContain('lxc.cgroup2.devices.allow: c 189:* rwm');
    expect(plan.stdout).not.toMatch(/opnsense|proxmox_vm\.maas|docker will|cloudflared will/);

    const apply = await runHl(['apply', '-c', 'examples/homelab.yaml', '--auto-approve'], { cwd: dir });
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('Apply complete!');
    expect(apply.stdout).toContain('k3s_ips = ["192.168.4.52","192.168.4.51","192.168.4.50"]');
    expect(apply.stdout + apply.stderr).not.toContain('hl-emulator-1');

    const again = await runHl(['plan', '-c', 'examples/homelab.yaml', '--detailed-exitcode'], { cwd: dir });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('No changes.');
  }, 120_000);
});
