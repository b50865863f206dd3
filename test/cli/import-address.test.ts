/**
 * `hl import` refuses an address the config does not declare and an object state already
 * manages at another address (issue 14, item 4), with the real CLI: against the example
 * homelab (its emulated providers; a refusal contacts nothing) and the fake provider.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runHl } from '../support/run-hl.js';

let dir: string;
const hl = (args: string[]) => runHl(args, { cwd: dir });
const addresses = (): string[] => {
  const path = join(dir, 'homelab.state.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { resources: { address: string }[] }).resources.map((r) => r.address) : [];
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hl-import-'));
});

function expectRefused(r: { code: number | null; stderr: string; stdout: string }, ...messages: string[]): void {
  expect(r.stdout).not.toContain('Imported');
  for (const m of messages) expect(r.stderr).toContain(m);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  expect(r.code).toBe(1);
  expect(addresses()).toEqual([]);
}

describe('hl import on the example homelab', () => {
  const example = resolve('examples', 'homelab.yaml');
  const imp = (address: string, id: string) => hl(['import', '-c', example, address, id]);

  it('refuses a for_each resource without an instance key, naming its instances', async () => {
    const r = await imp('maas_device.kuma_host', 'abc123');
    expectRefused(
      r,
      'Cannot import maas_device.kuma_host: maas_device.kuma_host has for_each, so the address needs an instance key',
      'maas_device.kuma_host["fun-bedbug"], maas_device.kuma_host["pve"]',
    );
    expect(r.stderr).toMatch(/on .*homelab\.yaml:\d+:\d+/);
  });

  it('refuses a key its for_each does not produce, with a did-you-mean, and an index', async () => {
    expectRefused(await imp('maas_device.kuma_host["fun-bedbg"]', 'abc123'), 'the for_each of maas_device.kuma_host has no key "fun-bedbg"', 'Did you mean "fun-bedbug"?');
    expectRefused(await imp('maas_device.kuma_host[0]', 'abc123'), 'its instances have string keys, not [0]');
  });

  it('names resources inside modules by their module address', async () => {
    expectRefused(
      await imp('module.k3s_node["pve"].maas_device.thiss', 'abc123'),
      'module.k3s_node["pve"].maas_device.thiss is not in the configuration',
      'Did you mean "module.k3s_node["pve"].maas_device.this"?',
    );
  });

  it('refuses a key on a plain resource, an unknown resource and the wrong type', async () => {
    expectRefused(await imp('proxmox_vm.opnsense["x"]', 'pve/101'), 'proxmox_vm.opnsense has neither count nor for_each, so its address takes no instance key');
    expectRefused(await imp('proxmox_vm.opnsens', 'pve/101'), 'proxmox_vm.opnsens is not in the configuration', 'Did you mean "proxmox_vm.opnsense"?');
    expectRefused(await imp('proxmox_lxc.opnsense', 'pve/101'), '"opnsense" is a proxmox_vm in the configuration, not a proxmox_lxc', 'Did you mean "proxmox_vm.opnsense"?');
  });
});

describe('hl import with the fake provider', () => {
  it('refuses count addresses without an index or out of range', async () => {
    writeFileSync(join(dir, 'homelab.yaml'), 'resources:\n  fake_resource.c:\n    count: 2\n    name: "c-${count.index}"\n');
    expectRefused(await hl(['import', 'fake_resource.c', 'fake-1']), 'fake_resource.c has count, so the address needs an index', 'fake_resource.c[0], fake_resource.c[1]');
    expectRefused(await hl(['import', 'fake_resource.c[2]', 'fake-1']), 'index 2 is out of range: count is 2 (indexes 0 to 1)');
    expectRefused(await hl(['import', 'fake_resource.c["a"]', 'fake-1']), 'its instances have numeric indexes, not ["a"]');
  });

  it('refuses an id state manages at another address, naming it; imports at the declared address, and the next plan keeps it', async () => {
    writeFileSync(join(dir, 'homelab.yaml'), 'resources:\n  fake_resource.r:\n    for_each: [a, b]\n    name: "${each.key}"\n');
    expect((await hl(['apply', '--auto-approve'])).code).toBe(0);
    const state = JSON.parse(readFileSync(join(dir, 'homelab.state.json'), 'utf8')) as { resources: { address: string; id: string }[] };
    const idOf = (a: string) => state.resources.find((r) => r.address === a)!.id;
    expect((await hl(['state', 'rm', 'fake_resource.r["b"]'])).code).toBe(0);

    const twice = await hl(['import', 'fake_resource.r["b"]', idOf('fake_resource.r["a"]')]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain(`Cannot import fake_resource.r["b"]: fake_resource ${idOf('fake_resource.r["a"]')} is already managed by hl as fake_resource.r["a"]`);
    const keyless = await hl(['import', 'fake_resource.r', idOf('fake_resource.r["b"]')]);
    expect(keyless.code).toBe(1);
    expect(keyless.stderr).toContain('fake_resource.r has for_each, so the address needs an instance key');
    expect(addresses()).toEqual(['fake_resource.r["a"]']);

    const ok = await hl(['import', 'fake_resource.r["b"]', idOf('fake_resource.r["b"]')]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(addresses().sort()).toEqual(['fake_resource.r["a"]', 'fake_resource.r["b"]']);
    const plan = await hl(['plan', '--detailed-exitcode']);
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);
  }, 30_000);

  it('refuses, saying why, when the for_each keys are known only after apply; checks them once they are known', async () => {
    writeFileSync(
      join(dir, 'homelab.yaml'),
      'resources:\n  fake_resource.base: { name: base }\n  fake_resource.r:\n    for_each: "${{for n in [fake_resource.base.id] : n => n}}"\n    name: "${each.key}"\n',
    );
    const r = await hl(['import', 'fake_resource.r["x"]', 'fake-9']);
    expectRefused(r, 'the instances of fake_resource.r depend on values known only after apply, so hl cannot check that fake_resource.r["x"] is one of them', 'hl apply --target');
    expect((await hl(['apply', '--auto-approve', '--target', 'fake_resource.base'])).code).toBe(0);
    const known = await hl(['import', 'fake_resource.r["x"]', 'fake-9']);
    expect(known.code).toBe(1);
    expect(known.stderr).toMatch(/the for_each of fake_resource\.r has no key "x"[\s\S]*Its instances: fake_resource\.r\["fake-\d+"\]\./);
  }, 30_000);
});
