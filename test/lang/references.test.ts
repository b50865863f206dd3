import { describe, expect, it } from 'vitest';
import type { Node } from '../../src/yaml/node.js';
import { nodeReferences } from '../../src/lang/node-references.js';
import { parseTraversal, type Reference } from '../../src/lang/reference.js';
import { FILE, loc, nodeOf, scalar } from './helpers.js';

type Ref = Pick<Reference, 'kind' | 'subject' | 'text'>;

function refsOf(text: string): Ref[] {
  const r = nodeReferences(scalar(text));
  expect(r.diagnostics).toEqual([]);
  return r.references.map(({ kind, subject, text: t }) => ({ kind, subject, text: t }));
}

describe('reference collection', () => {
  const cases: { text: string; want: Ref[] }[] = [
    { text: 'no templates here', want: [] },
    { text: '$${var.escaped}', want: [] },
    { text: '${var.x}', want: [{ kind: 'var', subject: 'x', text: 'var.x' }] },
    { text: '${local.k3s.pumped-piglet}', want: [{ kind: 'local', subject: 'k3s', text: 'local.k3s.pumped-piglet' }] },
    { text: '${each.key}-${each.value.ip}', want: [{ kind: 'each', subject: 'key', text: 'each.key' }, { kind: 'each', subject: 'value', text: 'each.value.ip' }] },
    { text: '${count.index}', want: [{ kind: 'count', subject: 'index', text: 'count.index' }] },
    { text: '${path.root}/x', want: [{ kind: 'path', subject: 'root', text: 'path.root' }] },
    { text: '${self.name}', want: [{ kind: 'self', subject: 'name', text: 'self.name' }] },
    { text: '${proxmox_vm.k3s.name}', want: [{ kind: 'resource', subject: 'proxmox_vm.k3s', text: 'proxmox_vm.k3s.name' }] },
    { text: '${proxmox_vm.k3s["pve"].mac}', want: [{ kind: 'resource', subject: 'proxmox_vm.k3s', text: 'proxmox_vm.k3s["pve"].mac' }] },
    { text: '${proxmox_vm.k3s[0].id}', want: [{ kind: 'resource', subject: 'proxmox_vm.k3s', text: 'proxmox_vm.k3s[0].id' }] },
    { text: '${proxmox_vm.k3s[*].name}', want: [{ kind: 'resource', subject: 'proxmox_vm.k3s', text: 'proxmox_vm.k3s[*].name' }] },
    { text: '${data.maas_subnet.lan.cidr}', want: [{ kind: 'data', subject: 'data.maas_subnet.lan', text: 'data.maas_subnet.lan.cidr' }] },
    {
      text: '${proxmox_vm.k3s[each.key].id}',
      want: [
        { kind: 'resource', subject: 'proxmox_vm.k3s', text: 'proxmox_vm.k3s[each.key].id' },
        { kind: 'each', subject: 'key', text: 'each.key' },
      ],
    },
    {
      text: '${[for vm in proxmox_vm.k3s : vm.name if vm.id != var.skip]}',
      want: [
        { kind: 'resource', subject: 'proxmox_vm.k3s', text: 'proxmox_vm.k3s' },
        { kind: 'var', subject: 'skip', text: 'var.skip' },
      ],
    },
    {
      text: '${{ for k, v in local.m : k => v }}',
      want: [{ kind: 'local', subject: 'm', text: 'local.m' }],
    },
    {
      text: '${upper(var.a) == "${local.b}" ? maas_device.x.id : try(data.t.n.v, null)}',
      want: [
        { kind: 'var', subject: 'a', text: 'var.a' },
        { kind: 'local', subject: 'b', text: 'local.b' },
        { kind: 'resource', subject: 'maas_device.x', text: 'maas_device.x.id' },
        { kind: 'data', subject: 'data.t.n', text: 'data.t.n.v' },
      ],
    },
    { text: '${(var.obj).attr}', want: [{ kind: 'var', subject: 'obj', text: 'var.obj' }] },
  ];
  it.each(cases)('$text', ({ text, want }) => {
    expect(refsOf(text)).toEqual(want);
  });

  it('walks a node tree and locates each reference', () => {
    const node: Node = {
      kind: 'map',
      loc: loc(1, 1),
      entries: [
        { key: 'name', keyLoc: loc(2, 3), value: scalar('vm-${var.name}', 2, 9) },
        { key: 'cores', keyLoc: loc(3, 3), value: scalar(4, 3, 10) },
        { key: 'tags', keyLoc: loc(4, 3), value: { kind: 'seq', loc: loc(5, 5), items: [scalar('${local.tag}', 5, 7)] } },
      ],
    };
    const r = nodeReferences(node);
    expect(r.diagnostics).toEqual([]);
    expect(r.references).toEqual([
      { kind: 'var', subject: 'name', text: 'var.name', loc: { file: FILE, line: 2, col: 14 } },
      { kind: 'local', subject: 'tag', text: 'local.tag', loc: { file: FILE, line: 5, col: 9 } },
    ]);
  });

  it('reports syntax and reference-shape errors with the references of other scalars', () => {
    const r = nodeReferences(nodeOf({ a: '${var.ok}', b: '${var.}', c: '${each.nope}', d: '${foo}' }));
    expect(r.references.map((x) => x.text)).toEqual(['var.ok']);
    expect(r.diagnostics.map((d) => d.summary)).toEqual([
      'Invalid reference: expected a variable name after "var." (as in var.NAME), got "}"',
      'Invalid reference: "each" has no attribute "nope"; expected each.key or each.value',
      'Invalid reference: "foo" is not a known name',
    ]);
  });

  it('parses each scalar once (cache keyed by node)', () => {
    const node = scalar('${var.x}');
    const first = nodeReferences(node).references;
    const second = nodeReferences(node).references;
    expect(second[0]).toBe(first[0]);
  });
});

describe('parseTraversal', () => {
  const ok: { text: string; want: Ref }[] = [
    { text: 'proxmox_vm.k3s', want: { kind: 'resource', subject: 'proxmox_vm.k3s', text: 'proxmox_vm.k3s' } },
    { text: 'maas_device.k3s["pve"]', want: { kind: 'resource', subject: 'maas_device.k3s', text: 'maas_device.k3s["pve"]' } },
    { text: 'proxmox_vm.k3s[0].name', want: { kind: 'resource', subject: 'proxmox_vm.k3s', text: 'proxmox_vm.k3s[0].name' } },
    { text: 'data.maas_subnet.lan', want: { kind: 'data', subject: 'data.maas_subnet.lan', text: 'data.maas_subnet.lan' } },
    { text: '${proxmox_vm.k3s}', want: { kind: 'resource', subject: 'proxmox_vm.k3s', text: 'proxmox_vm.k3s' } },
    { text: 'var.x', want: { kind: 'var', subject: 'x', text: 'var.x' } },
  ];
  it.each(ok)('$text', ({ text, want }) => {
    const r = parseTraversal(text, loc(7, 5));
    expect(r.diagnostics).toEqual([]);
    expect(r.reference).toMatchObject(want);
  });

  it('locates the reference', () => {
    expect(parseTraversal('proxmox_vm.k3s', loc(7, 5)).reference?.loc).toEqual({ file: FILE, line: 7, col: 5 });
    expect(parseTraversal('${proxmox_vm.k3s}', loc(7, 5)).reference?.loc).toEqual({ file: FILE, line: 7, col: 7 });
  });

  it.each([
    ['proxmox_vm', 'Invalid reference: "proxmox_vm" is not a known name', 5],
    ['proxmox_vm.k3s + 1', 'Invalid reference: expected a reference such as proxmox_vm.k3s or maas_device.k3s["pve"], got "proxmox_vm.k3s + 1"', 5],
    ['proxmox_vm.k3s[var.i]', 'Invalid reference: expected a reference such as proxmox_vm.k3s or maas_device.k3s["pve"], got "proxmox_vm.k3s[var.i]"', 5],
    ['proxmox_vm.k3s.', 'Invalid attribute access: expected an attribute name after ".", got end of input', 20],
    ['proxmox_vm.k3s extra', 'Invalid expression: expected the end of the expression, got "extra"', 20],
  ] as const)('rejects %s', (text, summary, col) => {
    const r = parseTraversal(text, loc(7, 5));
    expect(r.reference).toBeUndefined();
    expect(r.diagnostics).toEqual([{ severity: 'error', summary, location: { file: FILE, line: 7, col }, ...(r.diagnostics[0]?.detail ? { detail: r.diagnostics[0].detail } : {}) }]);
  });
});
