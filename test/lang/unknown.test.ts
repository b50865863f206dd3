import { describe, expect, it } from 'vitest';
import { UNKNOWN, type Value } from '../../src/core/value.js';
import { evaluateNode } from '../../src/lang/evaluate-node.js';
import { evalString, makeCtx, nodeOf, valueOf } from './helpers.js';

const ctx = makeCtx({
  variables: { known: 2, list: ['a', 'b'] },
  resources: {
    // Planned for creation: some attributes are known after apply only.
    'proxmox_vm.new': { name: 'vm', id: UNKNOWN, macs: [UNKNOWN, 'bb:bb'], tags: { a: UNKNOWN } },
    // The set of instances is not known yet.
    'proxmox_vm.pending': UNKNOWN,
    'proxmox_vm.several': [{ id: UNKNOWN }, { id: 7 }],
  },
});

describe('unknown values propagate', () => {
  const cases: { expr: string; want: Value }[] = [
    { expr: 'proxmox_vm.new.id', want: UNKNOWN },
    { expr: 'proxmox_vm.new.name', want: 'vm' },
    { expr: 'proxmox_vm.new.id + 1', want: UNKNOWN },
    { expr: '-proxmox_vm.new.id', want: UNKNOWN },
    { expr: '!proxmox_vm.new.id', want: UNKNOWN },
    { expr: 'proxmox_vm.new.id == 1', want: UNKNOWN },
    { expr: 'proxmox_vm.new.macs == ["x", "y"]', want: UNKNOWN },
    { expr: 'proxmox_vm.new.id > 1', want: UNKNOWN },
    { expr: 'proxmox_vm.new.id ? 1 : 2', want: UNKNOWN },
    { expr: 'true ? proxmox_vm.new.name : proxmox_vm.new.id', want: 'vm' },
    { expr: 'proxmox_vm.new.id && true', want: UNKNOWN },
    { expr: 'true && proxmox_vm.new.id', want: UNKNOWN },
    { expr: 'false && proxmox_vm.new.id', want: false },
    { expr: 'proxmox_vm.new.macs[1]', want: 'bb:bb' },
    { expr: 'proxmox_vm.new.macs[0]', want: UNKNOWN },
    { expr: 'var.list[proxmox_vm.new.id]', want: UNKNOWN },
    { expr: 'proxmox_vm.new.id.deeper[0]', want: UNKNOWN },
    { expr: 'proxmox_vm.pending', want: UNKNOWN },
    { expr: 'proxmox_vm.pending[0].name', want: UNKNOWN },
    { expr: 'proxmox_vm.pending[*].name', want: UNKNOWN },
    { expr: 'proxmox_vm.several[*].id', want: [UNKNOWN, 7] },
    { expr: '[for x in proxmox_vm.pending : x]', want: UNKNOWN },
    { expr: '[for m in proxmox_vm.new.macs : m]', want: [UNKNOWN, 'bb:bb'] },
    { expr: '[for m in proxmox_vm.new.macs : m if m != "bb:bb"]', want: UNKNOWN },
    { expr: '{ for m in ["a"] : m => proxmox_vm.new.id }', want: { a: UNKNOWN } },
    { expr: '{ for m in ["a"] : proxmox_vm.new.id => m }', want: UNKNOWN },
    { expr: '"vm-${proxmox_vm.new.id}"', want: UNKNOWN },
    { expr: '[proxmox_vm.new.id, 1]', want: [UNKNOWN, 1] },
    { expr: '{ id = proxmox_vm.new.id }', want: { id: UNKNOWN } },
    { expr: 'length(proxmox_vm.new.macs)', want: 2 },
    { expr: 'length(proxmox_vm.new.tags)', want: 1 },
    { expr: 'keys(proxmox_vm.new.tags)', want: ['a'] },
    { expr: 'length(proxmox_vm.pending)', want: UNKNOWN },
    { expr: 'upper(proxmox_vm.new.id)', want: UNKNOWN },
    { expr: 'join(",", proxmox_vm.new.macs)', want: UNKNOWN },
    { expr: 'element(proxmox_vm.new.macs, 1)', want: 'bb:bb' },
    { expr: 'concat(proxmox_vm.new.macs, ["c"])', want: [UNKNOWN, 'bb:bb', 'c'] },
    { expr: 'merge(proxmox_vm.new.tags, { b = 1 })', want: { a: UNKNOWN, b: 1 } },
    { expr: 'format("%s", proxmox_vm.new.id)', want: UNKNOWN },
    { expr: 'max(proxmox_vm.several[*].id...)', want: UNKNOWN },
    { expr: 'max(proxmox_vm.pending...)', want: UNKNOWN },
    { expr: 'try(proxmox_vm.new.id, "fallback")', want: UNKNOWN },
    { expr: 'can(proxmox_vm.new.id)', want: UNKNOWN },
    { expr: 'tostring(proxmox_vm.new.id)', want: UNKNOWN },
    { expr: 'jsonencode(proxmox_vm.new)', want: UNKNOWN },
  ];
  it.each(cases)('$expr', ({ expr, want }) => {
    expect(valueOf(expr, ctx)).toEqual(want);
  });

  it('still reports type errors of the known operand', () => {
    expect(evalString('${"a" + proxmox_vm.new.id}', ctx).diagnostics[0]?.summary).toBe('Invalid operand: "+" expects numbers, got string');
  });

  it('keeps the type of a whole-string unknown and of an unknown in a node tree', () => {
    expect(evalString('${proxmox_vm.new.id}', ctx).value).toBe(UNKNOWN);
    const r = evaluateNode(nodeOf({ id: '${proxmox_vm.new.id}', name: '${proxmox_vm.new.name}' }), ctx);
    expect(r.value).toEqual({ id: UNKNOWN, name: 'vm' });
  });

  it('unknown is not an error for a function with a wrong known argument', () => {
    expect(evalString('${join(1, proxmox_vm.new.macs)}', ctx).diagnostics[0]?.summary).toBe('join: argument 1 must be a string, got number');
  });
});
