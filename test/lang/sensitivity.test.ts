import { describe, expect, it } from 'vitest';
import type { Path } from '../../src/core/value.js';
import { evaluateNode } from '../../src/lang/evaluate-node.js';
import { evalExpr, makeCtx, nodeOf } from './helpers.js';

const ctx = makeCtx({
  variables: { password: 'hunter2', user: 'root', creds: { user: 'admin', token: 't0k' }, keys: ['k1', 'k2'] },
  sensitiveVariables: { password: [[]], creds: [['token']], keys: [[1]] },
  resources: {
    'proxmox_vm.k3s': { pve: { name: 'a', cipassword: 'x', nets: [{ mac: 'm' }] }, still: { name: 'b', cipassword: 'y', nets: [] } },
    'proxmox_vm.list': [
      { name: 'a', secret: 's1' },
      { name: 'b', secret: 's2' },
    ],
  },
  sensitiveResources: {
    'proxmox_vm.k3s': [['pve', 'cipassword'], ['still', 'cipassword'], ['pve', 'nets', 0, 'mac']],
    'proxmox_vm.list': [[0, 'secret'], [1, 'secret']],
  },
});

describe('sensitivity', () => {
  const cases: { expr: string; want: Path[] }[] = [
    { expr: 'var.user', want: [] },
    { expr: 'var.password', want: [[]] },
    { expr: '"user:${var.password}"', want: [[]] },
    { expr: 'upper(var.password)', want: [[]] },
    { expr: 'length(var.password) > 3', want: [[]] },
    { expr: 'var.password == "x" ? "a" : "b"', want: [[]] },
    { expr: 'true ? var.user : var.password', want: [] },
    { expr: '[var.user, var.password]', want: [[1]] },
    { expr: '{ u = var.user, p = var.password }', want: [['p']] },
    { expr: 'var.creds', want: [['token']] },
    { expr: 'var.creds.user', want: [] },
    { expr: 'var.creds.token', want: [[]] },
    { expr: 'var.creds["token"]', want: [[]] },
    { expr: 'var.keys[0]', want: [] },
    { expr: 'var.keys[1]', want: [[]] },
    { expr: 'proxmox_vm.k3s["pve"].name', want: [] },
    { expr: 'proxmox_vm.k3s["pve"].cipassword', want: [[]] },
    { expr: 'proxmox_vm.k3s["pve"]', want: [['cipassword'], ['nets', 0, 'mac']] },
    { expr: 'proxmox_vm.k3s["pve"].nets', want: [[0, 'mac']] },
    { expr: 'proxmox_vm.k3s[*].name', want: [] },
    { expr: 'proxmox_vm.k3s[*].cipassword', want: [[0], [1]] },
    { expr: 'proxmox_vm.list[*].secret', want: [[0], [1]] },
    { expr: 'proxmox_vm.list[*].name', want: [] },
    { expr: '[for vm in proxmox_vm.list : vm.name]', want: [] },
    { expr: '[for vm in proxmox_vm.list : vm.secret]', want: [[0], [1]] },
    { expr: '{ for k, vm in proxmox_vm.k3s : k => vm.cipassword }', want: [['pve'], ['still']] },
    { expr: '[for k in var.keys : k]', want: [[1]] },
    { expr: '[for k in var.keys : k if k != var.password]', want: [[]] },
    { expr: 'var.keys[*]', want: [[1]] },
    { expr: 'join(",", var.keys)', want: [[]] },
    { expr: 'try(var.password, "x")', want: [[]] },
  ];
  it.each(cases)('$expr', ({ expr, want }) => {
    const r = evalExpr(expr, ctx);
    expect(r.diagnostics).toEqual([]);
    expect(r.sensitivePaths).toEqual(want);
  });

  it('places sensitive paths inside an evaluated node tree', () => {
    const r = evaluateNode(
      nodeOf({ name: 'vm', ci: { user: '${var.user}', password: '${var.password}' }, keys: ['${var.keys}'], plain: 'no ${"templates"}' }),
      ctx,
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.sensitivePaths).toEqual([['ci', 'password'], ['keys', 0, 1]]);
  });

  it('treats an empty path in the scope as the whole value', () => {
    const c = makeCtx({ each: { key: 'k', value: { a: 1 }, sensitivePaths: [['a'], []] } });
    expect(evalExpr('each.value.a', c).sensitivePaths).toEqual([[]]);
    expect(evalExpr('each.key', c).sensitivePaths).toEqual([]);
  });
});
