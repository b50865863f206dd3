/**
 * Issue 14, item 13b (engine side): a create that made the object and then failed (its
 * post-create step) throws a ProviderError with `partial`. The object is recorded in state as
 * it really is and tainted (as Terraform does), the operation counts as failed, and the next
 * plan replaces it with one made whole — no orphan, no object left half made. An update that
 * changed part records what it changed, and the next plan finishes it with an update.
 */
import { describe, expect, it } from 'vitest';
import { makeEngineFixture } from '../engine/engine-fixture.js';

describe('an operation that failed after it made or changed the object', () => {
  it('records a partly made object in state as tainted; the next plan replaces it', async () => {
    const f = makeEngineFixture();
    const config = 'resources:\n  fake_resource.a: { name: a, description: wanted, fail: create-partial }\n  fake_resource.b: { name: b, value: "${fake_resource.a.id}" }\n';
    const r = await f.applyWithRetries(config);
    expect(r.outcomes.get('fake_resource.a')).toBe('failed');
    expect(r.outcomes.get('fake_resource.b')).toBe('skipped');
    expect(r.counts.failed).toBe(1);
    const err = r.diagnostics.find((d) => d.severity === 'error' && d.address === 'fake_resource.a')!;
    expect(err.summary).toContain('setting its description failed');
    expect(err.summary).toContain('recorded in state');
    expect(err.detail).toBeUndefined(); // not called a bug in the provider

    expect(f.world.list()).toHaveLength(1);
    const obj = f.world.list()[0]!;
    const store = await f.openStore();
    expect(store.pendingIntents()).toEqual([]);
    const a = store.getResource('fake_resource.a')!;
    expect(a.id).toBe(obj.id);
    expect(a.status).toBe('tainted');
    expect(a.attributes['description']).toBeNull();
    await store.close();

    const { plan } = await f.plan(config, { refresh: true });
    expect(plan.changes.map((c) => [c.address, c.action])).toEqual([
      ['fake_resource.a', 'delete-create'],
      ['fake_resource.b', 'create'],
    ]);
    const a2 = plan.changes.find((c) => c.address === 'fake_resource.a')!;
    expect(a2.id).toBe(obj.id);
    expect(a2.reason).toBe('replace_because_tainted');

    // finishing it: the half-made object is replaced, none is left behind
    const done = await f.applyWithRetries(config.replace(', fail: create-partial', ''));
    expect(done.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const left = f.world.list().filter((o) => o.attributes['name'] === 'a');
    expect(left).toHaveLength(1);
    expect(left[0]!.id).not.toBe(obj.id);
    expect(left[0]!.attributes['description']).toBe('wanted');
  });

  it('records what a partly applied update changed', async () => {
    const f = makeEngineFixture();
    await f.apply('resources:\n  fake_resource.a: { name: a, size: 1, description: old }\n');
    const r = await f.applyWithRetries('resources:\n  fake_resource.a: { name: a, size: 2, description: new, fail: update-partial }\n');
    expect(r.outcomes.get('fake_resource.a')).toBe('failed');
    const store = await f.openStore();
    const a = store.getResource('fake_resource.a')!;
    expect(store.pendingIntents()).toEqual([]);
    expect(a.attributes['size']).toBe(2);
    expect(a.attributes['description']).toBe('old');
    await store.close();
    const { plan } = await f.plan('resources:\n  fake_resource.a: { name: a, size: 2, description: new }\n', { refresh: true });
    const change = plan.changes[0]!;
    expect(change.action).toBe('update');
    expect(plan.drift).toEqual([]); // what hl changed is not shown as outside drift
  });
});
