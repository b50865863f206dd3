/**
 * moved, import and removed blocks as a user runs them, in real hl processes against the
 * embedded PVE emulator (its world seeded with the homelab's guests, kept in
 * .hl/providers/proxmox between runs): import blocks adopt guests that exist, in a plan a
 * reviewer can read, applied from a saved plan, and the next plan is empty; a removed block
 * with destroy: false forgets a container, which keeps running (read back through the
 * emulator's API); a moved block renames a VM in state, and the next plan is empty.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { proxmoxProviderFactory } from '../../providers/proxmox/index.js';
import { runHl } from '../support/run-hl.js';

const dir = mkdtempSync(join(tmpdir(), 'hl-refactoring-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hl = (...args: string[]) => runHl([...args, '--no-color'], { cwd: dir });
const addresses = (): string[] =>
  (JSON.parse(readFileSync(join(dir, 'homelab.state.json'), 'utf8')) as { resources: { address: string }[] }).resources
    .map((r) => r.address)
    .sort();

/** The guests of the seeded homelab, as the config declares them; `vm` is the VM's block name. */
function config(opts: { vm: string; containers: string[]; extra: string }): string {
  const cts = {
    docker: '{ vmid: 100, cores: 2, memory: 4096, tags: [docker] }',
    cloudflared: '{ vmid: 111, cores: 1, memory: 512, tags: [cloudflare] }',
  } as Record<string, string>;
  return `providers:
  proxmox: { emulated: true, reboot: never }
locals:
  cts:
${opts.containers.map((c) => `    ${c}: ${cts[c]}`).join('\n')}
resources:
  proxmox_vm.${opts.vm}:
    node: pve
    vmid: 101
    name: OPNsense
    cores: 2
    memory: 8192
    tags: [firewall]
    onboot: true
  proxmox_lxc.ct:
    for_each: \${local.cts}
    node: pve
    vmid: \${each.value.vmid}
    hostname: \${each.key}
    cores: \${each.value.cores}
    memory: \${each.value.memory}
    tags: \${each.value.tags}
    onboot: true
import:
  - to: proxmox_vm.${opts.vm}
    id: pve/101
  - for_each: \${local.cts}
    to: proxmox_lxc.ct[each.key]
    id: pve/\${each.value.vmid}
${opts.extra}`;
}

/** Reads a guest through the emulator's API, as hl's provider does, with the world hl left. */
async function readGuest(type: 'proxmox_lxc' | 'proxmox_vm', id: string) {
  const workDir = join(dir, '.hl', 'providers', 'proxmox');
  const p = proxmoxProviderFactory.create();
  await p.configure({ config: { emulated: true }, configDir: dir, workDir });
  try {
    return (await p.importResource!({ type, id })).resource;
  } finally {
    await p.close!();
  }
}

describe('refactoring blocks against the emulated homelab', () => {
  it('imports existing guests, forgets one without destroying it, renames one; each next plan is empty', async () => {
    // ---- import: the seeded guests are adopted by a plan a reviewer can read ----
    writeFileSync(join(dir, 'homelab.yaml'), config({ vm: 'opnsense', containers: ['docker', 'cloudflared'], extra: '' }));
    const plan = await hl('plan', '--out', 'import.plan');
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('  # proxmox_lxc.ct["docker"] will be imported\n    resource "proxmox_lxc" "ct" {');
    expect(plan.stdout).toContain('  # proxmox_lxc.ct["cloudflared"] will be imported');
    expect(plan.stdout).toContain(
      '  # proxmox_vm.opnsense will be updated in place\n  # (imported from "pve/101")',
    );
    expect(plan.stdout).toMatch(/~ memory\s+= 4096 -> 8192/);
    expect(plan.stdout).toContain('Plan: 3 to import, 0 to add, 1 to change, 0 to replace, 0 to destroy.');
    const json = JSON.parse((await hl('show', '--json', 'import.plan')).stdout) as {
      resource_changes: { address: string; change: { actions: string[]; importing?: { id: string } } }[];
    };
    expect(json.resource_changes.map((c) => [c.address, c.change.actions, c.change.importing])).toEqual(
      expect.arrayContaining([
        ['proxmox_vm.opnsense', ['update'], { id: 'pve/101' }],
        ['proxmox_lxc.ct["docker"]', ['no-op'], { id: 'pve/100' }],
      ]),
    );
    const applied = await hl('apply', 'import.plan');
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('Apply complete! Resources: 3 imported, 0 added, 1 changed, 0 replaced, 0 destroyed.');
    expect(addresses()).toEqual(['proxmox_lxc.ct["cloudflared"]', 'proxmox_lxc.ct["docker"]', 'proxmox_vm.opnsense']);
    // the import blocks stay in the config: the objects are in state with those ids
    const again = await hl('plan', '--detailed-exitcode');
    expect(again.stdout).toContain('No changes.');
    expect(again.code).toBe(0);

    // ---- removed, destroy: false: state lets go of cloudflared, which keeps running ----
    writeFileSync(
      join(dir, 'homelab.yaml'),
      config({
        vm: 'opnsense',
        containers: ['docker'],
        extra: 'removed:\n  - from: proxmox_lxc.ct["cloudflared"]\n    lifecycle: { destroy: false }\n',
      }),
    );
    const forgetPlan = await hl('plan');
    expect(forgetPlan.stdout).toContain(`  # proxmox_lxc.ct["cloudflared"] will be removed from hl's state (it is not destroyed)`);
    expect(forgetPlan.stdout).toContain('Plan: 0 to add, 0 to change, 0 to replace, 0 to destroy, 1 to forget.');
    const forgot = await hl('apply', '--auto-approve');
    expect(forgot.stderr).toBe('');
    expect(forgot.stdout).toContain('Apply complete! Resources: 0 added, 0 changed, 0 replaced, 0 destroyed, 1 forgotten.');
    expect(addresses()).toEqual(['proxmox_lxc.ct["docker"]', 'proxmox_vm.opnsense']);
    expect(await readGuest('proxmox_lxc', 'pve/111')).toMatchObject({ id: 'pve/111', state: { hostname: 'cloudflared', started: true } });
    expect((await hl('plan', '--detailed-exitcode')).code).toBe(0);

    // ---- moved: the VM's block is renamed; state follows without touching the VM ----
    writeFileSync(
      join(dir, 'homelab.yaml'),
      config({ vm: 'firewall', containers: ['docker'], extra: 'moved:\n  - from: proxmox_vm.opnsense\n    to: proxmox_vm.firewall\n' }),
    );
    const movePlan = await hl('plan', '--out', 'move.plan');
    expect(movePlan.code).toBe(0);
    expect(movePlan.stdout).toContain('  # proxmox_vm.opnsense has moved to proxmox_vm.firewall');
    expect(movePlan.stdout).toContain('Plan: 0 to add, 0 to change, 0 to replace, 0 to destroy, 1 to move.');
    const moveJson = JSON.parse((await hl('show', '--json', 'move.plan')).stdout) as {
      resource_changes: { address: string; previous_address?: string }[];
    };
    expect(moveJson.resource_changes.find((c) => c.address === 'proxmox_vm.firewall')?.previous_address).toBe('proxmox_vm.opnsense');
    const moved = await hl('apply', 'move.plan');
    expect(moved.stderr).toBe('');
    expect(moved.stdout).toContain('1 moved');
    expect(addresses()).toEqual(['proxmox_lxc.ct["docker"]', 'proxmox_vm.firewall']);
    const last = await hl('plan', '--detailed-exitcode');
    expect(last.stdout).toContain('No changes.');
    expect(last.code).toBe(0);
    expect(await readGuest('proxmox_vm', 'pve/101')).toMatchObject({ state: { name: 'OPNsense', memory: 8192 } });
  }, 120_000);
});
