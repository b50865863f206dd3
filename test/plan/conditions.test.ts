/**
 * Custom conditions at plan, as Terraform evaluates them: a precondition before its instance
 * is planned, a postcondition on the planned object (`self`), a check block at the end; a
 * resource condition known false stops the plan at its file:line:col, one still unknown is
 * left for apply, a failed check is only a warning.
 */
import { describe, expect, it } from 'vitest';
import { formatLocation, type Diagnostic } from '../../src/core/diagnostic.js';
import { decodePlan, encodePlan } from '../../src/plan/plan-codec.js';
import type { ConditionResult } from '../../src/plan/condition-results.js';
import { fakeState, planScenario } from '../support/plan-harness.js';

const shown = (ds: Diagnostic[], severity: Diagnostic['severity']): string[] =>
  ds.filter((d) => d.severity === severity).map((d) => `${d.location ? formatLocation(d.location) : '-'} ${d.summary}`);

const statuses = (checks: ConditionResult[] | undefined): string[] =>
  (checks ?? []).map((c) => `${c.kind} ${c.address}[${c.rule}] ${c.status}${c.message ? `: ${c.message}` : ''}`);

const K3S = `
variables:
  memory: { type: number, default: 1024 }
  token: { type: string, default: hunter22, sensitive: true }
resources:
  fake_resource.k3s:
    name: k3s
    value: \${var.memory}
    lifecycle:
      precondition:
        - condition: \${var.memory >= 2048}
          error_message: "k3s needs at least 2 GB, got \${var.memory} MB"
`;

describe('custom conditions at plan', () => {
  it('a precondition known false stops the plan with its message at the condition', () => {
    const r = planScenario({ yaml: K3S });
    expect(r.plan).toBeUndefined();
    expect(shown(r.diagnostics, 'error')).toEqual(['main.yaml:11:22 fake_resource.k3s: precondition failed: k3s needs at least 2 GB, got 1024 MB']);
    expect(r.diagnostics[0]!.address).toBe('fake_resource.k3s');
  });

  it('a precondition that holds lets the instance be planned, and says it passed', () => {
    const r = planScenario({ yaml: K3S, variables: { memory: 4096 } });
    expect(r.change('fake_resource.k3s').action).toBe('create');
    expect(statuses(r.plan!.checks)).toEqual(['precondition fake_resource.k3s[0] pass']);
  });

  it('a precondition is evaluated per instance, with each.value', () => {
    const r = planScenario({
      yaml: `
resources:
  fake_resource.vm:
    for_each: { small: 512, big: 8192 }
    name: \${each.key}
    value: \${each.value}
    lifecycle:
      precondition: { condition: "\${each.value >= 2048}", error_message: "\${each.key} is too small" }
`,
    });
    expect(shown(r.diagnostics, 'error')).toEqual(['main.yaml:8:34 fake_resource.vm["small"]: precondition failed: small is too small']);
  });

  it('a precondition unknown at plan is deferred to apply', () => {
    const r = planScenario({
      yaml: `
resources:
  fake_resource.disk: { name: disk }
  fake_resource.vm:
    name: vm
    lifecycle:
      precondition: { condition: "\${fake_resource.disk.id != \\"\\"}", error_message: the disk has no id }
`,
    });
    expect(r.change('fake_resource.vm').action).toBe('create');
    expect(r.change('fake_resource.vm').dependencies).toEqual(['fake_resource.disk']);
    expect(statuses(r.plan!.checks)).toEqual(['precondition fake_resource.vm[0] unknown']);
    expect(r.diagnostics).toEqual([]);
  });

  it('a postcondition on the planned object (self) known false stops the plan', () => {
    const r = planScenario({
      yaml: `
resources:
  fake_resource.vm:
    name: vm
    value: 3
    lifecycle:
      postcondition:
        condition: \${self.value > 100}
        error_message: "value \${self.value} is not above 100"
`,
    });
    expect(r.plan).toBeUndefined();
    expect(shown(r.diagnostics, 'error')).toEqual(['main.yaml:8:20 fake_resource.vm: postcondition failed: value 3 is not above 100']);
  });

  it('a postcondition on a value known only after apply is deferred; on an unchanged object it is decided at plan', () => {
    const yaml = `
resources:
  fake_resource.vm:
    name: vm
    lifecycle:
      postcondition: { condition: "\${self.id != \\"bad\\"}", error_message: bad id }
`;
    const created = planScenario({ yaml });
    expect(statuses(created.plan!.checks)).toEqual(['postcondition fake_resource.vm[0] unknown']);
    const same = planScenario({ yaml, state: [fakeState('fake_resource.vm', { name: 'vm', id: 'bad' })] });
    expect(shown(same.diagnostics, 'error')).toEqual(['main.yaml:6:35 fake_resource.vm: postcondition failed: bad id']);
  });

  it('a condition that is not true or false is an error at the condition, its value not shown when sensitive', () => {
    const r = planScenario({
      yaml: `
variables:
  token: { type: string, default: hunter22, sensitive: true }
resources:
  fake_resource.vm:
    name: vm
    lifecycle:
      precondition:
        - { condition: "\${var.token}", error_message: no }
        - { condition: "\${length(var.token) > 0 ? null : false}", error_message: no }
`,
    });
    expect(shown(r.diagnostics, 'error')).toEqual([
      'main.yaml:9:24 fake_resource.vm: the condition of a precondition must give true or false, got a string',
      'main.yaml:10:24 fake_resource.vm: the condition of a precondition must give true or false, got null',
    ]);
    expect(JSON.stringify(r.diagnostics)).not.toContain('hunter22');
  });

  it('an error message that would show a sensitive value is not shown', () => {
    const r = planScenario({
      yaml: `
variables:
  token: { type: string, default: hunter22, sensitive: true }
resources:
  fake_resource.vm:
    name: vm
    lifecycle:
      precondition: { condition: "\${var.token == \\"x\\"}", error_message: "token \${var.token} is wrong" }
`,
    });
    expect(shown(r.diagnostics, 'error')).toEqual([
      'main.yaml:8:34 fake_resource.vm: precondition failed: (the error message refers to sensitive values, so it is not shown)',
    ]);
    expect(JSON.stringify(r.diagnostics)).not.toContain('hunter22');
  });

  it('a failed check is a warning and the plan is still made; an unknown one is reported as unknown', () => {
    const r = planScenario({
      yaml: `
resources:
  fake_resource.vm: { name: vm, value: 3 }
checks:
  big_enough:
    assert:
      - condition: \${fake_resource.vm.value > 10}
        error_message: "vm value is \${fake_resource.vm.value}"
      - condition: \${fake_resource.vm.name == "vm"}
        error_message: renamed
  has_id:
    assert: { condition: "\${fake_resource.vm.id != \\"\\"}", error_message: no id }
`,
    });
    expect(r.plan).toBeDefined();
    expect(r.change('fake_resource.vm').action).toBe('create');
    expect(shown(r.diagnostics, 'error')).toEqual([]);
    expect(shown(r.plan!.diagnostics, 'warning')).toEqual(['main.yaml:7:20 check.big_enough: assertion failed: vm value is 3']);
    expect(statuses(r.plan!.checks)).toEqual([
      'check check.big_enough[0] fail: vm value is 3',
      'check check.big_enough[1] pass',
      'check check.has_id[0] unknown',
    ]);
  });

  it('a check whose condition cannot be evaluated is a warning, not an error', () => {
    const r = planScenario({
      yaml: `
resources:
  fake_resource.vm: { name: vm }
checks:
  odd:
    assert: { condition: "\${fake_resource.vm.name}", error_message: never }
`,
    });
    expect(r.plan).toBeDefined();
    expect(shown(r.plan!.diagnostics, 'warning')).toEqual([
      'main.yaml:6:26 check.odd: the condition of an assertion must give true or false, got string "vm"',
    ]);
    expect(statuses(r.plan!.checks)).toEqual(['check check.odd[0] error']);
  });

  it('the saved plan carries the results', () => {
    const r = planScenario({ yaml: K3S, variables: { memory: 4096 } });
    const back = decodePlan(encodePlan(r.plan!), 'p.json');
    expect(back.plan!.checks).toEqual(r.plan!.checks);
  });
});
