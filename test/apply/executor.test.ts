/**
 * The executor against a recording fake provider: dependency order under parallelism,
 * reverse order for deletes, replacement halves, failure isolation, Ctrl-C, and provider
 * results checked against the plan.
 */
import { describe, expect, it } from 'vitest';
import { makeHarness } from '../support/engine-harness.js';
import type { RecordedCall } from '../../providers/fake/fake-provider.js';

/** Index of the first call matching, for ordering assertions. */
function at(calls: RecordedCall[], method: RecordedCall['method'], name: string, phase: RecordedCall['phase']): number {
  const i = calls.findIndex((c) => c.method === method && c.name === name && c.phase === phase);
  if (i < 0) throw new Error(`no ${phase} of ${method} ${name} in ${JSON.stringify(calls)}`);
  return i;
}

const CHAIN = `
resources:
  fake_resource.a: { name: a }
  fake_resource.b: { name: b, value: "\${fake_resource.a.id}" }
  fake_resource.c: { name: c, value: "\${fake_resource.b.id}" }
  fake_resource.x: { name: x }
  fake_resource.y: { name: y }
`;

describe('executor', () => {
  it('creates in dependency order and runs independent branches in parallel', async () => {
    const h = makeHarness(40);
    const r = await h.apply(CHAIN, { parallelism: 3 });
    expect(r.counts.added).toBe(5);
    const calls = h.provider.calls.filter((c) => c.method === 'create');
    expect(at(calls, 'create', 'a', 'end')).toBeLessThan(at(calls, 'create', 'b', 'start'));
    expect(at(calls, 'create', 'b', 'end')).toBeLessThan(at(calls, 'create', 'c', 'start'));
    // a, x and y have no dependencies: all three start before any ends
    const firstEnd = calls.findIndex((c) => c.phase === 'end');
    expect(calls.slice(0, firstEnd).map((c) => c.name).sort()).toEqual(['a', 'x', 'y']);
    // the value of b is a's real id, resolved at apply time
    const store = await h.openStore();
    expect(store.getResource('fake_resource.b')!.attributes['value']).toBe(store.getResource('fake_resource.a')!.id);
  });

  it('never runs more operations at once than --parallelism', async () => {
    const h = makeHarness(20);
    const many = 'resources:\n' + Array.from({ length: 12 }, (_, i) => `  fake_resource.r${i}: { name: r${i} }\n`).join('');
    await h.apply(many, { parallelism: 4 });
    let running = 0;
    let max = 0;
    for (const c of h.provider.calls.filter((x) => x.method === 'create')) {
      running += c.phase === 'start' ? 1 : -1;
      max = Math.max(max, running);
    }
    expect(max).toBe(4);
  });

  it('destroys in reverse dependency order', async () => {
    const h = makeHarness(10);
    await h.apply(CHAIN);
    h.provider.calls.length = 0;
    const r = await h.apply(CHAIN, { mode: 'destroy' });
    expect(r.counts.destroyed).toBe(5);
    const calls = h.provider.calls;
    expect(at(calls, 'delete', 'c', 'end')).toBeLessThan(at(calls, 'delete', 'b', 'start'));
    expect(at(calls, 'delete', 'b', 'end')).toBeLessThan(at(calls, 'delete', 'a', 'start'));
    expect(h.world.list()).toEqual([]);
  });

  it('deletes something only after the updates that stop using it', async () => {
    const h = makeHarness(30);
    await h.apply('resources:\n  fake_resource.disk: { name: disk }\n  fake_resource.vm: { name: vm, value: "${fake_resource.disk.id}" }\n');
    h.provider.calls.length = 0;
    const r = await h.apply('resources:\n  fake_resource.vm: { name: vm, value: detached }\n');
    expect(r.counts).toMatchObject({ changed: 1, destroyed: 1 });
    expect(at(h.provider.calls, 'update', 'vm', 'end')).toBeLessThan(at(h.provider.calls, 'delete', 'disk', 'start'));
  });

  it('replaces delete-then-create by default and create-then-delete with create_before_destroy', async () => {
    const h = makeHarness();
    await h.apply('resources:\n  fake_resource.a: { name: one }\n  fake_resource.b: { name: one-b }\n');
    h.provider.calls.length = 0;
    await h.apply(
      'resources:\n  fake_resource.a: { name: two }\n  fake_resource.b: { name: two-b, lifecycle: { create_before_destroy: true } }\n',
    );
    const calls = h.provider.calls.filter((c) => c.phase === 'end' && (c.method === 'create' || c.method === 'delete'));
    const order = calls.map((c) => `${c.method}:${c.name}`);
    expect(order.indexOf('delete:one')).toBeLessThan(order.indexOf('create:two'));
    expect(order.indexOf('create:two-b')).toBeLessThan(order.indexOf('delete:one-b'));
    expect(h.world.list().map((o) => o.attributes['name']).sort()).toEqual(['two', 'two-b']);
    const store = await h.openStore();
    expect(store.listResources().map((r) => r.attributes['name']).sort()).toEqual(['two', 'two-b']);
  });

  it('isolates a failure: only its dependents are skipped, independent branches finish, state keeps what succeeded', async () => {
    const h = makeHarness(5);
    const r = await h.apply(`
resources:
  fake_resource.bad: { name: bad, fail: create }
  fake_resource.child: { name: child, value: "\${fake_resource.bad.id}" }
  fake_resource.grandchild: { name: gc, value: "\${fake_resource.child.id}" }
  fake_resource.ok: { name: ok }
`);
    expect(r.outcomes.get('fake_resource.bad')).toBe('failed');
    expect(r.outcomes.get('fake_resource.child')).toBe('skipped');
    expect(r.outcomes.get('fake_resource.grandchild')).toBe('skipped');
    expect(r.outcomes.get('fake_resource.ok')).toBe('applied');
    expect(r.counts).toMatchObject({ added: 1, failed: 1, skipped: 2 });
    expect(r.diagnostics.find((d) => d.severity === 'error')!.summary).toBe('fake_resource.bad: create failed: fake: create of "bad" failed as configured');
    const store = await h.openStore();
    expect(store.listResources().map((x) => x.address)).toEqual(['fake_resource.ok']);
  });

  it('stops starting operations once asked to stop, and keeps what finished', async () => {
    const h = makeHarness(30);
    let stop = false;
    const yaml = 'resources:\n' + Array.from({ length: 6 }, (_, i) => `  fake_resource.r${i}: { name: r${i} }\n`).join('');
    const r = await h.apply(yaml, {
      parallelism: 2,
      // asked at the first start: an operation waiting for the journal's disk gives up its
      // place, so on a loaded machine all six could be under way before the first one ends
      events: { operationStart: () => (stop = true), operationProgress() {}, operationEnd() {} },
      shouldStop: () => stop,
    });
    expect(r.stopped).toBe(true);
    expect(r.counts.notStarted).toBeGreaterThan(0);
    const store = await h.openStore();
    expect(store.listResources()).toHaveLength(h.world.list().length);
  });

  it('records outputs with apply-time values', async () => {
    const h = makeHarness();
    await h.apply('resources:\n  fake_resource.a: { name: a }\noutputs:\n  id: { value: "${fake_resource.a.id}" }\n');
    const store = await h.openStore();
    expect(store.outputs['id']!.value).toBe(h.world.list()[0]!.id);
  });
});
