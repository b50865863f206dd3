/**
 * The newcomer's path, in real processes against the embedded emulators: the committed
 * example and its state plan the seed's orchestrator steps, apply them, and then show no
 * changes — with the emulated cluster playing each PVE release hl supports (`pve_version`
 * written into the PVE-backed provider blocks of a copy). Runs on copies: the committed files
 * are never touched. The releases run concurrently (each is its own hl processes).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PveVersion } from '../../providers/proxmox/emulator/pve-profile.js';
import { EMULATED_PVE_VERSIONS } from '../../providers/proxmox/provider-config.js';
import { runHl } from '../support/run-hl.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** examples/homelab.yaml with `pve_version` on the proxmox, coral and crucible blocks. */
function exampleFor(version: PveVersion): string {
  const text = readFileSync(join(ROOT, 'examples', 'homelab.yaml'), 'utf8');
  let edits = 0;
  const out = text.replace(/^(  (?:proxmox|coral|crucible): \{ emulated: true)/gm, (m) => {
    edits++;
    return `${m}, pve_version: "${version}"`;
  });
  expect(edits, 'the PVE-backed provider blocks of examples/homelab.yaml').toBe(3);
  return out;
}

describe('examples/homelab.yaml with the committed homelab.state.json', () => {
  for (const version of EMULATED_PVE_VERSIONS) {
    it.concurrent(`plans the orchestrator steps, applies them, then shows no changes (PVE ${version})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hl-homelab-'));
      mkdirSync(join(dir, 'examples'));
      writeFileSync(join(dir, 'examples', 'homelab.yaml'), exampleFor(version));
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
      expect(apply.stdout + apply.stderr).not.toMatch(/inconsistent/i);
      const world = JSON.parse(readFileSync(join(dir, '.hl', 'providers', 'proxmox', 'proxmox-world.json'), 'utf8')) as { pveVersion: string };
      expect(world.pveVersion.startsWith(`${version}.`), `the emulated cluster played ${world.pveVersion}`).toBe(true);

      const again = await runHl(['plan', '-c', 'examples/homelab.yaml', '--detailed-exitcode'], { cwd: dir });
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toContain('No changes.');
      expect(again.stdout + again.stderr).not.toMatch(/inconsistent/i);
      rmSync(dir, { recursive: true, force: true });
    }, 120_000);
  }
});
