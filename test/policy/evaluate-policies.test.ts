/**
 * evaluatePolicies on hand-built plans: each rule firing and passing, what `match:` selects,
 * severities, custom messages, and the shape of the results.
 */
import { describe, expect, it } from 'vitest';
import { evaluatePolicies } from '../../src/policy/evaluate-policies.js';
import { hasBlockingViolations, policyGateError } from '../../src/policy/policy-gate.js';
import type { PolicyResult } from '../../src/plan/policy-result.js';
import { change, makePlan } from '../render/plan-fixtures.js';
import { rulesFrom } from './policy-rules.js';

/** One plan with every kind of change, on two nodes. */
function plan() {
  return makePlan({
    changes: [
      change('proxmox_vm.k3s', 'update', { id: 'pve/101', node: 'pve', tags: ['k3s', 'prod'], cores: 2 }, { id: 'pve/101', node: 'pve', tags: ['k3s', 'prod'], cores: 4 }),
      change('proxmox_vm.db', 'delete', { id: 'pve2/102', node: 'pve2', tags: 'protected;db' }, null),
      change(
        'proxmox_lxc.dns',
        'delete-create',
        { id: 'pve/110', node: 'pve', rootfs: { storage: 'local' } },
        { id: 'pve/110', node: 'pve', rootfs: { storage: 'tank' } },
        { replacePaths: [{ path: ['rootfs', 'storage'], reason: 'storage cannot be changed in place' }] },
      ),
      change('kuma_monitor.web', 'create', null, { name: 'web', tags: [{ name: 'Protected', value: '' }] }),
      change('proxmox_vm.keep', 'no-op', { id: 'pve/100', node: 'pve' }, { id: 'pve/100', node: 'pve' }, { preventDestroy: true }),
      change('data.maas_subnet.lan', 'read', null, { cidr: '192.168.4.0/24' }),
    ],
  });
}

/** `address` of each failed result, or `pass` when the rule passed. */
function outcome(results: PolicyResult[]): string[] {
  return results.map((r) => (r.passed ? 'pass' : (r.resource ?? 'plan')));
}

describe('evaluatePolicies: each rule firing and passing', () => {
  const cases: { reason: string; rule: string; expected: string[]; message?: RegExp }[] = [
    { reason: 'no-destroy fires on a delete and on a replacement', rule: '{ rule: no-destroy }', expected: ['proxmox_lxc.dns', 'proxmox_vm.db'] },
    { reason: 'no-destroy narrowed by type', rule: '{ rule: no-destroy, match: { type: proxmox_vm } }', expected: ['proxmox_vm.db'] },
    { reason: 'no-destroy passes when nothing matching is destroyed', rule: '{ rule: no-destroy, match: { type: "kuma_*" } }', expected: ['pass'], message: /^No matching resource is destroyed or replaced$/ },
    { reason: 'no-destroy says a replacement destroys, and why it happens', rule: '{ rule: no-destroy, match: { type: proxmox_lxc } }', expected: ['proxmox_lxc.dns'], message: /replaced, destroying the existing object \(forced by rootfs\.storage\)/ },
    { reason: 'no-replace fires on a replacement only', rule: '{ rule: no-replace }', expected: ['proxmox_lxc.dns'], message: /^proxmox_lxc\.dns would be replaced \(forced by rootfs\.storage\)$/ },
    { reason: 'no-replace passes for a tag only deleted resources carry', rule: '{ rule: no-replace, match: { tag: protected } }', expected: ['pass'], message: /^No matching resource is replaced$/ },
    { reason: 'tags in a;b text match case-insensitively', rule: '{ rule: no-destroy, match: { tag: PROTECTED } }', expected: ['proxmox_vm.db'] },
    { reason: 'max-changes counts changes, not no-ops or reads', rule: '{ rule: max-changes, limit: 4 }', expected: ['pass'], message: /^4 changes, within the limit of 4$/ },
    { reason: 'max-changes fires over the limit, once for the plan', rule: '{ rule: max-changes, limit: 3 }', expected: ['plan'], message: /^4 changes, more than the limit of 3$/ },
    { reason: 'max-changes counts only matching resources (tags as { name } maps too)', rule: '{ rule: max-changes, limit: 1, match: { tag: protected } }', expected: ['plan'], message: /^2 changes of matching resources, more than the limit of 1$/ },
    { reason: 'max-changes with limit 0 and nothing matching passes', rule: '{ rule: max-changes, limit: 0, match: { provider: maas } }', expected: ['pass'], message: /^0 changes of matching resources, within the limit of 0$/ },
    { reason: 'no-changes-on-node fires on updates and replacements on the node, not no-ops', rule: '{ rule: no-changes-on-node, node: pve }', expected: ['proxmox_lxc.dns', 'proxmox_vm.k3s'], message: /^proxmox_lxc\.dns on node pve would be replaced$/ },
    { reason: 'no-changes-on-node takes a list of nodes', rule: '{ rule: no-changes-on-node, node: [pve2, pve3] }', expected: ['proxmox_vm.db'], message: /on node pve2 would be destroyed/ },
    { reason: 'no-changes-on-node passes for a quiet node', rule: '{ rule: no-changes-on-node, node: fun-bedbug }', expected: ['pass'], message: /^Nothing on node fun-bedbug changes$/ },
    { reason: 'address wildcards match instance and block addresses', rule: '{ rule: no-destroy, match: { address: "proxmox_vm.*" } }', expected: ['proxmox_vm.db'] },
    { reason: 'provider narrows', rule: '{ rule: no-replace, match: { provider: kuma } }', expected: ['pass'] },
    { reason: 'all match keys must hold', rule: '{ rule: no-destroy, match: { type: proxmox_vm, node: pve } }', expected: ['pass'] },
    { reason: 'a list in match means any of', rule: '{ rule: no-destroy, match: { node: [pve, pve2] } }', expected: ['proxmox_lxc.dns', 'proxmox_vm.db'] },
    { reason: 'prevent-destroy passes and lists what it protects', rule: '{ rule: prevent-destroy }', expected: ['pass'], message: /^1 resource with lifecycle\.prevent_destroy is kept: proxmox_vm\.keep$/ },
    { reason: 'prevent-destroy with nothing protected', rule: '{ rule: prevent-destroy, match: { type: kuma_monitor } }', expected: ['pass'], message: /^No matching resource has lifecycle\.prevent_destroy$/ },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const { results, violations } = evaluatePolicies(plan(), rulesFrom(`policies:\n  - ${c.rule}\n`));
      expect(outcome(results)).toEqual(c.expected);
      expect(violations).toEqual(results.filter((r) => !r.passed));
      if (c.message) for (const r of results.slice(0, 1)) expect(r.message).toMatch(c.message);
    });
  }

  it('prevent-destroy fires on a plan that would destroy a protected resource', () => {
    const p = makePlan({ changes: [change('proxmox_vm.keep', 'delete', { id: 'pve/100', node: 'pve' }, null, { preventDestroy: true })] });
    const { results } = evaluatePolicies(p, rulesFrom('policies:\n  - { rule: prevent-destroy }\n'));
    expect(results).toEqual([
      {
        rule: 'prevent-destroy',
        name: 'prevent-destroy',
        resource: 'proxmox_vm.keep',
        passed: false,
        message: 'proxmox_vm.keep has lifecycle.prevent_destroy but would be destroyed',
        severity: 'error',
      },
    ]);
    expect(hasBlockingViolations(results)).toBe(true);
  });

  it('no-changes-on-node sees a resource moving off the node (node before or after)', () => {
    const p = makePlan({ changes: [change('proxmox_vm.k3s', 'update', { id: 'x', node: 'pve' }, { id: 'x', node: 'pve2' })] });
    expect(outcome(evaluatePolicies(p, rulesFrom('policies:\n  - { rule: no-changes-on-node, node: pve }\n')).results)).toEqual(['proxmox_vm.k3s']);
    expect(outcome(evaluatePolicies(p, rulesFrom('policies:\n  - { rule: no-changes-on-node, node: pve2 }\n')).results)).toEqual(['proxmox_vm.k3s']);
  });
});

describe('evaluatePolicies: results', () => {
  it('names rules after their settings unless named, and keeps the rules\' order', () => {
    const { results } = evaluatePolicies(
      plan(),
      rulesFrom(`policies:
  - { rule: max-changes, limit: 10 }
  - { rule: no-destroy, match: { type: proxmox_vm, tag: [prod, protected] } }
  - { rule: no-changes-on-node, node: [a, b] }
  - { rule: no-replace, name: keep containers }
`),
    );
    expect(results.map((r) => r.name)).toEqual([
      'max-changes (limit 10)',
      'no-destroy (type proxmox_vm, tag prod or protected)',
      'no-changes-on-node (node a or b)',
      'keep containers',
    ]);
    expect(results.map((r) => r.rule)).toEqual(['max-changes', 'no-destroy', 'no-changes-on-node', 'no-replace']);
  });

  it('a warning is reported but does not block', () => {
    const { results, violations } = evaluatePolicies(plan(), rulesFrom('policies:\n  - { rule: no-destroy, severity: warning }\n'));
    expect(violations.map((v) => [v.resource, v.severity])).toEqual([
      ['proxmox_lxc.dns', 'warning'],
      ['proxmox_vm.db', 'warning'],
    ]);
    expect(hasBlockingViolations(results)).toBe(false);
    expect(hasBlockingViolations(undefined)).toBe(false);
  });

  it('a custom message replaces the violation text, with {resource} and {action} filled in', () => {
    const { results } = evaluatePolicies(
      plan(),
      rulesFrom(`policies:
  - { rule: no-destroy, match: { type: proxmox_vm }, message: "{resource} holds data and must not be {action}; ask #ops" }
  - { rule: max-changes, limit: 1, message: "too big: split {resource}" }
  - { rule: no-replace, match: { type: kuma_monitor }, message: "never shown" }
`),
    );
    expect(results.map((r) => r.message)).toEqual([
      'proxmox_vm.db holds data and must not be destroyed; ask #ops',
      'too big: split the plan',
      'No matching resource is replaced',
    ]);
  });

  it('messages never carry attribute values', () => {
    const p = makePlan({
      changes: [change('proxmox_vm.k3s', 'delete-create', { id: 'pve/1', node: 'pve', name: 'hunter2-value' }, { id: 'pve/1', node: 'pve', name: 'other-value' }, { replacePaths: [{ path: ['name'], reason: 'hunter2-value' }] })],
    });
    const text = JSON.stringify(evaluatePolicies(p, rulesFrom('policies:\n  - { rule: no-destroy }\n  - { rule: no-replace }\n')).results);
    expect(text).not.toContain('hunter2-value');
    expect(text).not.toContain('other-value');
    expect(text).toContain('(forced by name)');
  });

  it('the gate error names every violation of severity error, and only those', () => {
    const { results } = evaluatePolicies(plan(), rulesFrom('policies:\n  - { rule: no-destroy, match: { type: proxmox_vm } }\n  - { rule: no-replace }\n  - { rule: max-changes, limit: 1, severity: warning }\n'));
    expect(policyGateError(results, 'Saved plan p.bin', 'nothing was changed')).toEqual({
      severity: 'error',
      summary: 'Saved plan p.bin violates 2 policy checks of severity error; nothing was changed',
      detail: 'no-destroy (type proxmox_vm): proxmox_vm.db would be destroyed\nno-replace: proxmox_lxc.dns would be replaced (forced by rootfs.storage)',
    });
    expect(policyGateError(results.filter((r) => r.severity === 'warning'), 'x', 'y')).toBeUndefined();
  });

  it('no rules, no results', () => {
    expect(evaluatePolicies(plan(), [])).toEqual({ results: [], violations: [] });
  });
});
