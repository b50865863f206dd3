import { describe, expect, it } from 'vitest';
import { formatAddress } from '../../src/core/address.js';
import { formatLocation } from '../../src/core/diagnostic.js';
import { parseConfig } from '../../src/config/parse-config.js';

const RESOURCES = `resources:
  proxmox_vm.k3s_node:
    for_each: { pve: 1 }
    node: pve
  proxmox_lxc.docker:
    node: pve
`;

function parse(text: string) {
  return parseConfig([{ path: 'main.yaml', text: RESOURCES + text }]);
}

/** `file:line:col summary` of each error, for compact expectations. */
function errors(text: string): string[] {
  return parse(text)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.location ? formatLocation(d.location) : '-'} ${d.summary}`);
}

describe('moved, import and removed blocks: decoding', () => {
  it('decodes the three blocks with their addresses', () => {
    const r = parse(`locals:
  guests: { a: { id: pve/1 } }
moved:
  - from: proxmox_vm.k3s
    to: proxmox_vm.k3s_node
  - from: proxmox_vm.k3s_node["pve"]
    to: proxmox_vm.k3s_node["chief-horse"]
import:
  - to: proxmox_lxc.docker
    id: pve/113
  - for_each: \${local.guests}
    to: proxmox_vm.k3s_node[each.key]
    id: \${each.value.id}
removed:
  - from: proxmox_lxc.cloudflared
    lifecycle: { destroy: false }
  - from: proxmox_lxc.old
`);
    expect(r.diagnostics).toEqual([]);
    const c = r.config!;
    expect(c.moved.map((m) => `${formatAddress(m.from)} -> ${formatAddress(m.to)}`)).toEqual([
      'proxmox_vm.k3s -> proxmox_vm.k3s_node',
      'proxmox_vm.k3s_node["pve"] -> proxmox_vm.k3s_node["chief-horse"]',
    ]);
    expect(formatAddress(c.imports[0]!.to)).toBe('proxmox_lxc.docker');
    expect(c.imports[0]!.keyExpression).toBeUndefined();
    expect(formatAddress(c.imports[1]!.to)).toBe('proxmox_vm.k3s_node');
    expect(c.imports[1]!.keyExpression).toMatchObject({ kind: 'scalar', value: '${each.key}' });
    expect(c.imports[1]!.forEach).toBeDefined();
    expect(c.removed.map((r) => [formatAddress(r.from), r.destroy])).toEqual([
      ['proxmox_lxc.cloudflared', false],
      ['proxmox_lxc.old', true],
    ]);
  });

  it.each([
    {
      reason: 'from that is not an address',
      text: `moved:\n  - from: "proxmox_vm k3s"\n    to: proxmox_vm.k3s_node\n`,
      expected: ['main.yaml:8:11 Invalid from in a moved block: "proxmox_vm k3s" is not a resource address'],
    },
    {
      reason: 'to that is not an address',
      text: `moved:\n  - from: proxmox_vm.k3s\n    to: "proxmox_vm.[0]"\n`,
      expected: ['main.yaml:9:9 Invalid to in a moved block: "proxmox_vm.[0]" is not a resource address'],
    },
    {
      reason: 'a move between types',
      text: `moved:\n  - from: proxmox_lxc.k3s\n    to: proxmox_vm.k3s_node\n`,
      expected: ['main.yaml:9:9 Cannot move proxmox_lxc.k3s to proxmox_vm.k3s_node: a resource keeps its type'],
    },
    {
      reason: 'two moves from one address',
      text: `moved:\n  - from: proxmox_vm.a\n    to: proxmox_vm.b\n  - from: proxmox_vm.a\n    to: proxmox_vm.c\n`,
      expected: ['main.yaml:10:11 Two moved blocks move proxmox_vm.a; the first is at main.yaml:8:5'],
    },
    {
      reason: 'two moves to one address',
      text: `moved:\n  - from: proxmox_vm.a\n    to: proxmox_vm.c\n  - from: proxmox_vm.b\n    to: proxmox_vm.c\n`,
      expected: ['main.yaml:11:9 Two moved blocks move objects to proxmox_vm.c; the first is at main.yaml:8:5'],
    },
    {
      reason: 'a cycle of moves',
      text: `moved:\n  - from: proxmox_vm.a\n    to: proxmox_vm.b\n  - from: proxmox_vm.b\n    to: proxmox_vm.a\n`,
      expected: ['main.yaml:8:5 Cycle of moved blocks: proxmox_vm.a -> proxmox_vm.b -> proxmox_vm.a'],
    },
    {
      reason: 'an import into a block the config does not declare',
      text: `import:\n  - to: proxmox_lxc.nope\n    id: pve/113\n`,
      expected: ['main.yaml:8:9 Cannot import into proxmox_lxc.nope: the configuration declares no such resource'],
    },
    {
      reason: 'an import to that is not an address',
      text: `import:\n  - to: "proxmox_lxc docker"\n    id: pve/113\n`,
      expected: ['main.yaml:8:9 Invalid to in an import block: "proxmox_lxc docker" is not a resource address'],
    },
    {
      reason: 'an import with for_each whose to has no key',
      text: `import:\n  - for_each: [a, b]\n    to: proxmox_lxc.docker\n    id: pve/113\n`,
      expected: ['main.yaml:9:9 Invalid to in an import block with for_each: every instance would import into proxmox_lxc.docker'],
    },
    {
      reason: 'a removed block whose resource is still in the config',
      text: `removed:\n  - from: proxmox_lxc.docker\n    lifecycle: { destroy: false }\n`,
      expected: ['main.yaml:8:11 Removed resource block still exists: proxmox_lxc.docker is declared at main.yaml:5:3'],
    },
    {
      reason: 'a removed from that is a data source',
      text: `removed:\n  - from: data.maas_subnet.lan\n`,
      expected: [
        'main.yaml:8:11 Invalid from in a removed block: data.maas_subnet.lan is a data source; removed blocks are for managed resources',
      ],
    },
  ])('refuses $reason at its file:line:col', ({ text, expected }) => {
    expect(errors(text)).toEqual(expected);
  });

  it('refuses a misspelt attribute and a lifecycle.destroy that is not a bool (schema)', () => {
    const e = errors(`removed:\n  - from: proxmox_lxc.gone\n    lifecycle: { destroy: "no" }\nmoved:\n  - form: proxmox_vm.a\n    to: proxmox_vm.b\n`);
    expect(e).toEqual([
      'main.yaml:9:27 Key "removed[0].lifecycle.destroy" must be true or false, got string "no"',
      'main.yaml:11:5 Missing required key "moved[0].from" in the configuration file',
      'main.yaml:11:5 Unsupported key "moved[0].form" in the configuration file. Did you mean "from"?',
    ]);
  });
});
