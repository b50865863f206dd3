import { describe, expect, it } from 'vitest';
import type { Config, ConfigFile } from '../../src/config/config-types.js';
import { nodeToValue } from '../../src/yaml/node-value.js';
import { parseConfig } from '../../src/config/parse-config.js';

const EXAMPLE = `# yaml-language-server: $schema=../schemas/config.schema.json
hl: { version: 1 }
variables:
  pve_token_secret: { type: string, sensitive: true }
  domain: { type: string, default: maas, description: DNS domain }
  vmids:
    type: list(number)
    default: [107, 120]
    validation:
      condition: "\${length(var.vmids) > 0}"
      error_message: at least one VM
  untyped:
providers:
  proxmox: { endpoint: "https://pve.maas:8006", token_id: "hl@pve!ci", token_secret: "\${var.pve_token_secret}" }
  kuma.fun-bedbug: { url: "http://fun-bedbug.maas:3001" }
  maas:
locals:
  k3s: { pve: { vmid: 107, memory: 4096 }, pumped-piglet: { vmid: 120, memory: 16384 } }
resources:
  proxmox_vm.k3s:
    for_each: "\${local.k3s}"
    node: "\${each.key}"
    vmid: "\${each.value.vmid}"
    name: "k3s-vm-\${each.key}"
    memory: "\${each.value.memory}"
    networks: { net0: { model: virtio, bridge: vmbr0 } }
    lifecycle: { prevent_destroy: true, ignore_changes: [description, disks.scsi0.size] }
  kuma_monitor.k3s_api:
    provider: kuma.fun-bedbug
    for_each: "\${proxmox_vm.k3s}"
    url: "https://\${each.value.name}.\${var.domain}:6443/readyz"
    depends_on: [maas_device.k3s, "\${data.maas_subnet.lan}"]
  maas_device.k3s:
    count: 2
    hostname: "k3s-\${count.index}"
    lifecycle:
      create_before_destroy: true
      ignore_changes: all
      replace_triggered_by: ["\${proxmox_vm.k3s}"]
data:
  maas_subnet.lan: { cidr: 192.168.4.0/24 }
outputs:
  k3s_names: { value: "\${proxmox_vm.k3s[*].name}", description: names }
  secret: { value: "\${var.pve_token_secret}", sensitive: true }
policies:
  - { deny: "proxmox_vm.*", when: "memory > 65536" }
`;

function parse(...files: ConfigFile[]) {
  return parseConfig(files);
}

function valid(...files: ConfigFile[]): Config {
  const r = parse(...files);
  expect(r.diagnostics).toEqual([]);
  return r.config!;
}

function at(file: string, line: number, col: number) {
  return { file, line, col };
}

describe('parseConfig: the model', () => {
  const config = valid({ path: 'homelab.yaml', text: EXAMPLE });

  it('keeps the files', () => {
    expect(config.files.map((f) => f.path)).toEqual(['homelab.yaml']);
  });

  it('decodes variables', () => {
    expect([...config.variables.keys()]).toEqual(['pve_token_secret', 'domain', 'vmids', 'untyped']);
    expect(config.variables.get('pve_token_secret')).toEqual({
      name: 'pve_token_secret',
      type: 'string',
      sensitive: true,
      validations: [],
      loc: at('homelab.yaml', 4, 3),
    });
    const domain = config.variables.get('domain')!;
    expect(domain).toMatchObject({ type: 'string', sensitive: false, description: 'DNS domain' });
    expect(domain.default).toMatchObject({ kind: 'scalar', value: 'maas', loc: at('homelab.yaml', 5, 36) });
    const vmids = config.variables.get('vmids')!;
    expect(vmids.type).toBe('list');
    expect(vmids.validations).toEqual([
      {
        condition: { kind: 'scalar', value: '${length(var.vmids) > 0}', loc: at('homelab.yaml', 10, 18), style: 'double' },
        errorMessage: 'at least one VM',
        loc: at('homelab.yaml', 10, 7),
      },
    ]);
    expect(config.variables.get('untyped')).toMatchObject({ type: 'any', sensitive: false, validations: [] });
  });

  it('decodes providers, with aliases and empty bodies', () => {
    expect(config.providers.get('proxmox')).toMatchObject({ key: 'proxmox', type: 'proxmox', loc: at('homelab.yaml', 14, 3) });
    expect(config.providers.get('proxmox')!.alias).toBeUndefined();
    expect(nodeToValue(config.providers.get('proxmox')!.body)).toMatchObject({ token_secret: '${var.pve_token_secret}' });
    expect(config.providers.get('kuma.fun-bedbug')).toMatchObject({ key: 'kuma.fun-bedbug', type: 'kuma', alias: 'fun-bedbug' });
    expect(config.providers.get('maas')!.body).toMatchObject({ kind: 'map', entries: [] });
  });

  it('decodes locals', () => {
    const k3s = config.locals.get('k3s')!;
    expect(k3s.loc).toEqual(at('homelab.yaml', 18, 3));
    expect(nodeToValue(k3s.value)).toEqual({ pve: { vmid: 107, memory: 4096 }, 'pumped-piglet': { vmid: 120, memory: 16384 } });
  });

  it('takes the meta-arguments out of a resource body', () => {
    const vm = config.resources.get('proxmox_vm.k3s')!;
    expect(vm).toMatchObject({ mode: 'managed', address: 'proxmox_vm.k3s', type: 'proxmox_vm', name: 'k3s', provider: 'proxmox' });
    expect(vm.providerLoc).toBeUndefined();
    expect(vm.loc).toEqual(at('homelab.yaml', 20, 3));
    expect(vm.forEach).toMatchObject({ kind: 'scalar', value: '${local.k3s}' });
    expect(vm.count).toBeUndefined();
    expect(vm.body.loc).toEqual(at('homelab.yaml', 21, 5));
    expect(vm.body.entries.map((e) => e.key)).toEqual(['node', 'vmid', 'name', 'memory', 'networks']);
    expect(vm.lifecycle).toEqual({
      preventDestroy: true,
      createBeforeDestroy: false,
      ignoreChanges: [
        { path: 'description', loc: at('homelab.yaml', 27, 58) },
        { path: 'disks.scsi0.size', loc: at('homelab.yaml', 27, 71) },
      ],
      replaceTriggeredBy: [],
      loc: at('homelab.yaml', 27, 5),
    });
  });

  it('keeps an explicit provider and normalises depends_on', () => {
    const mon = config.resources.get('kuma_monitor.k3s_api')!;
    expect(mon.provider).toBe('kuma.fun-bedbug');
    expect(mon.providerLoc).toEqual(at('homelab.yaml', 29, 15));
    expect(mon.dependsOn).toEqual([
      { ref: 'maas_device.k3s', loc: at('homelab.yaml', 32, 18) },
      { ref: 'data.maas_subnet.lan', loc: at('homelab.yaml', 32, 35) },
    ]);
    expect(mon.body.entries.map((e) => e.key)).toEqual(['url']);
    expect(mon.lifecycle).toEqual({ preventDestroy: false, createBeforeDestroy: false, ignoreChanges: [], replaceTriggeredBy: [] });
  });

  it('decodes count and the rest of lifecycle', () => {
    const dev = config.resources.get('maas_device.k3s')!;
    expect(dev.count).toMatchObject({ kind: 'scalar', value: 2 });
    expect(dev.lifecycle.createBeforeDestroy).toBe(true);
    expect(dev.lifecycle.ignoreChanges).toBe('all');
    expect(dev.lifecycle.replaceTriggeredBy).toEqual([{ kind: 'scalar', value: '${proxmox_vm.k3s}', loc: at('homelab.yaml', 39, 30), style: 'double' }]);
    expect(dev.body.entries.map((e) => e.key)).toEqual(['hostname']);
  });

  it('keys data sources as data.type.name', () => {
    expect(config.resources.get('data.maas_subnet.lan')).toMatchObject({
      mode: 'data',
      address: 'data.maas_subnet.lan',
      type: 'maas_subnet',
      name: 'lan',
      provider: 'maas',
    });
  });

  it('decodes outputs and keeps policies raw', () => {
    expect(config.outputs.get('k3s_names')).toMatchObject({ name: 'k3s_names', sensitive: false, description: 'names' });
    expect(config.outputs.get('secret')).toMatchObject({ sensitive: true, value: { value: '${var.pve_token_secret}' } });
    expect(config.policies.map(nodeToValue)).toEqual([{ deny: 'proxmox_vm.*', when: 'memory > 65536' }]);
  });
});

describe('parseConfig: several files', () => {
  it('merges blocks of every kind from all files', () => {
    const config = valid(
      { path: 'a.yaml', text: 'variables: { x: {} }\nresources: { proxmox_vm.a: {} }\npolicies: [1]\n' },
      { path: 'b.yaml', text: 'variables: { y: {} }\nresources: { proxmox_vm.b: {} }\ndata: { proxmox_vm.a: {} }\npolicies: [2]\n' },
      { path: 'c.yaml', text: '' },
    );
    expect([...config.variables.keys()]).toEqual(['x', 'y']);
    expect([...config.resources.keys()]).toEqual(['proxmox_vm.a', 'proxmox_vm.b', 'data.proxmox_vm.a']);
    expect(config.resources.get('proxmox_vm.b')!.loc.file).toBe('b.yaml');
    expect(config.policies.map(nodeToValue)).toEqual([1, 2]);
  });

  it.each([
    ['variable', 'variables:\n  x: {}\n', 'variable "x"', 2, 3],
    ['provider', 'providers:\n  kuma.a: {}\n', 'provider "kuma.a"', 2, 3],
    ['local', 'locals:\n  x: 1\n', 'local "x"', 2, 3],
    ['resource', 'resources:\n  proxmox_vm.a: {}\n', 'resource "proxmox_vm.a"', 2, 3],
    ['data source', 'data:\n  maas_subnet.lan: {}\n', 'data source "data.maas_subnet.lan"', 2, 3],
    ['output', 'outputs:\n  o: { value: 1 }\n', 'output "o"', 2, 3],
  ])('a %s declared in two files is an error at the second', (_kind, text, what, line, col) => {
    const r = parse({ path: 'a.yaml', text }, { path: 'b.yaml', text: `# another file\n${text}` });
    expect(r.config).toBeUndefined();
    expect(r.diagnostics).toEqual([
      { severity: 'error', summary: `Duplicate ${what}; first declared at a.yaml:${line}:${col}`, location: at('b.yaml', line + 1, col) },
    ]);
  });

  it('reports problems in every file, in file order', () => {
    const r = parse({ path: 'b.yaml', text: 'resource: {}\n' }, { path: 'a.yaml', text: 'outputs: { o: {} }\n' });
    expect(r.diagnostics.map((d) => d.location?.file)).toEqual(['b.yaml', 'a.yaml']);
  });

  it('still checks the other files when one is not valid YAML', () => {
    const r = parse({ path: 'a.yaml', text: 'a: [\n' }, { path: 'b.yaml', text: 'resourcs: {}\n' });
    expect(r.diagnostics.map((d) => d.location?.file)).toEqual(['a.yaml', 'b.yaml']);
  });
});

describe('parseConfig: provider references', () => {
  it('accepts a default provider without a providers: block', () => {
    expect(valid({ path: 'a.yaml', text: 'resources: { proxmox_vm.a: { provider: proxmox } }\n' }).resources.get('proxmox_vm.a')!.provider).toBe('proxmox');
  });

  it('refuses a provider of another type', () => {
    const r = parse({ path: 'a.yaml', text: 'providers: { kuma: {} }\nresources:\n  proxmox_vm.a: { provider: kuma }\n' });
    expect(r.diagnostics).toEqual([
      { severity: 'error', summary: 'proxmox_vm.a cannot use provider "kuma": a proxmox_vm needs a "proxmox" provider', location: at('a.yaml', 3, 29) },
    ]);
  });

  it('refuses an undeclared alias, suggesting a declared one', () => {
    const r = parse({ path: 'a.yaml', text: 'providers: { kuma.fun-bedbug: {} }\nresources:\n  kuma_monitor.a: { provider: kuma.fun-bedbg }\n' });
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({
      summary: 'Provider "kuma.fun-bedbg" is not declared. Did you mean "kuma.fun-bedbug"?',
      location: at('a.yaml', 3, 31),
    });
  });

  it('finds an alias declared in another file', () => {
    valid({ path: 'a.yaml', text: 'resources:\n  kuma_monitor.a: { provider: kuma.x }\n' }, { path: 'b.yaml', text: 'providers: { kuma.x: {} }\n' });
  });
});

describe('parseConfig: values', () => {
  it('accepts a default of the declared type, converting like Terraform', () => {
    valid({ path: 'a.yaml', text: 'variables:\n  a: { type: number, default: "42" }\n  b: { type: string, default: 42 }\n  c: { type: bool, default: ~ }\n' });
  });

  it('refuses a default that is not of the declared type, hiding sensitive values', () => {
    const r = parse({ path: 'a.yaml', text: 'variables:\n  a: { type: number, default: lots }\n  b: { type: list, default: hunter2, sensitive: true }\n' });
    expect(r.diagnostics.map((d) => [d.summary, d.location?.line, d.location?.col])).toEqual([
      ['Default value of variable "a" must be a number, got string "lots"', 2, 31],
      ['Default value of variable "b" must be a list, got string (sensitive value)', 3, 29],
    ]);
  });

  it('accepts list(string)-style types and maps them to the outer type', () => {
    const config = valid({
      path: 'a.yaml',
      text: 'variables:\n  a: { type: list(string) }\n  b: { type: "map(number)" }\n  c: { type: "set(string)" }\n  d: { type: "object({ a = string })" }\n',
    });
    expect([...config.variables.values()].map((v) => v.type)).toEqual(['list', 'map', 'list', 'object']);
  });

  it('accepts the single-rule and list forms of validation', () => {
    const config = valid({
      path: 'a.yaml',
      text: 'variables:\n  a:\n    validation:\n      - { condition: "${var.a != \\"\\"}", error_message: empty }\n      - { condition: true, error_message: never }\n',
    });
    expect(config.variables.get('a')!.validations.map((v) => v.errorMessage)).toEqual(['empty', 'never']);
  });
});
