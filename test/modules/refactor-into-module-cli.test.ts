/**
 * Issue 20's refactoring scenario, against the emulated homelab: the example as it was (its
 * k3s nodes as flat for_each blocks) is applied; the example as it is now (a k3s-node module
 * per node, with moved blocks) then plans only moves — nothing added, changed or destroyed —
 * applies them, and the next plan is empty.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExampleModules } from '../support/example-modules.js';
import { runHl } from '../support/run-hl.js';

const ROOT = resolve('.');

describe('refactoring the example into the k3s-node module', () => {
  it('moves the applied flat resources into module instances without a create or destroy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-refactor-'));
    mkdirSync(join(dir, 'examples'));
    copyFileSync(join(ROOT, 'test', 'fixtures', 'refactor', 'homelab-flat.yaml'), join(dir, 'examples', 'homelab.yaml'));
    copyFileSync(join(ROOT, 'homelab.state.json'), join(dir, 'homelab.state.json'));
    const hl = (...args: string[]) => runHl(args, { cwd: dir });

    const flat = await hl('apply', '-c', 'examples/homelab.yaml', '--auto-approve');
    expect(flat.code, flat.stderr).toBe(0);
    const before = JSON.parse(readFileSync(join(dir, 'homelab.state.json'), 'utf8')) as { resources: { address: string; id: string }[] };
    const idOf = (address: string, state = before) => state.resources.find((r) => r.address === address)?.id;
    expect(idOf('proxmox_vm.k3s["pve"]')).toBe('pve/107');

    copyFileSync(join(ROOT, 'examples', 'homelab.yaml'), join(dir, 'examples', 'homelab.yaml'));
    copyExampleModules(ROOT, join(dir, 'examples'));
    const plan = await hl('plan', '-c', 'examples/homelab.yaml', '--out', 'refactor.plan');
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('# proxmox_vm.k3s["pve"] has moved to module.k3s_node["pve"].proxmox_vm.this');
    expect(plan.stdout).toContain('# kuma_monitor.k3s_api_fun_bedbug["chief-horse"] has moved to module.k3s_node["chief-horse"].kuma_monitor.api_secondary');
    expect(plan.stdout).toMatch(/0 to add, 0 to change, (0 to replace, )?0 to destroy/);
    expect(plan.stdout).toContain('12 to move');
    expect(plan.stdout).not.toMatch(/will be (created|destroyed|updated|replaced)/);

    const apply = await hl('apply', 'refactor.plan', '-c', 'examples/homelab.yaml');
    expect(apply.code, apply.stderr).toBe(0);
    const after = JSON.parse(readFileSync(join(dir, 'homelab.state.json'), 'utf8')) as { resources: { address: string; id: string; module?: string }[] };
    expect(idOf('module.k3s_node["pve"].proxmox_vm.this', after)).toBe('pve/107');
    expect(after.resources.find((r) => r.address === 'module.k3s_node["pve"].proxmox_vm.this')?.module).toBe('module.k3s_node["pve"]');
    expect(idOf('module.k3s_node["chief-horse"].maas_device.this', after)).toBe(idOf('maas_device.k3s["chief-horse"]'));
    expect(after.resources.some((r) => r.address.startsWith('proxmox_vm.k3s'))).toBe(false);

    const again = await hl('plan', '-c', 'examples/homelab.yaml', '--detailed-exitcode');
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('No changes.');

    rmSync(dir, { recursive: true, force: true });
  }, 240_000);
});
