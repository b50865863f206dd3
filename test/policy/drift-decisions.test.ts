/**
 * What hl watch applies unattended and what it only reports (plan/drift-decisions.ts with the
 * policy's allowances, policy/unattended-allowance.ts), table-driven with a reason per case.
 */
import { describe, expect, it } from 'vitest';
import type { OnDrift } from '../../src/config/config-types.js';
import { addressesToApply, decideDrift, type DriftDecision } from '../../src/plan/drift-decisions.js';
import { evaluatePolicies } from '../../src/policy/evaluate-policies.js';
import { policyForbids, unattendedAllowance } from '../../src/policy/unattended-allowance.js';
import { change, makePlan } from '../render/plan-fixtures.js';
import { rulesFrom } from './policy-rules.js';

function plan() {
  return makePlan({
    changes: [
      change('proxmox_vm.web', 'update', { id: 'pve/101', node: 'pve', memory: 2048 }, { id: 'pve/101', node: 'pve', memory: 1024 }),
      change('proxmox_vm.db', 'update', { id: 'pve/102', node: 'pve', memory: 4096 }, { id: 'pve/102', node: 'pve', memory: 2048 }),
      change('proxmox_vm.cattle', 'create', null, { node: 'pve', tags: ['cattle'], memory: 512 }),
      change('proxmox_lxc.dns', 'delete-create', { id: 'pve/110', node: 'pve' }, { id: 'pve/110', node: 'pve' }),
      change('proxmox_vm.old', 'delete', { id: 'pve/103', node: 'pve' }, null),
      change('proxmox_vm.same', 'no-op', { id: 'pve/104' }, { id: 'pve/104' }),
      change('data.maas_subnet.lan', 'read', null, { cidr: '192.168.4.0/24' }),
    ],
  });
}

function decide(onDrift: Record<string, OnDrift>, policies = 'policies: []'): DriftDecision[] {
  const p = plan();
  const rules = rulesFrom(policies);
  const results = evaluatePolicies(p, rules).results;
  return decideDrift({
    changes: p.changes,
    onDrift: (block) => onDrift[block],
    allowedBy: unattendedAllowance(rules),
    forbiddenBy: policyForbids(results, p.changes),
  });
}

/** `address: decision` for each decision. */
function outcome(ds: DriftDecision[]): Record<string, string> {
  return Object.fromEntries(ds.map((d) => [d.address, d.decision]));
}

describe('decideDrift', () => {
  const cases: { reason: string; onDrift: Record<string, OnDrift>; policies?: string; apply: string[] }[] = [
    { reason: 'by default everything is only reported', onDrift: {}, apply: [] },
    { reason: 'an update of a resource whose on_drift is revert is applied, the others reported', onDrift: { 'proxmox_vm.web': 'revert', 'proxmox_vm.db': 'report' }, apply: ['proxmox_vm.web'] },
    { reason: 'on_drift revert does not make a delete unattended', onDrift: { 'proxmox_vm.old': 'revert' }, apply: [] },
    { reason: 'on_drift revert does not make a create unattended', onDrift: { 'proxmox_vm.cattle': 'revert' }, apply: [] },
    { reason: 'an unattended rule allowing create applies the matching create only', onDrift: {}, policies: 'policies:\n  - { rule: unattended, allow: [create], match: { tag: cattle } }\n', apply: ['proxmox_vm.cattle'] },
    { reason: 'an unattended rule allowing create does not allow a delete or a replacement', onDrift: {}, policies: 'policies:\n  - { rule: unattended, allow: [create] }\n', apply: ['proxmox_vm.cattle'] },
    { reason: 'replace and delete allowed by type', onDrift: {}, policies: 'policies:\n  - { rule: unattended, allow: [replace, delete], match: { type: "proxmox_*" } }\n', apply: ['proxmox_lxc.dns', 'proxmox_vm.old'] },
    { reason: 'a rule of severity error about the resource forbids even a revert', onDrift: { 'proxmox_vm.web': 'revert', 'proxmox_vm.db': 'revert' }, policies: 'policies:\n  - { rule: no-changes-on-node, node: pve, match: { address: proxmox_vm.web } }\n', apply: ['proxmox_vm.db'] },
    { reason: 'a rule of severity error about the whole plan forbids every change', onDrift: { 'proxmox_vm.web': 'revert' }, policies: 'policies:\n  - { rule: max-changes, limit: 1 }\n  - { rule: unattended, allow: [create] }\n', apply: [] },
    { reason: 'a warning forbids nothing', onDrift: { 'proxmox_vm.web': 'revert' }, policies: 'policies:\n  - { rule: max-changes, limit: 1, severity: warning }\n', apply: ['proxmox_vm.web'] },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const ds = decide(c.onDrift, c.policies);
      expect(addressesToApply(ds).sort()).toEqual(c.apply);
    });
  }

  it('decides every change once, leaves no-ops and reads out, and says why', () => {
    const ds = decide({ 'proxmox_vm.web': 'revert' }, 'policies:\n  - { rule: unattended, allow: [create], name: cattle }\n');
    expect(outcome(ds)).toEqual({
      'proxmox_vm.web': 'apply',
      'proxmox_vm.db': 'report',
      'proxmox_vm.cattle': 'apply',
      'proxmox_lxc.dns': 'report',
      'proxmox_vm.old': 'report',
    });
    const why = Object.fromEntries(ds.map((d) => [d.address, `${d.kind}: ${d.why}`]));
    expect(why['proxmox_vm.web']).toBe('update: lifecycle.on_drift is revert');
    expect(why['proxmox_vm.db']).toBe('update: lifecycle.on_drift is report (the default)');
    expect(why['proxmox_vm.cattle']).toBe('create: policy rule cattle allows a create unattended');
    expect(why['proxmox_lxc.dns']).toMatch(/^replace: a replace is never made unattended unless a policy rule unattended allows it$/);
  });
});

describe('the unattended rule', () => {
  it('always passes, naming what it allows', () => {
    const p = plan();
    const results = evaluatePolicies(p, rulesFrom('policies:\n  - { rule: unattended, allow: [create, delete], match: { tag: cattle } }\n')).results;
    expect(results).toEqual([
      expect.objectContaining({ rule: 'unattended', passed: true, message: 'hl watch may create, delete matching resources unattended', name: 'unattended (allow create, delete, tag cattle)' }),
    ]);
  });
});

describe('the unattended rule in a policy file', () => {
  it('needs allow, and allow belongs to no other rule', async () => {
    const { parsePolicyFile } = await import('../../src/policy/parse-policies.js');
    const bad = (text: string) => parsePolicyFile({ path: 'p.yaml', text }).diagnostics.map((d) => d.summary).join('\n');
    expect(bad('policies:\n  - { rule: unattended }\n')).toMatch(/allow/);
    expect(bad('policies:\n  - { rule: no-destroy, allow: [create] }\n')).toMatch(/allow applies only to rule unattended/);
    expect(bad('policies:\n  - { rule: unattended, allow: [update] }\n')).not.toBe('');
    expect(bad('policies:\n  - { rule: unattended, allow: [create, replace] }\n')).toBe('');
  });
});
