/**
 * Create-before-destroy never loses the object it replaces: the create records the old object
 * as deposed in the same journal line as the new one, so when its delete fails (or the run
 * dies first) state still holds it, the next plan shows its delete, and apply does it.
 */
import { describe, expect, it } from 'vitest';
import { reconcileJournal } from '../../src/apply/reconcile-journal.js';
import { decodePlan, encodePlan } from '../../src/plan/plan-codec.js';
import { ProviderError, type DeleteRequest } from '../../src/provider/contract.js';
import { renderPlanHuman } from '../../src/render/plan-human.js';
import { planToShowJson } from '../../src/render/plan-json.js';
import { deposedKeyOf } from '../../src/state/deposed-objects.js';
import { makeHarness } from '../support/engine-harness.js';

const CBD = (name: string): string => `resources:\n  fake_resource.a: { name: ${name}, lifecycle: { create_before_destroy: true } }\n`;

describe('deposed objects', () => {
  it('keeps a replaced object whose delete failed, plans its delete, and deletes it on the next apply', async () => {
    const h = makeHarness();
    await h.apply(CBD('one'));
    const oldId = h.world.list()[0]!.id;

    const realDelete = h.provider.delete.bind(h.provider);
    h.provider.delete = async () => {
      throw new ProviderError('the API is down');
    };
    const r = await h.apply(CBD('two'));
    expect(r.outcomes.get('fake_resource.a')).toBe('failed');
    expect(h.world.list().map((o) => o.attributes['name']).sort()).toEqual(['one', 'two']);
    let store = await h.openStore();
    const entry = store.getResource('fake_resource.a')!;
    expect(entry.attributes['name']).toBe('two');
    expect(entry.deposed).toEqual([{ key: deposedKeyOf(oldId), id: oldId, attributes: expect.objectContaining({ name: 'one' }), sensitivePaths: [['secret']] }]);
    await store.close();

    // the next plan: nothing to do for the address itself, one deposed object to delete
    h.provider.delete = (req: DeleteRequest) => realDelete(req);
    const { plan } = await h.plan(CBD('two'));
    expect(plan.changes.map((c) => c.action)).toEqual(['no-op']);
    expect(plan.deposed).toEqual([
      expect.objectContaining({ address: 'fake_resource.a', key: deposedKeyOf(oldId), id: oldId, type: 'fake_resource', provider: 'fake' }),
    ]);
    expect(plan.summary.destroy).toBe(1);
    expect(plan.hasChanges).toBe(true);
    const text = renderPlanHuman(plan, { color: false });
    expect(text).toContain(`# fake_resource.a (deposed object ${deposedKeyOf(oldId)}) will be destroyed`);
    expect(text).toContain('Plan: 0 to add, 0 to change, 0 to replace, 1 to destroy.');
    const json = planToShowJson(plan, 'test');
    expect(json.resource_changes.find((c) => c.deposed !== undefined)).toMatchObject({
      address: 'fake_resource.a',
      deposed: deposedKeyOf(oldId),
      action_reason: 'delete_because_deposed',
      change: { actions: ['delete'] },
    });
    // a saved plan keeps them
    const saved = decodePlan(encodePlan(plan), 'p.json').plan!.deposed;
    expect(saved.map((d) => [d.address, d.key, d.id, d.before['name']])).toEqual([['fake_resource.a', deposedKeyOf(oldId), oldId, 'one']]);

    const done = await h.apply(CBD('two'));
    expect(done.counts).toMatchObject({ destroyed: 1, failed: 0 });
    expect(h.world.list().map((o) => o.attributes['name'])).toEqual(['two']);
    store = await h.openStore();
    expect(store.getResource('fake_resource.a')!.deposed).toBeUndefined();
    await store.close();
    const { plan: after } = await h.plan(CBD('two'));
    expect(after.hasChanges).toBe(false);
  });

  it('deletes deposed objects before the address itself is destroyed', async () => {
    const h = makeHarness();
    await h.apply(CBD('one'));
    const realDelete = h.provider.delete.bind(h.provider);
    h.provider.delete = async () => {
      throw new ProviderError('the API is down');
    };
    await h.apply(CBD('two'));
    h.provider.delete = (req: DeleteRequest) => realDelete(req);
    h.provider.calls.length = 0;
    const r = await h.apply(CBD('two'), { mode: 'destroy' });
    expect(r.counts).toMatchObject({ destroyed: 2, failed: 0 });
    const deletes = h.provider.calls.filter((c) => c.method === 'delete' && c.phase === 'end').map((c) => c.name);
    expect(deletes).toEqual(['one', 'two']);
    expect(h.world.list()).toEqual([]);
    const store = await h.openStore();
    expect(store.listResources()).toEqual([]);
    await store.close();
  });

  it('keeps the replaced object when a run dies after the create of its successor (journal recovery)', async () => {
    const h = makeHarness();
    await h.apply(CBD('one'));
    const old = h.world.list()[0]!;
    // The run reserved an identity, journaled the create and made the object, then died.
    const store = await h.openStore();
    const newId = h.world.allocateId();
    await store.beginIntent({ address: 'fake_resource.a', operation: 'create', type: 'fake_resource', provider: 'fake', identity: { id: newId }, planned: { name: 'two' } });
    h.world.put({ id: newId, type: 'fake_resource', attributes: { name: 'two', id: newId, serial: 0 } });
    await store.checkpoint();
    await store.close();

    const next = await h.openStore();
    const r = await reconcileJournal(next, new Map([['fake', h.provider]]));
    expect(r.recoveries).toEqual([{ address: 'fake_resource.a', operation: 'create', result: 'adopted', id: newId }]);
    const entry = next.getResource('fake_resource.a')!;
    expect(entry.id).toBe(newId);
    expect(entry.deposed?.map((d) => d.id)).toEqual([old.id]);
    await next.checkpoint();
    await next.close();
    const { plan } = await h.plan(CBD('two'));
    expect(plan.deposed.map((d) => d.id)).toEqual([old.id]);
  });
});
