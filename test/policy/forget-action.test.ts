/**
 * A forget (a removed block with destroy: false) is its own action to the policy rules: not a
 * destroy (no-destroy and prevent-destroy let it through, even on a protected resource), but
 * a change (counted by max-changes, named as such by no-changes-on-node).
 */
import { describe, expect, it } from 'vitest';
import { evaluatePolicies } from '../../src/policy/evaluate-policies.js';
import { change, makePlan } from '../render/plan-fixtures.js';
import { rulesFrom } from './policy-rules.js';

const plan = () =>
  makePlan({ changes: [change('proxmox_lxc.cloudflared', 'forget', { id: 'pve/111', node: 'pve' }, null, { preventDestroy: true })] });
const run = (rule: string) => evaluatePolicies(plan(), rulesFrom(`policies:\n  - ${rule}\n`)).results.map((r) => [r.passed, r.message]);

describe('policies and forgets', () => {
  it('no-destroy and prevent-destroy do not count a forget as a destroy', () => {
    expect(run('{ rule: no-destroy }')).toEqual([[true, 'No resource is destroyed or replaced']]);
    expect(run('{ rule: prevent-destroy }')[0]![0]).toBe(true);
  });

  it('max-changes counts it and no-changes-on-node names it', () => {
    expect(run('{ rule: max-changes, limit: 0 }')).toEqual([[false, '1 change, more than the limit of 0']]);
    expect(run('{ rule: no-changes-on-node, node: pve }')).toEqual([
      [false, 'proxmox_lxc.cloudflared on node pve would be removed from state (not destroyed)'],
    ]);
  });
});
