import { describe, expect, it } from 'vitest';
import type { Value } from '../../src/core/value.js';
import { evaluateNode } from '../../src/lang/evaluate-node.js';
import { evalString, makeCtx, nodeOf, valueOf } from './helpers.js';

const ctx = makeCtx({
  variables: { n: 3, name: 'k3s', nodes: ['pve', 'still-fawn'], tags: { env: 'lab', role: 'k3s' }, nothing: null },
  locals: { 'k3s': { 'pumped-piglet': { ip: '10.0.0.7' } }, ports: [22, 80, 443] },
  count: 1,
  each: { key: 'pve', value: { cores: 4 } },
  resources: {
    // count: a list of instances
    'proxmox_vm.list': [
      { name: 'a', id: 1 },
      { name: 'b', id: 2 },
    ],
    // for_each: a map of instances, splat follows key order
    'proxmox_vm.k3s': { still: { name: 'vm-b', mac: 'bb' }, pve: { name: 'vm-a', mac: 'aa' } },
    // a single instance
    'proxmox_vm.single': { name: 'solo', disks: [{ size: 10 }, { size: 20 }] },
    'proxmox_vm.none': null,
    'data.maas_subnet.lan': { cidr: '10.0.0.0/24' },
  },
});

interface Case {
  expr: string;
  want: Value;
}

function table(name: string, cases: Case[]): void {
  describe(name, () => {
    it.each(cases)('$expr', ({ expr, want }) => {
      expect(valueOf(expr, ctx)).toEqual(want);
    });
  });
}

table('literals', [
  { expr: '42', want: 42 },
  { expr: '1.5e2', want: 150 },
  { expr: '-7', want: -7 },
  { expr: 'true', want: true },
  { expr: 'false', want: false },
  { expr: 'null', want: null },
  { expr: '"a\\tb\\n\\"q\\" \\\\ \\u00e9"', want: 'a\tb\n"q" \\ é' },
  { expr: '"$${not} ${1 + 1}"', want: '${not} 2' },
  { expr: '[1, "two", [3]]', want: [1, 'two', [3]] },
  { expr: '[1, 2,]', want: [1, 2] },
  { expr: '[]', want: [] },
  { expr: '{ a = 1, "b c": 2, (var.name) = 3 }', want: { a: 1, 'b c': 2, k3s: 3 } },
  { expr: '{\n  a = 1\n  b = 2\n}', want: { a: 1, b: 2 } },
  { expr: '{}', want: {} },
  { expr: '{ for = 1 }', want: { for: 1 } },
  { expr: '"${var.n}"', want: 3 },
  { expr: '"n=${var.n}"', want: 'n=3' },
  { expr: '1 # a comment', want: 1 },
  { expr: '/* c */ 2 // end', want: 2 },
]);

table('operators and precedence', [
  { expr: '1 + 2 * 3', want: 7 },
  { expr: '(1 + 2) * 3', want: 9 },
  { expr: '10 - 4 - 3', want: 3 },
  { expr: '12 / 4 / 3', want: 1 },
  { expr: '7 % 4', want: 3 },
  { expr: '-var.n + 1', want: -2 },
  { expr: '2 * -3', want: -6 },
  { expr: '1 + 2 < 4', want: true },
  { expr: '3 >= 3 == true', want: true },
  { expr: '1 < 2 && 2 < 1 || true', want: true },
  { expr: 'true || false && false', want: true },
  { expr: '!true == false', want: true },
  { expr: '!(1 == 1)', want: false },
  { expr: '"a" == "a"', want: true },
  { expr: '[1, 2] == [1, 2]', want: true },
  { expr: '{ a = 1 } != { a = 2 }', want: true },
  { expr: '1 == "1"', want: false },
  { expr: 'var.nothing == null', want: true },
  { expr: 'var.n > 2 ? "big" : "small"', want: 'big' },
  { expr: 'false ? 1 : true ? 2 : 3', want: 2 },
  { expr: 'var.nothing != null ? var.nothing.x : "guarded"', want: 'guarded' },
  { expr: 'false && var.nothing.x', want: false },
  { expr: 'true || var.nothing.x', want: true },
]);

table('references and traversal', [
  { expr: 'var.nodes[1]', want: 'still-fawn' },
  { expr: 'var.nodes["0"]', want: 'pve' },
  { expr: 'var.tags.env', want: 'lab' },
  { expr: 'var.tags["role"]', want: 'k3s' },
  { expr: 'local.k3s.pumped-piglet.ip', want: '10.0.0.7' },
  { expr: 'local.ports.2', want: 443 },
  { expr: 'each.key', want: 'pve' },
  { expr: 'each.value.cores * 2', want: 8 },
  { expr: 'count.index', want: 1 },
  { expr: 'path.root', want: '/cfg' },
  { expr: 'path.cwd', want: '/work' },
  { expr: 'path.module', want: '/cfg' },
  { expr: 'proxmox_vm.list[0].id', want: 1 },
  { expr: 'proxmox_vm.k3s["pve"].mac', want: 'aa' },
  { expr: 'proxmox_vm.single.disks[1].size', want: 20 },
  { expr: 'data.maas_subnet.lan.cidr', want: '10.0.0.0/24' },
  { expr: '{ a = { b = [10, 20] } }.a.b[1]', want: 20 },
]);

table('splat', [
  { expr: 'proxmox_vm.list[*].name', want: ['a', 'b'] },
  { expr: 'proxmox_vm.k3s[*].name', want: ['vm-a', 'vm-b'] },
  { expr: 'proxmox_vm.single[*].name', want: ['solo'] },
  { expr: 'proxmox_vm.none[*].name', want: [] },
  { expr: 'proxmox_vm.single.disks[*].size', want: [10, 20] },
  { expr: 'proxmox_vm.list.*.name', want: ['a', 'b'] },
  { expr: 'proxmox_vm.list[*]', want: [{ name: 'a', id: 1 }, { name: 'b', id: 2 }] },
  { expr: '[[1, 2], [3]][*][0]', want: [1, 3] },
  { expr: '[{ d = [{ s = 1 }, { s = 2 }] }, { d = [{ s = 3 }] }][*].d[*].s', want: [[1, 2], [3]] },
  { expr: 'length(proxmox_vm.list[*].id)', want: 2 },
]);

table('for expressions', [
  { expr: '[for x in [1, 2, 3] : x * 2]', want: [2, 4, 6] },
  { expr: '[for x in [1, 2, 3, 4] : x if x % 2 == 0]', want: [2, 4] },
  { expr: '[for i, x in ["a", "b"] : "${i}:${x}"]', want: ['0:a', '1:b'] },
  { expr: '[for k, v in { b = 2, a = 1 } : "${k}=${v}"]', want: ['a=1', 'b=2'] },
  { expr: '[for v in { b = 2, a = 1 } : v]', want: [1, 2] },
  { expr: '{ for n in var.nodes : n => upper(n) }', want: { pve: 'PVE', 'still-fawn': 'STILL-FAWN' } },
  { expr: '{ for k, vm in proxmox_vm.k3s : vm.name => k }', want: { 'vm-a': 'pve', 'vm-b': 'still' } },
  { expr: '{ for s in ["ab", "ac", "b"] : substr(s, 0, 1) => s... }', want: { a: ['ab', 'ac'], b: ['b'] } },
  { expr: '[for x in [[1, 2], [3]] : [for y in x : y + 10]]', want: [[11, 12], [13]] },
  { expr: '[for x in [1] : [for x in [5] : x]]', want: [[5]] },
  { expr: '[for vm in proxmox_vm.list : vm.name if vm.id > 1]', want: ['b'] },
]);

table('function calls', [
  { expr: 'max([3, 9, 2]...)', want: 9 },
  { expr: 'format("%s-%d", ["a", 1]...)', want: 'a-1' },
  { expr: 'upper(join("-", var.nodes))', want: 'PVE-STILL-FAWN' },
  { expr: 'length(\n  var.nodes,\n)', want: 2 },
]);

describe('templates in YAML strings', () => {
  const cases: { text: string; want: Value }[] = [
    { text: 'plain text', want: 'plain text' },
    { text: '${var.n}', want: 3 },
    { text: '${var.nodes}', want: ['pve', 'still-fawn'] },
    { text: '${var.tags}', want: { env: 'lab', role: 'k3s' } },
    { text: '${ var.n + 1 }', want: 4 },
    { text: ' ${var.n}', want: ' 3' },
    { text: 'vm-${var.name}-${count.index}', want: 'vm-k3s-1' },
    { text: '$${literal}', want: '${literal}' },
    { text: 'cost: $5 and ${var.n}$', want: 'cost: $5 and 3$' },
    { text: '${var.n > 1}', want: true },
    { text: '${"nested ${upper("x${var.name}")}"}', want: 'nested XK3S' },
    { text: '${ { a = "}" }.a }', want: '}' },
    { text: '${var.nothing}', want: null },
    { text: '', want: '' },
  ];
  it.each(cases)('$text', ({ text, want }) => {
    const r = evalString(text, ctx);
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toEqual(want);
  });

  it('evaluates a whole node tree', () => {
    const node = nodeOf({
      name: 'vm-${var.name}',
      cores: 4,
      onboot: true,
      description: null,
      nets: [{ bridge: 'vmbr0', tag: '${var.n * 10}' }],
      tags: '${var.nodes}',
    });
    const r = evaluateNode(node, ctx);
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toEqual({
      name: 'vm-k3s',
      cores: 4,
      onboot: true,
      description: null,
      nets: [{ bridge: 'vmbr0', tag: 30 }],
      tags: ['pve', 'still-fawn'],
    });
  });

  it('keeps going after a failing scalar, marking it unknown', () => {
    const r = evaluateNode(nodeOf({ a: '${var.missing}', b: '${var.n}' }), ctx);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.value).toEqual({ a: expect.anything(), b: 3 });
  });

  it('treats __proto__ as an ordinary key', () => {
    const v = valueOf('{ "__proto__" = 1 }', ctx) as Record<string, Value>;
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
  });
});
