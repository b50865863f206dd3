/**
 * The newcomer's path, in real processes against the embedded emulators: the committed
 * example and its state plan the seed's orchestrator steps, apply them, and then show no
 * changes — with the emulators playing each release hl supports: each PVE release
 * (`pve_version` written into the PVE-backed provider blocks of a copy), MAAS 3.5 and 3.7
 * (`maas_version`) and Uptime Kuma 2.5.3 and 1.23.16 (the kuma blocks' `version`), two runs
 * covering every profile. Runs on copies: the committed files are never touched. The runs go
 * concurrently (each is its own hl processes).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PveVersion } from '../../providers/pve/emulator/pve-profile.js';
import { EMULATED_PVE_VERSIONS } from '../../providers/pve/provider-settings.js';
import { EMULATED_MAAS_VERSIONS } from '../../providers/maas/provider-config.js';
import { runHl } from '../support/run-hl.js';
import { copyExampleModules } from '../support/example-modules.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Releases {
  pve: PveVersion;
  maas: string;
  kuma: string;
}

/** Each PVE release once; MAAS 3.5 and 3.7 and Kuma 2.5.3 and 1.23.16 spread over the runs. */
const RUNS: Releases[] = EMULATED_PVE_VERSIONS.map((pve, i) => ({
  pve,
  maas: i % 2 === 0 ? '3.5' : '3.7',
  kuma: i % 2 === 0 ? '2.5.3' : '1.23.16',
}));

/**
 * examples/homelab.yaml with `pve_version` on the proxmox, coral and crucible blocks,
 * `maas_version` on the maas block and `version` on the kuma blocks.
 */
function exampleFor(r: Releases): string {
  const text = readFileSync(join(ROOT, 'examples', 'homelab.yaml'), 'utf8');
  let edits = 0;
  let out = text.replace(/^(  (?:proxmox|coral|crucible): \{ emulated: true)/gm, (m) => {
    edits++;
    return `${m}, pve_version: "${r.pve}"`;
  });
  expect(edits, 'the PVE-backed provider blocks of examples/homelab.yaml').toBe(3);
  edits = 0;
  out = out.replace(/^(  maas: \{ emulated: true)/gm, (m) => {
    edits++;
    return `${m}, maas_version: "${r.maas}"`;
  });
  expect(edits, 'the maas block of examples/homelab.yaml').toBe(1);
  edits = 0;
  out = out.replace(/^(  kuma\.[a-z-]+: \{ emulated: true, .*)version: "2\.5\.3"/gm, (_m, head: string) => {
    edits++;
    return `${head}version: "${r.kuma}"`;
  });
  expect(edits, 'the kuma blocks of examples/homelab.yaml').toBe(2);
  return out;
}

describe('examples/homelab.yaml with the committed homelab.state.json', () => {
  it('covers every MAAS release the emulator plays at either end', () => {
    expect(RUNS.map((r) => r.maas)).toEqual(expect.arrayContaining([EMULATED_MAAS_VERSIONS[0], EMULATED_MAAS_VERSIONS[EMULATED_MAAS_VERSIONS.length - 1]]));
  });
  for (const releases of RUNS) {
    const version = releases.pve;
    it.concurrent(`plans the orchestrator steps, applies them, then shows no changes (PVE ${version}, MAAS ${releases.maas}, Kuma ${releases.kuma})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hl-homelab-'));
      mkdirSync(join(dir, 'examples'));
      writeFileSync(join(dir, 'examples', 'homelab.yaml'), exampleFor(releases));
      copyExampleModules(ROOT, join(dir, 'examples'));
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
      // the committed state's k3s VM is carried into the k3s-node module by a moved block
      // (and updated: the committed state has no clone settings, which the config records)
      expect(plan.stdout).toContain('# module.k3s_node["pve"].proxmox_vm.this will be updated in place\n  # (moved from proxmox_vm.k3s["pve"])');
      expect(plan.stdout).toContain('module.k3s_node["pumped-piglet"].proxmox_vm.this will be created');
      expect(plan.stdout).toContain('module.k3s_node["pve"].maas_device.this will be created');
      expect(plan.stdout).toContain('module.k3s_node["chief-horse"].kuma_monitor.api_secondary will be created');
      expect(plan.stdout).not.toContain('module.k3s_node["pve"].proxmox_vm.this will be created');
      expect(plan.stdout).toContain('coral_passthrough.frigate will be created');
      expect(plan.stdout).toContain('crucible_attachment.k3s_pve will be created');
      expect(plan.stdout).toMatch(/VM pve\/107 must be stopped/);
      expect(plan.stdout).toContain('lxc.cgroup2.devices.allow: c 189:* rwm');
      // the emulators once at the top, then the refresh of what exists, then the plan, which leaves it alone
      expect(plan.stdout).toMatch(/^Using embedded emulators for: proxmox, coral, crucible, maas, kuma\.pve, kuma\.fun-bedbug \(state of the emulated homelab in \.hl\/\)\n/);
      expect(plan.stdout.split('Using embedded emulators').length).toBe(2);
      expect(plan.stdout).toContain('proxmox_vm.opnsense: Refreshing state... [id=pve/101]\n');
      const changes = plan.stdout.slice(plan.stdout.indexOf('hl will perform the following actions'));
      expect(changes).not.toMatch(/opnsense|proxmox_vm\.maas|docker will|cloudflared will/);

      const apply = await runHl(['apply', '-c', 'examples/homelab.yaml', '--auto-approve'], { cwd: dir });
      expect(apply.code, apply.stderr).toBe(0);
      expect(apply.stdout).toContain('Apply complete!');
      expect(apply.stdout).toContain('k3s_ips = [\n  "192.168.4.52",\n  "192.168.4.51",\n  "192.168.4.50",\n]');
      expect(apply.stdout + apply.stderr).not.toContain('hl-emulator-1');
      expect(apply.stdout + apply.stderr).not.toMatch(/inconsistent/i);
      const world = JSON.parse(readFileSync(join(dir, '.hl', 'providers', 'proxmox', 'proxmox-world.json'), 'utf8')) as { pveVersion: string };
      expect(world.pveVersion.startsWith(`${version}.`), `the emulated cluster played ${world.pveVersion}`).toBe(true);
      const maasWorld = JSON.parse(readFileSync(join(dir, '.hl', 'providers', 'maas', 'maas-world.json'), 'utf8')) as { version: string };
      expect(maasWorld.version.startsWith(`${releases.maas}.`), `the emulated MAAS played ${maasWorld.version}`).toBe(true);

      const again = await runHl(['plan', '-c', 'examples/homelab.yaml', '--detailed-exitcode'], { cwd: dir });
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toContain('No changes.');
      expect(again.stdout + again.stderr).not.toMatch(/inconsistent/i);
      rmSync(dir, { recursive: true, force: true });
    }, 120_000);
  }
});
