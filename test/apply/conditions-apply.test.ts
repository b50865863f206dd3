/**
 * Custom conditions at apply, as Terraform: a precondition left for apply is evaluated before
 * the provider is called and fails its instance; a postcondition is evaluated on the applied
 * attributes and, false, fails the instance (its dependents skipped) while state keeps what
 * was applied; check blocks are evaluated after apply and only warn.
 */
import { describe, expect, it } from 'vitest';
import { formatLocation, type Diagnostic } from '../../src/core/diagnostic.js';
import { makeHarness } from '../support/engine-harness.js';

const shown = (ds: Diagnostic[], severity: Diagnostic['severity']): string[] =>
  ds.filter((d) => d.severity === severity).map((d) => `${d.location ? formatLocation(d.location) : '-'} ${d.summary}`);

describe('custom conditions at apply', () => {
  it('a postcondition false after apply fails the instance, skips its dependents, and state keeps the applied object', async () => {
    const h = makeHarness();
    const r = await h.apply(`
resources:
  fake_resource.vm:
    name: vm
    lifecycle:
      postcondition: { condition: "\${self.id == \\"nope\\"}", error_message: "vm got id \${self.id}" }
  fake_resource.child: { name: child, value: "\${fake_resource.vm.id}" }
  fake_resource.ok: { name: ok }
`);
    expect(r.plan.checks?.map((c) => `${c.kind} ${c.address} ${c.status}`)).toEqual(['postcondition fake_resource.vm unknown']);
    expect(r.outcomes.get('fake_resource.vm')).toBe('failed');
    expect(r.outcomes.get('fake_resource.child')).toBe('skipped');
    expect(r.outcomes.get('fake_resource.ok')).toBe('applied');
    const store = await h.openStore();
    const vm = store.getResource('fake_resource.vm')!;
    expect(shown(r.diagnostics, 'error')).toEqual([`main.yaml:6:35 fake_resource.vm: postcondition failed: vm got id ${vm.id}`]);
    expect(vm.attributes['name']).toBe('vm');
    expect(h.world.list().map((o) => o.attributes['name']).sort()).toEqual(['ok', 'vm']);
    expect(store.getResource('fake_resource.child')).toBeUndefined();
    expect(r.checks?.map((c) => `${c.kind} ${c.address} ${c.status}`)).toEqual(['postcondition fake_resource.vm fail']);
  });

  it('a precondition left for apply fails its instance before the provider is called', async () => {
    const h = makeHarness();
    const r = await h.apply(`
resources:
  fake_resource.disk: { name: disk }
  fake_resource.vm:
    name: vm
    lifecycle:
      precondition: { condition: "\${fake_resource.disk.id == \\"nope\\"}", error_message: "the disk is \${fake_resource.disk.id}" }
  fake_resource.monitor: { name: monitor, value: "\${fake_resource.vm.id}" }
`);
    expect(r.plan.checks?.map((c) => `${c.kind} ${c.address} ${c.status}`)).toEqual(['precondition fake_resource.vm unknown']);
    expect(r.outcomes.get('fake_resource.disk')).toBe('applied');
    expect(r.outcomes.get('fake_resource.vm')).toBe('failed');
    expect(r.outcomes.get('fake_resource.monitor')).toBe('skipped');
    expect(h.provider.calls.filter((c) => c.method === 'create' && c.phase === 'start').map((c) => c.name)).toEqual(['disk']);
    const disk = (await h.openStore()).getResource('fake_resource.disk')!;
    expect(shown(r.diagnostics, 'error')).toEqual([`main.yaml:7:34 fake_resource.vm: precondition failed: the disk is ${disk.id}`]);
  });

  it('conditions that hold let the apply complete', async () => {
    const h = makeHarness();
    const r = await h.apply(`
resources:
  fake_resource.disk: { name: disk }
  fake_resource.vm:
    name: vm
    lifecycle:
      precondition: { condition: "\${fake_resource.disk.id != \\"\\"}", error_message: no disk }
      postcondition: { condition: "\${self.name == \\"vm\\"}", error_message: renamed }
`);
    expect(r.counts).toMatchObject({ added: 2, failed: 0 });
    expect(shown(r.diagnostics, 'error')).toEqual([]);
    expect(r.checks?.map((c) => `${c.kind} ${c.address} ${c.status}`)).toEqual([
      'precondition fake_resource.vm pass',
      'postcondition fake_resource.vm pass',
    ]);
  });

  it('check blocks are evaluated after apply: unknown at plan, decided now; a failure only warns', async () => {
    const h = makeHarness();
    const r = await h.apply(`
resources:
  fake_resource.vm: { name: vm, value: 3 }
checks:
  has_id:
    assert: { condition: "\${fake_resource.vm.id != \\"\\"}", error_message: no id }
  odd_id:
    assert: { condition: "\${fake_resource.vm.id == \\"nope\\"}", error_message: "id is \${fake_resource.vm.id}" }
`);
    expect(r.plan.checks?.map((c) => `${c.address} ${c.status}`)).toEqual(['check.has_id unknown', 'check.odd_id unknown']);
    expect(r.counts).toMatchObject({ added: 1, failed: 0 });
    const vm = (await h.openStore()).getResource('fake_resource.vm')!;
    expect(r.checks?.map((c) => `${c.address} ${c.status}`)).toEqual(['check.has_id pass', 'check.odd_id fail']);
    expect(shown(r.diagnostics, 'error')).toEqual([]);
    expect(shown(r.diagnostics, 'warning')).toEqual([`main.yaml:8:26 check.odd_id: assertion failed: id is ${vm.id}`]);
  });

  it('the conditions of an unchanged instance that the plan could not decide are decided after apply', async () => {
    const h = makeHarness();
    await h.apply('resources:\n  fake_resource.vm: { name: vm }\n');
    const r = await h.apply(`
resources:
  fake_resource.disk: { name: disk }
  fake_resource.vm:
    name: vm
    lifecycle:
      precondition: { condition: "\${fake_resource.disk.id == \\"nope\\"}", error_message: wrong disk }
`);
    expect(r.plan.changes.find((c) => c.address === 'fake_resource.vm')!.action).toBe('no-op');
    expect(r.plan.checks?.map((c) => `${c.address} ${c.status}`)).toEqual(['fake_resource.vm unknown']);
    expect(r.outcomes.get('fake_resource.disk')).toBe('applied');
    expect(shown(r.diagnostics, 'error')).toEqual(['main.yaml:7:34 fake_resource.vm: precondition failed: wrong disk']);
  });
});
