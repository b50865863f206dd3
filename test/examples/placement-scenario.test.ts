/**
 * Issue 22, the seed's placement scenario, in real `hl` processes against the embedded
 * emulated homelab (examples/homelab.yaml applied first, on a copy):
 *
 * - moving the docker container from pve to pumped-piglet (onto its ZFS storage) plans a
 *   restart migration, applies it (same VMID, same MAC, new id) and converges;
 * - moving Frigate off fun-bedbug is refused, naming the Coral passed through to it;
 * - a 16 GB VM planned on chief-horse (7.66 GB) is an error at its memory line;
 * - `node: auto` puts a new 8 GB VM on pumped-piglet and says why, node by node.
 *
 * Migrations run at 1/100 of the homelab's duration (HL_EMULATED_MIGRATION_TIME_SCALE): the
 * 32 GiB rootfs copy still goes through a task of a few seconds.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExampleModules } from '../support/example-modules.js';
import { runHl } from '../support/run-hl.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENV = { HL_EMULATED_MIGRATION_TIME_SCALE: '0.01' };

interface WorldGuest {
  vmid: number;
  node: string;
  status: string;
  config: string;
}

function edit(text: string, from: string, to: string): string {
  expect(text, `examples/homelab.yaml has ${JSON.stringify(from)}`).toContain(from);
  return text.replace(from, to);
}

describe('placement: the seed scenario on the emulated homelab', () => {
  let dir: string;
  let example: string;
  const hl = (args: string[]) => runHl(args, { cwd: dir, env: ENV });
  const world = (): Record<string, WorldGuest> =>
    (JSON.parse(readFileSync(join(dir, '.hl', 'providers', 'proxmox', 'proxmox-world.json'), 'utf8')) as { guests: Record<string, WorldGuest> })
      .guests;
  const state = () => JSON.parse(readFileSync(join(dir, 'homelab.state.json'), 'utf8')) as { resources: { address: string; id: string }[] };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hl-placement-'));
    mkdirSync(join(dir, 'examples'));
    example = readFileSync(join(ROOT, 'examples', 'homelab.yaml'), 'utf8');
    writeFileSync(join(dir, 'examples', 'homelab.yaml'), example);
    copyExampleModules(ROOT, join(dir, 'examples'));
    copyFileSync(join(ROOT, 'homelab.state.json'), join(dir, 'homelab.state.json'));
    const apply = await hl(['apply', '-c', 'examples', '--auto-approve']);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates the docker container from pve to pumped-piglet and converges', async () => {
    const before = Object.values(world()).find((g) => g.vmid === 100)!;
    const mac = /hwaddr=([0-9A-F:]+)/i.exec(before.config)?.[1];
    expect(before.node).toBe('pve');
    expect(mac).toBeDefined();

    const moved = edit(example, '  proxmox_lxc.docker:\n    node: pve\n', '  proxmox_lxc.docker:\n    node: pumped-piglet\n    rootfs: { storage: local-zfs }\n');
    writeFileSync(join(dir, 'examples', 'homelab.yaml'), moved);
    const plan = await hl(['plan', '-c', 'examples', '-out', 'docker.tfplan']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toContain('# proxmox_lxc.docker will be updated in place');
    expect(plan.stdout).toContain(
      '~ node   = "pve" -> "pumped-piglet" (restart migration (the container is stopped, moved and started again on pumped-piglet), volumes copied to local-zfs)',
    );
    expect(plan.stdout).toContain('Plan: 0 to add, 1 to change, 0 to replace, 0 to destroy.');
    // the capacity table: 4 GiB leave pve for pumped-piglet
    expect(plan.stdout).toMatch(/pumped-piglet +16 GiB -> 20 GiB of 62\.4 GiB/);
    expect(plan.stdout).toMatch(/pve +17\.5 GiB -> 13\.5 GiB of 15\.4 GiB/);

    const apply = await hl(['apply', '-c', 'examples', 'docker.tfplan']);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/proxmox_lxc\.docker: migrating pve\/100 to pumped-piglet: .*TASK OK/);
    expect(apply.stdout).toContain('proxmox_lxc.docker: Modifications complete after');
    expect(apply.stdout).toContain('[id=pumped-piglet/100]');

    const after = Object.values(world()).filter((g) => g.vmid === 100);
    expect(after.map((g) => [g.node, g.status])).toEqual([['pumped-piglet', 'running']]);
    expect(after[0]!.config).toContain(`hwaddr=${mac}`);
    expect(after[0]!.config).toMatch(/rootfs: local-zfs:subvol-100-disk-0/);
    expect(state().resources.filter((r) => r.address === 'proxmox_lxc.docker').map((r) => r.id)).toEqual(['pumped-piglet/100']);

    const again = await hl(['plan', '-c', 'examples', '--detailed-exitcode']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('No changes.');
    example = moved;
  }, 120_000);

  it('refuses to move Frigate off fun-bedbug, naming the Coral', async () => {
    const moved = edit(example, '  proxmox_lxc.frigate:\n    node: fun-bedbug\n', '  proxmox_lxc.frigate:\n    node: pumped-piglet\n');
    writeFileSync(join(dir, 'examples', 'homelab.yaml'), moved);
    const line = moved.split('\n').indexOf('  proxmox_lxc.frigate:') + 2;
    const plan = await hl(['plan', '-c', 'examples']);
    expect(plan.code).toBe(1);
    expect(plan.stdout + plan.stderr).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack trace
    expect(plan.stderr).toContain(
      'Error: proxmox_lxc.frigate cannot migrate from fun-bedbug to pumped-piglet: coral_passthrough.frigate passes the USB Coral TPU on port 2-1 of fun-bedbug through to it',
    );
    expect(plan.stderr).toContain(`on examples/homelab.yaml:${line}:11`);
    // nothing moved
    expect(Object.values(world()).find((g) => g.vmid === 113)?.node).toBe('fun-bedbug');
    writeFileSync(join(dir, 'examples', 'homelab.yaml'), example);
  }, 60_000);

  it('refuses a 16 GB VM on chief-horse at its memory line', async () => {
    writeFileSync(join(dir, 'examples', 'big.yaml'), 'resources:\n  proxmox_vm.big:\n    node: chief-horse\n    name: big\n    cores: 2\n    memory: 16384\n');
    const plan = await hl(['plan', '-c', 'examples']);
    rmSync(join(dir, 'examples', 'big.yaml'));
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('Error: proxmox_vm.big: memory 16 GiB is more than chief-horse has (7.7 GiB); it could never start there');
    expect(plan.stderr).toContain('on examples/big.yaml:6:13');
  }, 60_000);

  it('places a new 8 GB VM with node: auto on pumped-piglet and says why', async () => {
    writeFileSync(
      join(dir, 'examples', 'builder.yaml'),
      'resources:\n  proxmox_vm.builder:\n    node: auto\n    name: builder\n    cores: 4\n    memory: 8192\n    networks:\n      net0: { bridge: vmbr0 }\n',
    );
    const plan = await hl(['plan', '-c', 'examples', '-out', 'builder.tfplan']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/# node: auto chose pumped-piglet: [\d.]+ GiB of 62\.4 GiB free after this guest/);
    expect(plan.stdout).toContain('#   chief-horse: too little memory (has 7.7 GiB, needs 8 GiB)');
    expect(plan.stdout).toContain('#   fun-bedbug: too little memory (has 7.2 GiB, needs 8 GiB)');
    expect(plan.stdout).toMatch(/# {3}pve: too little memory \([\d.]+ GiB free, needs 8 GiB\)/);
    expect(plan.stdout).toContain('+ node            = "pumped-piglet"');

    const apply = await hl(['apply', '-c', 'examples', 'builder.tfplan']);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(Object.values(world()).filter((g) => /name: builder/.test(g.config)).map((g) => g.node)).toEqual(['pumped-piglet']);
    // auto never moves what exists: the next plan keeps it where it is
    const again = await hl(['plan', '-c', 'examples', '--detailed-exitcode']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
  }, 120_000);
});
